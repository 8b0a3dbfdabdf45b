"""Property-based fuzzing with Schemathesis: hundreds of generated requests per operation.

Run with `make fuzz` (kept out of the default test run: it is slower and loads the
OpenAPI document when the module is imported, so the service must be up).
"""

from __future__ import annotations

import os

import schemathesis

DEFAULT_BASE_URL = "{{ base_url }}"
DEFAULT_SPEC_URL = "{{ spec_url }}"
BASE_URL = os.environ.get("CONTRACT_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
SPEC_URL = os.environ.get("CONTRACT_SPEC_URL", DEFAULT_SPEC_URL)

AUTH_HEADERS: dict[str, str] = {}
{%- if auth == 'bearer' %}
if os.environ.get("CONTRACT_TOKEN"):
    AUTH_HEADERS["Authorization"] = f"Bearer {os.environ['CONTRACT_TOKEN']}"
{%- elsif auth == 'api_key' %}
if os.environ.get("CONTRACT_API_KEY"):
    AUTH_HEADERS["{{ api_key_header }}"] = os.environ["CONTRACT_API_KEY"]
{%- endif %}

if SPEC_URL.startswith(("http://", "https://")):
    schema = schemathesis.openapi.from_url(SPEC_URL, headers=AUTH_HEADERS, timeout={{ timeout_seconds }})
else:
    schema = schemathesis.openapi.from_path(SPEC_URL)


@schema.parametrize()
def test_operation_survives_generated_input(case) -> None:
    """No 5xx, and every reply matches the documented status codes, headers and schemas."""
    case.call_and_validate(base_url=BASE_URL, headers=AUTH_HEADERS, timeout={{ timeout_seconds }})
