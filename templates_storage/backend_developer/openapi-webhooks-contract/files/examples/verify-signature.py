"""Verifies a {{ product }} webhook delivery (see openapi/webhooks.yaml)."""
import hashlib
import hmac
import time

MAX_AGE_SECONDS = 300


def verify(secret: bytes, body: bytes, signature: str, timestamp: str) -> bool:
    """True when the {{ signature_header }} header matches the body and the delivery is recent."""
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v1={expected}", signature)


if __name__ == "__main__":
    now = str(int(time.time()))
    body = b'{"id": "evt_1", "type": "{{ events | first }}"}'
    sig = "v1=" + hmac.new(b"secret", f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    assert verify(b"secret", body, sig, now)
    assert not verify(b"other", body, sig, now)
    print("signature verification works")
