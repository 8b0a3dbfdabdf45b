"""Shared fixtures. Configuration comes from the environment (see .env.example)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from contract import OpenAPIContract, load_spec

DEFAULT_BASE_URL = "{{ base_url }}"
DEFAULT_SPEC_URL = "{{ spec_url }}"


@dataclass(frozen=True)
class Settings:
    base_url: str
    spec_url: str
    timeout: float
{%- if auth == 'bearer' %}
    token: str
{%- elsif auth == 'api_key' %}
    api_key: str
{%- endif %}

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            base_url=os.environ.get("CONTRACT_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            spec_url=os.environ.get("CONTRACT_SPEC_URL", DEFAULT_SPEC_URL),
            timeout=float(os.environ.get("CONTRACT_TIMEOUT", "{{ timeout_seconds }}")),
{%- if auth == 'bearer' %}
            token=os.environ.get("CONTRACT_TOKEN", ""),
{%- elsif auth == 'api_key' %}
            api_key=os.environ.get("CONTRACT_API_KEY", ""),
{%- endif %}
        )

    def auth_headers(self) -> dict[str, str]:
{%- if auth == 'bearer' %}
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}
{%- elsif auth == 'api_key' %}
        return {"{{ api_key_header }}": self.api_key} if self.api_key else {}
{%- else %}
        return {}
{%- endif %}


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture(scope="session")
def contract(settings: Settings) -> OpenAPIContract:
    try:
        spec = load_spec(
            settings.spec_url, headers=settings.auth_headers(), timeout=settings.timeout
        )
    except Exception as exc:  # noqa: BLE001 - turn any loading problem into one clear failure
        pytest.fail(
            f"cannot load the OpenAPI document from {settings.spec_url}: {exc}", pytrace=False
        )
    return OpenAPIContract(spec)


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[httpx.Client]:
    """Authenticated client for the service under test."""
    with httpx.Client(
        base_url=settings.base_url, headers=settings.auth_headers(), timeout=settings.timeout
    ) as http:
        yield http


@pytest.fixture(scope="session")
def anonymous_client(settings: Settings) -> Iterator[httpx.Client]:
    """Client without credentials, for checking that protected operations refuse it."""
    with httpx.Client(base_url=settings.base_url, timeout=settings.timeout) as http:
        yield http
