"""Live check against the real provider: it must deliver a signed event to this harness.

Skipped unless WEBHOOK_SECRET and WEBHOOK_TRIGGER_CMD are set. WEBHOOK_TRIGGER_CMD is the
command that makes the provider send an event (a CLI such as `stripe trigger
payment_intent.succeeded`, or a curl to your staging API); the provider must reach
http://<this host>:{{ port }}{{ path }} (a tunnel or the compose network).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import unittest

from harness import Receiver, ReceiverConfig

SECRET = os.environ.get("WEBHOOK_SECRET", "")
TRIGGER = os.environ.get("WEBHOOK_TRIGGER_CMD", "")
TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "60"))


@unittest.skipUnless(SECRET and TRIGGER, "set WEBHOOK_SECRET and WEBHOOK_TRIGGER_CMD to run against the provider")
class ProviderDeliveryTest(unittest.TestCase):
    def test_the_provider_delivers_a_verified_event(self) -> None:
        host = os.environ.get("WEBHOOK_HOST", "0.0.0.0")  # reachable from a tunnel or container
        config = ReceiverConfig(secret=SECRET, host=host, port=int(os.environ.get("WEBHOOK_PORT", "{{ port }}")))
        with Receiver(config) as receiver:
            subprocess.run(shlex.split(TRIGGER), check=True, timeout=TIMEOUT)
            delivered = receiver.wait_for(1 + config.fail_first, timeout=TIMEOUT)
        self.assertTrue(all(d.verified for d in delivered))
{%- if fail_first > 0 %}
        # The first {{ fail_first }} were refused with 503: the provider retried until accepted.
        self.assertEqual(delivered[-1].status, 204)
{%- endif %}


if __name__ == "__main__":
    unittest.main()
