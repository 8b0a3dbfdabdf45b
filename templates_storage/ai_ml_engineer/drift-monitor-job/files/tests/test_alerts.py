import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

from drift_monitor import alerts
from drift_monitor.report import DriftReport, FeatureDrift


def report(drifted):
    r = DriftReport(method="{{ method }}", threshold={{ threshold }})
    r.features = [
        FeatureDrift("amount", "numeric", 0.9 if drifted else 0.01, drifted, 100, 100),
        FeatureDrift("plan", "categorical", 0.01, False, 100, 100),
    ]
    return r


class Receiver:
    """A local HTTP endpoint standing in for the alert target, recording what it receives."""

    def __enter__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self):
                self._record()

            def do_POST(self):
                self._record()

            def _record(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.command, self.path, body.decode()))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class AlertTest(unittest.TestCase):
    def test_no_target_sends_nothing(self):
        alerts.send(report(True), "{{ job_name }}", None)
{%- if alert == 'pushgateway' %}

    def test_metrics_are_put_under_the_job(self):
        with Receiver() as receiver:
            alerts.send(report(True), "{{ job_name }}", receiver.url)
        [(method, path, body)] = receiver.received
        self.assertEqual((method, path), ("PUT", "/metrics/job/{{ job_name }}"))
        self.assertIn('model_feature_drift{feature="amount",method="{{ method }}"} 0.9', body)
        self.assertIn("model_drifted_features 1", body)
{%- elsif alert == 'slack' %}

    def test_posts_only_when_something_drifted(self):
        with Receiver() as receiver:
            alerts.send(report(False), "{{ job_name }}", receiver.url)
            alerts.send(report(True), "{{ job_name }}", receiver.url)
        [(method, _, body)] = receiver.received
        self.assertEqual(method, "POST")
        self.assertIn("1 of 2 features drifted", body)
        self.assertIn("`amount`", body)
{%- endif %}


if __name__ == "__main__":
    unittest.main()
