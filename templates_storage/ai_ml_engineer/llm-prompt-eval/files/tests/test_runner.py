"""The runner end to end against a local OpenAI-compatible endpoint that answers from a script."""

import io
import json
import threading
import unittest
from contextlib import redirect_stdout
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from unittest import mock

from prompteval.__main__ import main
from prompteval.client import Client, ProviderError
from prompteval.runner import load_cases, run_suite, summary

ROOT = Path(__file__).resolve().parent.parent

GOOD_ANSWERS = {
    "kettle": "Yes: purchases can be refunded within 30 days with the receipt.",
    "3 months": "I am sorry, refunds are only possible within 30 days of purchase.",
    "taxes": "That is outside what I can help with; I will hand you to a human agent.",
    "Toaster": "Ja, innerhalb von 30 Tagen mit Kassenbon ist eine Rückgabe möglich.",
    "ridiculous": "I understand the frustration. Within 30 days you get a refund with the receipt.",
}


class FakeProvider:
    """Answers each chat request by a keyword of the user message; optionally fails first."""

    def __init__(self, answers, fail_first=0):
        self.answers, self.fail_first, self.requests = answers, fail_first, []

    def __enter__(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                provider.requests.append((self.path, self.headers, body))
                if provider.fail_first > 0:
                    provider.fail_first -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                text = body["messages"][-1]["content"]
                if "grade an assistant" in text:
                    reply = '{"score": 5, "reason": "fine"}'
                else:
                    reply = next((a for k, a in provider.answers.items() if k in text), "I do not know.")
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def client(self, **kwargs):
{%- if provider == 'azure_openai' %}
        return Client(base_url=f"{self.url}/openai", model="{{ model }}", api_key="test-key", backoff=0, **kwargs)
{%- else %}
        return Client(base_url=f"{self.url}/v1", model="{{ model }}", api_key="test-key", backoff=0, **kwargs)
{%- endif %}


class RunnerTest(unittest.TestCase):
    def test_the_shipped_cases_load(self):
        self.assertGreaterEqual(len(load_cases(ROOT / "evals" / "cases.json")), 4)

    def test_good_answers_pass_the_gate(self):
        with FakeProvider(GOOD_ANSWERS) as provider:
            results = run_suite(provider.client(), ROOT, repeats=2, workers=2)
        self.assertTrue(all(r.passed for r in results), [r.failures for r in results])
        ok, report = summary(results)
        self.assertTrue(ok)
        self.assertIn(f"{len(results)}/{len(results)} cases passed", report)

    def test_the_request_follows_the_provider(self):
        with FakeProvider(GOOD_ANSWERS) as provider:
            provider.client().chat([{"role": "user", "content": "kettle"}])
        path, headers, body = provider.requests[0]
{%- if provider == 'azure_openai' %}
        self.assertTrue(path.startswith("/openai/deployments/{{ model }}/chat/completions?api-version="))
        self.assertEqual(headers["api-key"], "test-key")
{%- else %}
        self.assertEqual(path, "/v1/chat/completions")
        self.assertEqual(headers["Authorization"], "Bearer test-key")
{%- endif %}
        self.assertEqual((body["model"], body["temperature"]), ("{{ model }}", 0.0))

    def test_bad_answers_fail_with_reasons(self):
        with FakeProvider({"kettle": "Sure, you will get a refund whenever you like."}) as provider:
            results = {r.case_id: r for r in run_suite(provider.client(), ROOT, repeats=1)}
        self.assertFalse(results["refund-within-window"].passed)
        self.assertIn("contains: missing '30 days'", results["refund-within-window"].failures)
        ok, _ = summary(list(results.values()))
        self.assertFalse(ok)

    def test_rate_limits_are_retried(self):
        with FakeProvider(GOOD_ANSWERS, fail_first=2) as provider:
            self.assertIn("30 days", provider.client().chat([{"role": "user", "content": "kettle"}]))
        self.assertEqual(len(provider.requests), 3)

    def test_retries_end_with_a_clear_error(self):
        with FakeProvider(GOOD_ANSWERS, fail_first=10) as provider:
            with self.assertRaises(ProviderError):
                provider.client(max_retries=1).chat([{"role": "user", "content": "kettle"}])

    def test_command_exit_status_is_the_gate(self):
        with FakeProvider(GOOD_ANSWERS) as provider, mock.patch.object(Client, "from_env", return_value=provider.client()):
            with redirect_stdout(io.StringIO()) as out:
                self.assertEqual(main(["--root", str(ROOT)]), 0)
        self.assertIn("cases passed", out.getvalue())
        with FakeProvider({}) as provider, mock.patch.object(Client, "from_env", return_value=provider.client()):
            with redirect_stdout(io.StringIO()):
                self.assertEqual(main(["--root", str(ROOT)]), 1)


if __name__ == "__main__":
    unittest.main()
