import json
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from {{ package }} import ApiError, {% if circuit_breaker %}CircuitOpenError, {% endif %}{{ service | pascal_case }}Client, TransportError
{%- if circuit_breaker %}
from {{ package }}.client import CircuitBreaker
{%- endif %}


class Scripted(BaseHTTPRequestHandler):
    """Answers each request with the next scripted (status, headers, body) and records it."""

    def handle_one(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.seen.append(
            {"method": self.command, "path": self.path, "headers": self.headers, "body": self.rfile.read(length)}
        )
        status, headers, body = self.server.script.pop(0) if self.server.script else (200, {}, b"{}")
        if status == "hang":
            threading.Event().wait(0.5)
            return
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = handle_one

    def log_message(self, *args):
        pass


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
        self.server.script, self.server.seen = [], []
        # A short poll interval: shutdown() in the cleanup returns at once.
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.waits = []
        self.client = {{ service | pascal_case }}Client(
            base_url=f"http://127.0.0.1:{self.server.server_address[1]}/v1",
{%- if auth == 'bearer' %}
            token="t0ken",
{%- elsif auth == 'api-key' %}
            api_key="k3y",
{%- endif %}
            timeout=0.3,
            sleep=self.waits.append,
        )

    def script(self, *answers):
        self.server.script.extend(answers)

    def test_get_returns_json_and_sends_auth(self):
        self.script((200, {}, b'{"id": 7}'))
        self.assertEqual(self.client.get("invoices/7", params={"expand": "lines"}), {"id": 7})
        (seen,) = self.server.seen
        self.assertEqual(seen["path"], "/v1/invoices/7?expand=lines")
{%- if auth == 'bearer' %}
        self.assertEqual(seen["headers"]["Authorization"], "Bearer t0ken")
{%- elsif auth == 'api-key' %}
        self.assertEqual(seen["headers"]["X-API-Key"], "k3y")
{%- else %}
        self.assertNotIn("Authorization", seen["headers"])
{%- endif %}

    def test_retries_a_get_on_503_with_growing_jittered_waits(self):
        self.client.random = lambda: 1.0
        failures = min(self.client.max_retries, 3)
        self.script(*[(503, {}, b"")] * failures, (200, {}, b'{"ok": true}'))
        self.assertEqual(self.client.get("health"), {"ok": True})
        self.assertEqual(len(self.server.seen), failures + 1)
        self.assertEqual(self.waits, [0.2 * 2**i for i in range(failures)])

    def test_honours_retry_after(self):
        self.script((429, {"Retry-After": "3"}, b""), (200, {}, b"{}"))
        self.client.get("things")
        self.assertEqual(self.waits, [3.0])

    def test_gives_up_after_max_retries(self):
        self.script(*[(502, {}, b"")] * (self.client.max_retries + 1))
        with self.assertRaises(ApiError) as caught:
            self.client.get("things")
        self.assertEqual(caught.exception.status, 502)
        self.assertEqual(len(self.server.seen), self.client.max_retries + 1)

    def test_never_retries_a_plain_post(self):
        self.script((503, {}, b""))
        with self.assertRaises(ApiError):
            self.client.post("invoices", {"total": 10})
        self.assertEqual(len(self.server.seen), 1)

    def test_retries_a_post_with_an_idempotency_key_using_the_same_key(self):
        self.script((503, {}, b""), (201, {}, b'{"id": 1}'))
        if self.client.max_retries == 0:
            self.skipTest("retries are off")
        self.assertEqual(self.client.post("invoices", {"total": 10}, retry=True), {"id": 1})
        keys = [s["headers"]["Idempotency-Key"] for s in self.server.seen]
        self.assertEqual(len(keys), 2)
        self.assertEqual(keys[0], keys[1])
        self.assertEqual(json.loads(self.server.seen[1]["body"]), {"total": 10})

    def test_problem_details_become_the_error(self):
        problem = {"type": "https://example.com/probs/out-of-credit", "title": "Out of credit", "detail": "Balance is 30, cost is 50"}
        self.script((403, {"Content-Type": "application/problem+json"}, json.dumps(problem).encode()))
        with self.assertRaises(ApiError) as caught:
            self.client.get("accounts/1")
        self.assertEqual(caught.exception.problem["title"], "Out of credit")
        self.assertIn("Balance is 30, cost is 50", str(caught.exception))
        self.assertEqual(len(self.server.seen), 1)

    def test_timeouts_and_refused_connections_are_transport_errors(self):
        self.script(*[("hang", {}, b"")] * (self.client.max_retries + 1))
        with self.assertRaises(TransportError):
            self.client.get("slow")
        self.assertEqual(len(self.waits), self.client.max_retries)
        closed = {{ service | pascal_case }}Client(base_url="http://127.0.0.1:1", max_retries=0)
        with self.assertRaises(TransportError):
            closed.get("x")

    def test_from_env(self):
        client = {{ service | pascal_case }}Client.from_env({"{{ service | upcase }}_BASE_URL": "http://api.internal", "{{ service | upcase }}_TIMEOUT": "1.5"})
        self.assertEqual((client.base_url, client.timeout), ("http://api.internal", 1.5))
        with self.assertRaises(ValueError):
            {{ service | pascal_case }}Client.from_env({})
{%- if circuit_breaker %}

    def test_circuit_opens_after_consecutive_failures_then_half_opens(self):
        now = [1000.0]
        self.client.max_retries = 0
        self.client.breaker = CircuitBreaker(threshold=3, reset_seconds=30, clock=lambda: now[0])
        self.script(*[(500, {}, b"")] * 3)
        for _ in range(3):
            with self.assertRaises(ApiError):
                self.client.get("flaky")
        with self.assertRaises(CircuitOpenError):
            self.client.get("flaky")
        self.assertEqual(len(self.server.seen), 3)
        # After the reset time one trial goes through; success closes the circuit.
        now[0] += 31
        self.script((200, {}, b"{}"), (200, {}, b"{}"))
        self.client.get("flaky")
        self.client.get("flaky")
        self.assertEqual(len(self.server.seen), 5)

    def test_client_errors_do_not_open_the_circuit(self):
        self.client.breaker = CircuitBreaker(threshold=2)
        self.script(*[(404, {}, b"")] * 3)
        for _ in range(3):
            with self.assertRaises(ApiError):
                self.client.get("missing")
        self.assertEqual(self.client.breaker.failures, 0)
{%- endif %}


if __name__ == "__main__":
    unittest.main()
