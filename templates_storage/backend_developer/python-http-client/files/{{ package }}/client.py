"""{{ service | pascal_case }}Client: calls to the {{ service }} API that survive a flaky network without
making things worse.

- every attempt has a timeout ({{ timeout_seconds }} s by default);
- failures worth retrying (connection errors, timeouts, 429, 502, 503, 504) are retried up
  to {{ max_retries }} times with exponential backoff and full jitter, honouring Retry-After, but
  only when repeating the request is safe: idempotent methods, or a POST/PATCH sent with
  an Idempotency-Key (the same key on every attempt, so the server runs it once);
{%- if circuit_breaker %}
- after consecutive failures the circuit opens and calls fail fast for a while, giving the
  service room to recover instead of a retry storm;
{%- endif %}
- error answers become ApiError with the problem+json details (RFC 9457) when given.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class ApiError(Exception):
    """The API answered with an error status (after any retries)."""

    def __init__(self, method: str, url: str, response: Response) -> None:
        self.status = response.status
        self.response = response
        self.problem: dict[str, Any] = {}
        if response.headers.get("content-type", "").split(";")[0].strip() in ("application/problem+json", "application/json"):
            try:
                parsed = response.json()
                self.problem = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                pass
        detail = self.problem.get("detail") or self.problem.get("title") or response.body[:200].decode("utf-8", "replace")
        super().__init__(f"{method} {url} answered {response.status}: {detail}")


class TransportError(Exception):
    """No answer: connection refused or reset, DNS failure, timeout (after any retries)."""
{%- if circuit_breaker %}


class CircuitOpenError(Exception):
    """The circuit is open: the call was not attempted."""


@dataclass
class CircuitBreaker:
    """Opens after `threshold` consecutive failures; after `reset_seconds` lets one trial
    call through (half-open): success closes it, failure opens it again."""

    threshold: int = 5
    reset_seconds: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    def before_call(self) -> None:
        if self.opened_at is not None and self.clock() - self.opened_at < self.reset_seconds:
            raise CircuitOpenError(f"circuit open for another {self.reset_seconds - (self.clock() - self.opened_at):.1f} s")

    def record(self, ok: bool) -> None:
        if ok:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.threshold or self.opened_at is not None:
            self.opened_at = self.clock()
{%- endif %}


@dataclass
class {{ service | pascal_case }}Client:
    base_url: str
{%- if auth == 'bearer' %}
    token: str | None = None
{%- elsif auth == 'api-key' %}
    api_key: str | None = None
{%- endif %}
    timeout: float = {{ timeout_seconds }}
    max_retries: int = {{ max_retries }}
    backoff_base: float = 0.2
    backoff_max: float = 10.0
    user_agent: str = "{{ package }}/0.1"
    sleep: Callable[[float], None] = time.sleep
{%- if circuit_breaker %}
    breaker: CircuitBreaker = field(default_factory=CircuitBreaker)
{%- endif %}
    random: Callable[[], float] = field(default=random.random)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "{{ service | pascal_case }}Client":
        """{{ service | upcase }}_BASE_URL{% if auth == 'bearer' %}, {{ service | upcase }}_TOKEN{% elsif auth == 'api-key' %}, {{ service | upcase }}_API_KEY{% endif %}, optional {{ service | upcase }}_TIMEOUT."""
        env = os.environ if env is None else env
        base_url = env.get("{{ service | upcase }}_BASE_URL")
        if not base_url:
            raise ValueError("{{ service | upcase }}_BASE_URL is not set")
        return cls(
            base_url=base_url,
{%- if auth == 'bearer' %}
            token=env.get("{{ service | upcase }}_TOKEN"),
{%- elsif auth == 'api-key' %}
            api_key=env.get("{{ service | upcase }}_API_KEY"),
{%- endif %}
            timeout=float(env.get("{{ service | upcase }}_TIMEOUT", {{ timeout_seconds }})),
        )

    # -- the calls -------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post(self, path: str, body: Any, idempotency_key: str | None = None, retry: bool = False) -> Any:
        """retry=True sends an Idempotency-Key (made here unless given) so the POST can be retried."""
        if retry and idempotency_key is None:
            idempotency_key = str(uuid.uuid4())
        return self.request("POST", path, json_body=body, idempotency_key=idempotency_key).json()

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, json_body=body).json()

    def delete(self, path: str) -> None:
        self.request("DELETE", path)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Response:
        method = method.upper()
        url = urllib.parse.urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))
        if params:
            url += "?" + urllib.parse.urlencode(params, doseq=True)
        all_headers = {"Accept": "application/json", "User-Agent": self.user_agent, **(headers or {})}
{%- if auth == 'bearer' %}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
{%- elsif auth == 'api-key' %}
        if self.api_key:
            all_headers["X-API-Key"] = self.api_key
{%- endif %}
        data = None
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        if idempotency_key:
            all_headers["Idempotency-Key"] = idempotency_key
        retryable = method in IDEMPOTENT_METHODS or idempotency_key is not None

        attempt = 0
        while True:
{%- if circuit_breaker %}
            self.breaker.before_call()
{%- endif %}
            try:
                response = self._send(method, url, data, all_headers)
            except TransportError:
{%- if circuit_breaker %}
                self.breaker.record(False)
{%- endif %}
                if not retryable or attempt >= self.max_retries:
                    raise
                self.sleep(self._backoff(attempt, None))
                attempt += 1
                continue
{%- if circuit_breaker %}
            # A 4xx is the caller's problem, not the service's health.
            self.breaker.record(response.status < 500)
{%- endif %}
            if response.status < 400:
                return response
            if response.status in RETRY_STATUSES and retryable and attempt < self.max_retries:
                self.sleep(self._backoff(attempt, response.headers.get("retry-after")))
                attempt += 1
                continue
            raise ApiError(method, url, response)

    # -- internals -------------------------------------------------------------------

    def _send(self, method: str, url: str, data: bytes | None, headers: Mapping[str, str]) -> Response:
        request = urllib.request.Request(url, data=data, headers=dict(headers), method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
        except urllib.error.HTTPError as err:
            with err:
                return Response(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as err:
            reason = getattr(err, "reason", err)
            raise TransportError(f"{method} {url}: {reason}") from err

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        """Full jitter (a random wait up to the exponential cap), or what Retry-After asks,
        never more than backoff_max."""
        if retry_after:
            wanted: float | None
            try:
                wanted = float(retry_after)
            except ValueError:
                try:
                    wanted = email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
                except (TypeError, ValueError):
                    wanted = None  # unreadable: fall back to our own backoff
            if wanted is not None:
                return min(max(wanted, 0.0), self.backoff_max)
        return self.random() * min(self.backoff_max, self.backoff_base * 2**attempt)
