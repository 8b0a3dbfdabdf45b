"""RS256 verification and claim checks."""

from __future__ import annotations

import time
import unittest

from oauthtest.jwt import InvalidToken, verify

from .issuer import b64url, int_b64url, rsa_key, sign_rs256

ISSUER, AUDIENCE = "{{ issuer_url }}", "{{ audience }}"


class JwtTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.n, cls.e, cls.d = rsa_key()
        cls.jwks = {"keys": [{"kty": "RSA", "kid": "k1", "n": int_b64url(cls.n), "e": int_b64url(cls.e)}]}

    def token(self, **overrides) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **overrides}
        return sign_rs256(claims, "k1", self.n, self.d)

    def test_a_valid_token_verifies(self) -> None:
        self.assertEqual(verify(self.token(sub="svc"), self.jwks, issuer=ISSUER, audience=AUDIENCE)["sub"], "svc")

    def test_an_audience_list_is_accepted(self) -> None:
        verify(self.token(aud=["other", AUDIENCE]), self.jwks, issuer=ISSUER, audience=AUDIENCE)

    def test_a_tampered_payload_fails(self) -> None:
        header, _, signature = self.token().split(".")
        forged = b64url(b'{"iss": "%s", "aud": "%s", "exp": 9999999999}' % (ISSUER.encode(), AUDIENCE.encode()))
        with self.assertRaisesRegex(InvalidToken, "signature"):
            verify(f"{header}.{forged}.{signature}", self.jwks, issuer=ISSUER, audience=AUDIENCE)

    def test_alg_none_is_refused(self) -> None:
        _, payload, _ = self.token().split(".")
        unsigned = b64url(b'{"alg": "none", "kid": "k1"}') + f".{payload}."
        with self.assertRaisesRegex(InvalidToken, "RS256"):
            verify(unsigned, self.jwks, issuer=ISSUER, audience=AUDIENCE)

    def test_claims_are_checked(self) -> None:
        cases = {
            "iss": self.token(iss="https://evil.example"),
            "aud": self.token(aud="another-api"),
            "expired": self.token(exp=int(time.time()) - {{ clock_skew_seconds }} - 5),
            "not valid yet": self.token(nbf=int(time.time()) + {{ clock_skew_seconds }} + 60),
        }
        for problem, token in cases.items():
            with self.subTest(problem=problem), self.assertRaisesRegex(InvalidToken, problem):
                verify(token, self.jwks, issuer=ISSUER, audience=AUDIENCE)

    def test_skew_is_tolerated(self) -> None:
        verify(self.token(exp=int(time.time()) - {{ clock_skew_seconds }} + 5), self.jwks, issuer=ISSUER, audience=AUDIENCE)

    def test_an_unknown_key_id_fails(self) -> None:
        with self.assertRaisesRegex(InvalidToken, "kid"):
            verify(self.token(), {"keys": []}, issuer=ISSUER, audience=AUDIENCE)


if __name__ == "__main__":
    unittest.main()
