"""A local authorization server for the self-tests: real RSA keys, real RS256 signatures.

It exists to prove the checks right (they pass against it) and sharp (they fail against
its broken modes); it is not a server to test applications against.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from oauthtest.jwt import SHA256_DIGEST_INFO

CLIENT_ID, CLIENT_SECRET = "it-client", "it-secret"


def _probable_prime(bits: int) -> int:
    while True:
        candidate = secrets.randbits(bits) | (1 << bits - 1) | 1
        if all(candidate % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and _miller_rabin(candidate):
            return candidate


def _miller_rabin(n: int, rounds: int = 24) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def rsa_key(bits: int = 1024) -> tuple[int, int, int]:
    e = 65537
    while True:
        p, q = _probable_prime(bits // 2), _probable_prime(bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e:
            return p * q, e, pow(e, -1, phi)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_b64url(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def sign_rs256(claims: dict, kid: str, n: int, d: int) -> str:
    header = b64url(json.dumps({"alg": "RS256", "typ": "at+jwt", "kid": kid}).encode())
    payload = b64url(json.dumps(claims).encode())
    size = (n.bit_length() + 7) // 8
    digest_info = SHA256_DIGEST_INFO + hashlib.sha256(f"{header}.{payload}".encode()).digest()
    padded = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info
    signature = pow(int.from_bytes(padded, "big"), d, n).to_bytes(size, "big")
    return f"{header}.{payload}.{b64url(signature)}"


class Issuer:
    """modes: correct, accepts_any_secret, wrong_audience, refresh_token."""

    def __init__(self, audience: str, scopes: set[str], mode: str = "correct") -> None:
        self.audience, self.scopes, self.mode = audience, scopes, mode
        self.n, self.e, self.d = rsa_key()
        self.kid = "test-key-1"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/realms/test"

    def __enter__(self) -> Issuer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _client(self, headers, form) -> tuple[str, str] | None:
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            pair = base64.b64decode(auth[6:]).decode()
            client_id, _, secret = pair.partition(":")
            return urllib.parse.unquote(client_id), urllib.parse.unquote(secret)
        if "client_id" in form:
            return form["client_id"], form.get("client_secret", "")
        return None

    def token(self, headers, form) -> tuple[int, dict]:
        client = self._client(headers, form)
        if client is None or client[0] != CLIENT_ID or (client[1] != CLIENT_SECRET and self.mode != "accepts_any_secret"):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        requested = set(form.get("scope", "").split())
        if not requested <= self.scopes:
            return 400, {"error": "invalid_scope"}
        now = int(time.time())
        claims = {"iss": self.url, "sub": CLIENT_ID, "client_id": CLIENT_ID, "iat": now, "exp": now + 300,
                  "aud": "someone-else" if self.mode == "wrong_audience" else self.audience,
                  "scope": " ".join(sorted(requested)), "jti": secrets.token_hex(8)}
        body = {"access_token": sign_rs256(claims, self.kid, self.n, self.d), "token_type": "Bearer", "expires_in": 300}
        if self.mode == "refresh_token":
            body["refresh_token"] = secrets.token_hex(16)
        return 200, body

    def _handler(self):
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                base = issuer.url
                if self.path == "/realms/test/.well-known/openid-configuration":
                    self.answer(200, {"issuer": base, "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
                                      "grant_types_supported": ["client_credentials"],
                                      "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"]})
                elif self.path == "/realms/test/jwks":
                    self.answer(200, {"keys": [{"kty": "RSA", "kid": issuer.kid, "use": "sig", "alg": "RS256",
                                                "n": int_b64url(issuer.n), "e": int_b64url(issuer.e)}]})
                else:
                    self.answer(404, {"error": "not_found"})

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(urllib.parse.parse_qsl(raw))
                self.answer(*issuer.token(self.headers, form))

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        return Handler
