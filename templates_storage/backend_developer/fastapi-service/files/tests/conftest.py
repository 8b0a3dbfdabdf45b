"""Shared fixtures: a fresh application{% if database != 'none' %} and an isolated SQLite database{% endif %} per test."""

from collections.abc import Iterator
{%- if database != 'none' %}
from pathlib import Path
{%- endif %}

import pytest
from fastapi.testclient import TestClient

{% if database != 'none' -%}
from {{ package_name }} import db
{% else -%}
from {{ package_name }}.api import items
{% endif -%}
from {{ package_name }}.main import create_app
from {{ package_name }}.settings import get_settings


@pytest.fixture
{%- if database != 'none' %}
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    with TestClient(create_app()) as test_client:  # entering runs the lifespan
        yield test_client
    db.get_engine().dispose()
    get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
{%- else %}
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("ENVIRONMENT", "test")
    get_settings.cache_clear()
    items.store.clear()
    with TestClient(create_app()) as test_client:  # entering runs the lifespan
        yield test_client
    get_settings.cache_clear()
{%- endif %}
