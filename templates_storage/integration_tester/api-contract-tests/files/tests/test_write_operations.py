"""Send the request examples documented in the OpenAPI document and check the replies.

These tests create or change data, so they only run with CONTRACT_ALLOW_WRITES=1 (use a
disposable environment: a local stack, a review app or a seeded test database).
"""

from __future__ import annotations

import os

import httpx
import pytest

from contract import OpenAPIContract

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        os.environ.get("CONTRACT_ALLOW_WRITES") != "1",
        reason="set CONTRACT_ALLOW_WRITES=1 to send documented request examples (writes data)",
    ),
]


def test_documented_request_examples_are_accepted(
    contract: OpenAPIContract, client: httpx.Client
) -> None:
    failures, sent = [], 0
    for op in contract.operations():
        if op.method not in ("post", "put", "patch"):
            continue
        has_example, body = contract.request_example(op)
        arguments = op.example_arguments()
        if not has_example or arguments is None:
            continue
        response = client.request(
            op.method.upper(),
            op.url_path(arguments["path"]),
            params=arguments["query"],
            headers=arguments["header"],
            json=body,
        )
        sent += 1
        if response.status_code >= 400:
            failures.append(f"{op.label}: documented example rejected with {response.status_code}")
            continue
        try:
            contract.check(response, op)
        except AssertionError as violation:
            failures.append(str(violation))
    if sent == 0:
        pytest.skip("no write operation has a documented JSON request example")
    assert not failures, "\n".join(failures)
