"""Fixtures shared by every test. Fixtures for one layer live in that layer's conftest.py."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the same environment: no developer's settings leak in."""
    for name in list(os.environ):
        if name.startswith("{{ package | upcase }}_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def now() -> datetime:
    """A fixed 'now': tests about time pass it in rather than reading the clock."""
    return datetime(2025, 1, 15, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory per test, removed by pytest afterwards."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
{%- if markers contains 'network' %}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("NO_NETWORK"):
        return
    skip = pytest.mark.skip(reason="NO_NETWORK is set")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)
{%- endif %}
