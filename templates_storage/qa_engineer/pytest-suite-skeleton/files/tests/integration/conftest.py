"""Integration fixtures: real processes and sockets, started once per session."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _RatesHandler(BaseHTTPRequestHandler):
    """A stand-in for a tax-rate service, answering GET /rates/<country>."""

    RATES = {"DE": "19", "FR": "20", "GB": "20"}

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        country = self.path.rsplit("/", 1)[-1]
        rate = self.RATES.get(country)
        body = json.dumps({"country": country, "rate": rate} if rate else {"error": "unknown country"}).encode()
        self.send_response(200 if rate else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass  # keep test output clean


@pytest.fixture(scope="session")
def rates_server() -> Iterator[str]:
    """Base URL of a local HTTP server on a free port, for the whole session."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RatesHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
