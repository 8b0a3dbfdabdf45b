"""The checks against local stand-ins: one API that honours keys, and broken ones each
check must catch. A check that cannot fail would prove nothing about the real API."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from idempotency.checks import CONFLICT_STATUS, HEADER, CHECKS, Client, Settings, run_all

BODY = {"amount": 1250, "currency": "EUR"}
OTHER = {"amount": 9999, "currency": "EUR"}


class StandIn(BaseHTTPRequestHandler):
    mode = "correct"  # correct | ignores_keys | racy | no_conflict
    stored: dict[str, tuple[str, int, bytes]] = {}
    in_flight: set[str] = set()
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers.get(HEADER)
        fingerprint = hashlib.sha256(raw).hexdigest()
        if key is None:
{%- if key_required %}
            return self.answer(400, {"error": f"{HEADER} is required"})
{%- else %}
            return self.answer(201, self.create())
{%- endif %}
        if self.mode == "ignores_keys":
            return self.answer(201, self.create())
        with self.lock:
            if key in self.stored:
                stored_fingerprint, status, body = self.stored[key]
                if stored_fingerprint != fingerprint and self.mode != "no_conflict":
                    return self.answer(CONFLICT_STATUS, {"error": "key reused with another body"})
                return self.answer(status, body)
            if self.mode != "racy":
                if key in self.in_flight:
                    return self.answer(409, {"error": "a request with this key is in flight"})
                self.in_flight.add(key)
        time.sleep(0.05)  # the work; a racy API checks, then works, then stores
        created = self.create()
        with self.lock:
            self.stored.setdefault(key, (fingerprint, 201, created))
            self.in_flight.discard(key)
        self.answer(201, created)

    def create(self) -> bytes:
        return json.dumps({"id": f"pay_{uuid.uuid4().hex[:12]}", **BODY}).encode()

    def answer(self, status: int, body: bytes | dict) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(mode: str) -> tuple[ThreadingHTTPServer, Client]:
    handler = type(f"StandIn_{mode}", (StandIn,), {"mode": mode, "stored": {}, "in_flight": set(), "lock": threading.Lock()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, Client(Settings(base_url=f"http://127.0.0.1:{server.server_address[1]}"))


class ChecksTest(unittest.TestCase):
    def results(self, mode: str) -> dict[str, list[str]]:
        server, client = serve(mode)
        try:
            return run_all(client, BODY, OTHER)
        finally:
            server.shutdown()
            server.server_close()

    def test_a_correct_api_passes_every_check(self) -> None:
        self.assertEqual({name: problems for name, problems in self.results("correct").items() if problems}, {})

    def test_an_api_that_ignores_keys_is_caught(self) -> None:
        results = self.results("ignores_keys")
        self.assertTrue(results["replay_returns_the_first_answer"])
        self.assertTrue(results["concurrent_duplicates_have_one_effect"])

    def test_a_racy_api_is_caught_by_the_concurrent_check(self) -> None:
        results = self.results("racy")
        self.assertEqual(results["replay_returns_the_first_answer"], [])
        self.assertTrue(results["concurrent_duplicates_have_one_effect"])

    def test_an_api_that_replays_for_another_body_is_caught(self) -> None:
        self.assertTrue(self.results("no_conflict")["reused_key_with_other_body_is_refused"])

    def test_every_check_is_run(self) -> None:
        self.assertEqual(len(self.results("correct")), len(CHECKS))


if __name__ == "__main__":
    unittest.main()
