"""A local HTTP endpoint that stands in for your service when a provider sends webhooks.

Every POST to the configured path is verified, recorded (one JSON object per line) and
answered: 204 when authentic, 401 when the signature check fails, 503 for the first
`fail_first` authentic deliveries so the provider's retry policy can be observed. Tests
wait for deliveries with `Receiver.wait_for`.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .signing import SignatureError, verify

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ReceiverConfig:
    secret: str
    host: str = "127.0.0.1"
    port: int = {{ port }}
    path: str = "{{ path }}"
    fail_first: int = {{ fail_first }}
    record_to: Path | None = None


@dataclass
class Delivery:
    received_at: float
    headers: dict[str, str]
    body: str
    verified: bool
    status: int
    error: str = ""
    attempt: int = field(default=0)

    def json(self) -> object:
        return json.loads(self.body)


class Receiver:
    """Run with `with Receiver(config) as receiver:`; port 0 picks a free port."""

    def __init__(self, config: ReceiverConfig) -> None:
        self.config = config
        self.deliveries: list[Delivery] = []
        self._accepted = 0
        self._lock = threading.Condition()
        self._server = ThreadingHTTPServer((config.host, config.port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.config.path}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int = 1, timeout: float = 10.0, verified_only: bool = True) -> list[Delivery]:
        """Block until `count` (verified) deliveries arrived; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                got = [d for d in self.deliveries if d.verified or not verified_only]
                if len(got) >= count:
                    return got
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} deliveries within {timeout} s, got {len(got)}"
                        f" ({len(self.deliveries)} requests in all)"
                    )
                self._lock.wait(remaining)

    def _record(self, delivery: Delivery) -> None:
        with self._lock:
            self.deliveries.append(delivery)
            self._lock.notify_all()
        if self.config.record_to is not None:
            with self.config.record_to.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(delivery)) + "\n")

    def _decide(self, headers: dict[str, str], body: bytes) -> Delivery:
        now = time.time()
        text = body.decode("utf-8", errors="replace")
        try:
            verify(headers, body, self.config.secret)
        except SignatureError as err:
            return Delivery(now, headers, text, False, HTTPStatus.UNAUTHORIZED, str(err))
        with self._lock:
            self._accepted += 1
            attempt = self._accepted
        status = HTTPStatus.SERVICE_UNAVAILABLE if attempt <= self.config.fail_first else HTTPStatus.NO_CONTENT
        return Delivery(now, headers, text, True, status, attempt=attempt)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                if self.path.split("?")[0] != receiver.config.path:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
                    return
                body = self.rfile.read(length)
                delivery = receiver._decide(dict(self.headers.items()), body)
                receiver._record(delivery)
                self.send_response(delivery.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # deliveries are recorded; the access log would only duplicate them

        return Handler
