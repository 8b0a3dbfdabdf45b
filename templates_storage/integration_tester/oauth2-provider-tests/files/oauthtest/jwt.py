"""JWT (RS256) verification with the standard library only.

RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 8.2.2): the signature raised to the public
exponent must equal the padded DigestInfo of the signing input. Verification needs no
private key and no third-party crypto package.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class InvalidToken(Exception):
    pass


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_int(part: str) -> int:
    return int.from_bytes(b64url_decode(part), "big")


def decode(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(b64url_decode(header_b64))
        payload = json.loads(b64url_decode(payload_b64))
    except ValueError as err:
        raise InvalidToken(f"not a JWT: {err}") from err
    return header, payload, f"{header_b64}.{payload_b64}".encode(), b64url_decode(signature_b64)


def rs256_valid(signing_input: bytes, signature: bytes, n: int, e: int) -> bool:
    size = (n.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    decoded = pow(int.from_bytes(signature, "big"), e, n).to_bytes(size, "big")
    digest_info = SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    return hmac.compare_digest(decoded, expected)


def verify(token: str, jwks: dict[str, Any], *, issuer: str, audience: str, skew: int = {{ clock_skew_seconds }},
           now: float | None = None) -> dict[str, Any]:
    """The token's claims, once its signature, issuer, audience and times are right."""
    header, claims, signing_input, signature = decode(token)
    if header.get("alg") != "RS256":
        # Never let the token choose a weaker algorithm (alg=none, HS256 with the public key).
        raise InvalidToken(f"alg {header.get('alg')!r} is not RS256")
    keys = [k for k in jwks.get("keys", []) if k.get("kty") == "RSA" and k.get("kid") == header.get("kid")]
    if not keys:
        raise InvalidToken(f"no RSA key with kid {header.get('kid')!r} in the JWKS")
    if not rs256_valid(signing_input, signature, b64url_int(keys[0]["n"]), b64url_int(keys[0]["e"])):
        raise InvalidToken("signature does not verify")
    now = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise InvalidToken(f"iss is {claims.get('iss')!r}, expected {issuer!r}")
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else (audiences or [])
    if audience not in audiences:
        raise InvalidToken(f"aud {audiences} does not include {audience!r}")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] + skew < now:
        raise InvalidToken("expired or without exp")
    if claims.get("nbf", 0) - skew > now or claims.get("iat", 0) - skew > now:
        raise InvalidToken("not valid yet (nbf/iat in the future)")
    return claims
