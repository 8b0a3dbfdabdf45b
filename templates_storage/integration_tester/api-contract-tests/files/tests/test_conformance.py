"""Generic contract checks that apply to any service described by its OpenAPI document."""

from __future__ import annotations

import httpx
import pytest

from contract import OpenAPIContract

pytestmark = pytest.mark.live


def test_document_describes_operations(contract: OpenAPIContract) -> None:
    operations = contract.operations()
    assert operations, "the OpenAPI document declares no operations"
    ids = [op.operation_id for op in operations if op.operation_id]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate operationIds: {duplicates}"
    undocumented = [op.label for op in operations if not op.definition.get("responses")]
    assert not undocumented, f"operations without responses: {undocumented}"


def test_callable_get_operations_honour_the_contract(
    contract: OpenAPIContract, client: httpx.Client
) -> None:
    """Call every GET whose required inputs have examples in the document; check each reply."""
    failures, called = [], 0
    for op in contract.operations():
        arguments = op.example_arguments()
        if op.method != "get" or arguments is None:
            continue
        response = client.get(
            op.url_path(arguments["path"]), params=arguments["query"], headers=arguments["header"]
        )
        called += 1
        if response.status_code >= 500:
            failures.append(f"{op.label}: server error {response.status_code}")
            continue
        try:
            contract.check(response, op)
        except AssertionError as violation:
            failures.append(str(violation))
    if called == 0:
        pytest.skip("no GET operation can be called with documented examples alone")
    assert not failures, "\n".join(failures)
{%- if auth != 'none' %}


def test_protected_operations_refuse_anonymous_requests(
    contract: OpenAPIContract, anonymous_client: httpx.Client
) -> None:
    """Operations with a security requirement must answer 401 or 403 without credentials."""
    failures, called = [], 0
    for op in contract.operations():
        arguments = op.example_arguments()
        if op.method != "get" or not op.secured or arguments is None:
            continue
        response = anonymous_client.get(
            op.url_path(arguments["path"]), params=arguments["query"], headers=arguments["header"]
        )
        called += 1
        if response.status_code not in (401, 403):
            failures.append(
                f"{op.label}: expected 401/403 without credentials, got {response.status_code}"
            )
    if called == 0:
        pytest.skip("no secured GET operation can be called with documented examples alone")
    assert not failures, "\n".join(failures)
{%- endif %}


def test_unknown_paths_return_404(client: httpx.Client) -> None:
    response = client.get("/__contract-tests__/this-path-does-not-exist")
    assert response.status_code == 404, f"expected 404, got {response.status_code}"


def test_json_responses_declare_their_content_type(
    contract: OpenAPIContract, client: httpx.Client
) -> None:
    """A body that parses as JSON must be labelled as JSON, or clients will mis-handle it."""
    for op in contract.operations():
        arguments = op.example_arguments()
        if op.method != "get" or arguments is None:
            continue
        response = client.get(
            op.url_path(arguments["path"]), params=arguments["query"], headers=arguments["header"]
        )
        if response.content[:1] in (b"{", b"["):
            assert "json" in response.headers.get("content-type", ""), (
                f"{op.label} returns JSON labelled {response.headers.get('content-type')!r}"
            )
