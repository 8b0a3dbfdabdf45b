"""Signature checks for {{ signature_scheme }} deliveries.

`sign` builds the headers the provider would send, for tests and for replaying recorded
payloads; `verify` raises `SignatureError` when a delivery is not authentic. Comparisons
use `hmac.compare_digest` so the check does not leak timing information.
"""

from __future__ import annotations

{%- if signature_scheme == 'standard_webhooks' %}
import base64
{%- endif %}
import hashlib
import hmac
{%- if signature_scheme != 'github' %}
import time
{%- endif %}
from collections.abc import Mapping

{%- if signature_scheme != 'github' %}

TOLERANCE_SECONDS = {{ tolerance_seconds }}
{%- endif %}


class SignatureError(Exception):
    """The delivery is unsigned, signed with another secret, altered or too old."""


def _header(headers: Mapping[str, str], name: str) -> str:
    # HTTP header names are case-insensitive; http.server keeps the sender's spelling.
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    raise SignatureError(f"missing {name} header")
{%- if signature_scheme == 'github' %}


def _digest(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None, msg_id: str = "") -> dict[str, str]:
    """Headers GitHub sends: X-Hub-Signature-256 is the HMAC-SHA256 of the raw body."""
    del timestamp, msg_id  # GitHub signs the body only
    return {"X-Hub-Signature-256": "sha256=" + _digest(secret, body)}


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float | None = None) -> None:
    del now  # no timestamp in this scheme: replays must be caught by X-GitHub-Delivery ids
    value = _header(headers, "X-Hub-Signature-256")
    if not value.startswith("sha256="):
        raise SignatureError("X-Hub-Signature-256 is not a sha256= signature")
    if not hmac.compare_digest(value.removeprefix("sha256="), _digest(secret, body)):
        raise SignatureError("signature does not match the body")
{%- elsif signature_scheme == 'stripe' %}


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None, msg_id: str = "") -> dict[str, str]:
    """Headers Stripe sends: Stripe-Signature t=<unix time>,v1=<HMAC-SHA256 of "t.body">."""
    del msg_id
    t = str(int(time.time()) if timestamp is None else timestamp)
    return {"Stripe-Signature": f"t={t},v1={_digest(secret, t, body)}"}


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float | None = None) -> None:
    parts: dict[str, list[str]] = {}
    for item in _header(headers, "Stripe-Signature").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    if "t" not in parts or "v1" not in parts:
        raise SignatureError("Stripe-Signature lacks t= or v1=")
    timestamp = parts["t"][0]
    if not timestamp.isdigit():
        raise SignatureError("Stripe-Signature timestamp is not a number")
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > TOLERANCE_SECONDS:
        raise SignatureError(f"timestamp is {int(age)} s away, outside {TOLERANCE_SECONDS} s")
    expected = _digest(secret, timestamp, body)
    # Stripe sends several v1 signatures while a secret is being rolled: any may match.
    if not any(hmac.compare_digest(candidate, expected) for candidate in parts["v1"]):
        raise SignatureError("no v1 signature matches the body")
{%- else %}


def _key(secret: str) -> bytes:
    # Standard Webhooks secrets are "whsec_" + base64 of the key bytes.
    return base64.b64decode(secret.removeprefix("whsec_"))


def _digest(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def sign(body: bytes, secret: str, timestamp: int | None = None, msg_id: str = "msg_test") -> dict[str, str]:
    """Headers of the Standard Webhooks spec: webhook-id, webhook-timestamp, webhook-signature."""
    t = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": t,
        "webhook-signature": "v1," + _digest(secret, msg_id, t, body),
    }


def verify(headers: Mapping[str, str], body: bytes, secret: str, now: float | None = None) -> None:
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    if not timestamp.isdigit():
        raise SignatureError("webhook-timestamp is not a number")
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > TOLERANCE_SECONDS:
        raise SignatureError(f"timestamp is {int(age)} s away, outside {TOLERANCE_SECONDS} s")
    expected = _digest(secret, msg_id, timestamp, body)
    # Space-separated list of "v1,<base64>" while keys rotate: any may match.
    signatures = [s.partition(",")[2] for s in _header(headers, "webhook-signature").split()]
    if not any(hmac.compare_digest(candidate, expected) for candidate in signatures):
        raise SignatureError("no v1 signature matches the body")
{%- endif %}
