"""The idempotency checks. Each takes a Client and the two request bodies and returns the
problems it found (an empty list: the API behaved).

What an idempotent POST {{ endpoint_path }} must do with a `{{ header_name }}` header:

- the same key and body, sent again (or at the same time), has one effect: every success
  answer carries the same body, and a replay later answers the same status and body;
- concurrent duplicates may be refused with 409 while the first is in flight, never
  processed twice;
- the same key with a different body is refused with {{ conflict_status }};
- different keys are different operations, even with the same body;
{%- if key_required %}
- a request without a key is refused with 400.
{%- else %}
- a request without a key is processed (each one separately).
{%- endif %}
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

HEADER = "{{ header_name }}"
CONFLICT_STATUS = {{ conflict_status }}
IN_FLIGHT_STATUS = 409


@dataclass(frozen=True)
class Settings:
    base_url: str
    path: str = "{{ endpoint_path }}"
    concurrency: int = {{ concurrency }}
    timeout: float = 15.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Client:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def post(self, body: dict, key: str | None) -> Reply:
        headers = {"Content-Type": "application/json", **self.settings.headers}
        if key is not None:
            headers[HEADER] = key
        request = urllib.request.Request(
            self.settings.base_url.rstrip("/") + self.settings.path,
            data=json.dumps(body).encode(), method="POST", headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                return Reply(response.status, response.read())
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read())


def new_key() -> str:
    return f"it-{uuid.uuid4()}"


def check_replay_returns_the_first_answer(client: Client, body: dict, other: dict) -> list[str]:
    key = new_key()
    first = client.post(body, key)
    if not first.ok:
        return [f"the first request failed with {first.status}: {first.body[:200]!r}"]
    replay = client.post(body, key)
    if (replay.status, replay.body) != (first.status, first.body):
        return [f"replay answered {replay.status} {replay.body[:120]!r}, first answer was {first.status} {first.body[:120]!r}"]
    return []


def check_concurrent_duplicates_have_one_effect(client: Client, body: dict, other: dict) -> list[str]:
    key = new_key()
    start = threading.Barrier(client.settings.concurrency)
    replies: list[Reply] = []
    lock = threading.Lock()

    def send() -> None:
        start.wait()
        reply = client.post(body, key)
        with lock:
            replies.append(reply)

    threads = [threading.Thread(target=send) for _ in range(client.settings.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    problems = []
    successes = {r.body for r in replies if r.ok}
    unexpected = sorted({r.status for r in replies if not r.ok and r.status != IN_FLIGHT_STATUS})
    if not successes:
        problems.append(f"none of {len(replies)} concurrent duplicates succeeded: {sorted(r.status for r in replies)}")
    if len(successes) > 1:
        problems.append(f"{len(successes)} different success bodies for one key: processed more than once")
    if unexpected:
        problems.append(f"concurrent duplicates answered {unexpected}; only 2xx or {IN_FLIGHT_STATUS} (in flight) are right")
    if successes and len(successes) == 1:
        replay = client.post(body, key)
        if replay.body not in successes:
            problems.append("a replay after the race answered a different body")
    return problems


def check_reused_key_with_other_body_is_refused(client: Client, body: dict, other: dict) -> list[str]:
    key = new_key()
    first = client.post(body, key)
    if not first.ok:
        return [f"the first request failed with {first.status}"]
    reused = client.post(other, key)
    if reused.status != CONFLICT_STATUS:
        return [f"reusing a key with another body answered {reused.status}, expected {CONFLICT_STATUS}"]
    return []


def check_distinct_keys_are_distinct_operations(client: Client, body: dict, other: dict) -> list[str]:
    first, second = client.post(body, new_key()), client.post(body, new_key())
    if not (first.ok and second.ok):
        return [f"requests with fresh keys answered {first.status} and {second.status}"]
    if first.body == second.body:
        return ["two different keys got the same answer: the API deduplicates on the body, not the key"]
    return []


def check_missing_key(client: Client, body: dict, other: dict) -> list[str]:
    reply = client.post(body, None)
{%- if key_required %}
    if reply.status != 400:
        return [f"a request without {HEADER} answered {reply.status}, expected 400"]
{%- else %}
    if not reply.ok:
        return [f"a request without {HEADER} answered {reply.status}; the key is optional"]
{%- endif %}
    return []


CHECKS = [
    check_replay_returns_the_first_answer,
    check_concurrent_duplicates_have_one_effect,
    check_reused_key_with_other_body_is_refused,
    check_distinct_keys_are_distinct_operations,
    check_missing_key,
]


def run_all(client: Client, body: dict, other: dict) -> dict[str, list[str]]:
    return {check.__name__.removeprefix("check_"): check(client, body, other) for check in CHECKS}
