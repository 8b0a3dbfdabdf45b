"""The signature check accepts what the provider signs and nothing else."""

from __future__ import annotations

import time
import unittest

from harness.signing import SignatureError, sign, verify

{%- if signature_scheme == 'standard_webhooks' %}
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
{%- else %}
SECRET = "test-signing-secret"
{%- endif %}
BODY = b'{"id": "evt_1", "type": "invoice.paid"}'


class SigningTest(unittest.TestCase):
    def test_a_signed_body_verifies(self) -> None:
        verify(sign(BODY, SECRET), BODY, SECRET)

    def test_header_names_are_case_insensitive(self) -> None:
        headers = {name.upper(): value for name, value in sign(BODY, SECRET).items()}
        verify(headers, BODY, SECRET)

    def test_an_altered_body_is_rejected(self) -> None:
        with self.assertRaises(SignatureError):
            verify(sign(BODY, SECRET), BODY.replace(b"paid", b"void"), SECRET)

    def test_another_secret_is_rejected(self) -> None:
{%- if signature_scheme == 'standard_webhooks' %}
        other = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
{%- else %}
        other = "another-secret"
{%- endif %}
        with self.assertRaises(SignatureError):
            verify(sign(BODY, other), BODY, SECRET)

    def test_missing_signature_is_rejected(self) -> None:
        with self.assertRaisesRegex(SignatureError, "missing"):
            verify({}, BODY, SECRET)
{%- if signature_scheme != 'github' %}

    def test_stale_timestamps_are_rejected(self) -> None:
        old = int(time.time()) - {{ tolerance_seconds }} - 60
        with self.assertRaisesRegex(SignatureError, "outside"):
            verify(sign(BODY, SECRET, timestamp=old), BODY, SECRET)

    def test_timestamps_inside_the_window_are_accepted(self) -> None:
        recent = int(time.time()) - {{ tolerance_seconds }} + 10
        verify(sign(BODY, SECRET, timestamp=recent), BODY, SECRET)

    def test_any_of_several_signatures_may_match(self) -> None:
        headers = sign(BODY, SECRET)
{%- if signature_scheme == 'stripe' %}
        headers["Stripe-Signature"] = headers["Stripe-Signature"].replace(",v1=", ",v1=deadbeef,v1=")
{%- else %}
        headers["webhook-signature"] = "v1,bm90LXRoaXMtb25l " + headers["webhook-signature"]
{%- endif %}
        verify(headers, BODY, SECRET)
{%- else %}

    def test_signing_is_deterministic(self) -> None:
        # No timestamp in GitHub's scheme: the same body always has the same signature.
        self.assertEqual(sign(BODY, SECRET, timestamp=int(time.time())), sign(BODY, SECRET))
{%- endif %}


if __name__ == "__main__":
    unittest.main()
