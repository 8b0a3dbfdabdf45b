"""Every check against a correct local issuer, and each broken mode caught."""

from __future__ import annotations

import unittest

from oauthtest.checks import Server, Settings, run_all

from .issuer import CLIENT_ID, CLIENT_SECRET, Issuer

AUDIENCE = "{{ audience }}"
SCOPES = set("{{ scope }}".split())


def results(mode: str) -> dict[str, list[str]]:
    with Issuer(AUDIENCE, SCOPES, mode) as issuer:
        settings = Settings(issuer=issuer.url, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
        return run_all(Server(settings))


class ChecksTest(unittest.TestCase):
    def test_a_correct_server_passes_every_check(self) -> None:
        self.assertEqual({k: v for k, v in results("correct").items() if v}, {})

    def test_accepting_any_secret_is_caught(self) -> None:
        self.assertTrue(results("accepts_any_secret")["wrong_secret_is_invalid_client"])

    def test_a_token_for_another_audience_is_caught(self) -> None:
        problems = results("wrong_audience")["client_credentials_token"]
        self.assertTrue(any("aud" in p for p in problems), problems)

    def test_a_refresh_token_for_client_credentials_is_caught(self) -> None:
        self.assertTrue(results("refresh_token")["client_credentials_token"])


if __name__ == "__main__":
    unittest.main()
