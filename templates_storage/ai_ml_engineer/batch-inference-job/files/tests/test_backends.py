{%- if backend == 'http' -%}
import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

from batch_infer.backends import ScoringError, http_backend


class ModelServer:
    """A local stand-in for the model server: doubles `x`, fails the first `fail` calls with 503."""

    def __init__(self, fail=0, short=False):
        self.fail, self.short, self.requests = fail, short, []

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append((self.headers.get("Authorization"), body))
                if server.fail:
                    server.fail -= 1
                    self.send_response(503)
                    self.end_headers()
                    return
                predictions = [i["x"] * 2 for i in body["instances"]][: -1 if server.short else None]
                data = json.dumps({"predictions": predictions}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/v1/models/m:predict"
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class HttpBackendTest(unittest.TestCase):
    def test_predictions_in_order_with_the_token(self):
        with ModelServer() as server:
            predict = http_backend(server.url, token="t0k", backoff=0)
            self.assertEqual(predict([{"x": 1}, {"x": 5}]), [2, 10])
        self.assertEqual(server.requests[0][0], "Bearer t0k")

    def test_overload_is_retried(self):
        with ModelServer(fail=2) as server:
            self.assertEqual(http_backend(server.url, backoff=0)([{"x": 3}]), [6])
        self.assertEqual(len(server.requests), 3)

    def test_a_short_answer_is_an_error(self):
        with ModelServer(short=True) as server:
            with self.assertRaisesRegex(ScoringError, "got 1 predictions"):
                http_backend(server.url, backoff=0)([{"x": 1}, {"x": 2}])


if __name__ == "__main__":
    unittest.main()
{%- else -%}
import json
import os
import tempfile
import unittest
from unittest import mock

from batch_infer.backends import load_function


class InProcessBackendTest(unittest.TestCase):
    def test_the_shipped_model_scores_a_logistic_regression(self):
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "model.json"), "w") as handle:
                json.dump({"features": ["a", "b"], "weights": [1.0, -2.0], "bias": 0.5}, handle)
            with mock.patch.dict(os.environ, {"MODEL_PATH": folder}):
                predict = load_function("model.predict:predict_batch")
                import model.predict as module

                module._MODEL = None
                self.assertEqual(predict([{"a": 0, "b": 0}, {"a": 1.5, "b": 1}]), [0.622459, 0.5])

    def test_a_bad_spec_is_refused(self):
        with self.assertRaises(ValueError):
            load_function("model.predict")


if __name__ == "__main__":
    unittest.main()
{%- endif %}
