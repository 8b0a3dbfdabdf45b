"""The receiver end to end over real HTTP on a free local port."""

from __future__ import annotations

import json
import tempfile
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from harness import Receiver, ReceiverConfig, sign

{%- if signature_scheme == 'standard_webhooks' %}
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
{%- else %}
SECRET = "test-signing-secret"
{%- endif %}


def post(url: str, payload: object, headers: dict[str, str]) -> int:
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def signed(payload: object) -> dict[str, str]:
    return sign(json.dumps(payload).encode(), SECRET)


class ReceiverTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.record = Path(self.tmp.name) / "deliveries.jsonl"
        self.receiver = Receiver(ReceiverConfig(secret=SECRET, port=0, fail_first=0, record_to=self.record))
        self.receiver.__enter__()

    def tearDown(self) -> None:
        self.receiver.__exit__(None, None, None)
        self.tmp.cleanup()

    def test_authentic_deliveries_are_accepted_and_recorded(self) -> None:
        event = {"id": "evt_1", "type": "order.created"}
        self.assertEqual(post(self.receiver.url, event, signed(event)), 204)
        [delivery] = self.receiver.wait_for(1)
        self.assertEqual(delivery.json(), event)
        lines = self.record.read_text(encoding="utf-8").splitlines()
        self.assertEqual(json.loads(json.loads(lines[0])["body"]), event)

    def test_forged_deliveries_are_refused_and_kept_for_inspection(self) -> None:
        event = {"id": "evt_2"}
        forged = signed({"id": "evt_other"})
        self.assertEqual(post(self.receiver.url, event, forged), 401)
        [delivery] = self.receiver.wait_for(1, verified_only=False)
        self.assertFalse(delivery.verified)
        self.assertIn("signature", delivery.error)

    def test_other_paths_are_not_found(self) -> None:
        other = self.receiver.url.rsplit("{{ path }}", 1)[0] + "/elsewhere"
        self.assertEqual(post(other, {}, signed({})), 404)

    def test_waiting_for_a_delivery_that_never_comes_fails_clearly(self) -> None:
        with self.assertRaisesRegex(AssertionError, "expected 1 deliveries"):
            self.receiver.wait_for(1, timeout=0.2)


class RetryTest(unittest.TestCase):
    def test_first_deliveries_are_refused_so_the_provider_retries(self) -> None:
        config = ReceiverConfig(secret=SECRET, port=0, fail_first=2)
        with Receiver(config) as receiver:
            event = {"id": "evt_3"}
            statuses = [post(receiver.url, event, signed(event)) for _ in range(3)]
        self.assertEqual(statuses, [503, 503, 204])
        self.assertEqual([d.attempt for d in receiver.deliveries], [1, 2, 3])


if __name__ == "__main__":
    unittest.main()
