"""pytest plugin: skips the tests listed in quarantine.json (load it with `-p conftest_quarantine`).

Ids are the JUnit report's (classname::name), the ones scripts/find-flaky.mjs prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

QUARANTINE = Path(__file__).with_name("quarantine.json")
MAX_QUARANTINED = {{ max_quarantined }}


def junit_id(nodeid: str) -> str:
    """The id pytest's JUnit report gives a test: dotted module path and classes, then the name."""
    path, *names = nodeid.split("::")
    module = re.sub(r"\.py$", "", path.replace("/", "."))
    return "::".join([".".join([module, *names[:-1]]), names[-1]])


def load() -> dict[str, str]:
    entries = json.loads(QUARANTINE.read_text(encoding="utf-8"))["tests"]
    return {entry["id"]: entry.get("issue", "no issue") for entry in entries}


def pytest_configure(config: pytest.Config) -> None:
    quarantined = load()
    if len(quarantined) > MAX_QUARANTINED:
        raise pytest.UsageError(
            f"{len(quarantined)} tests are quarantined, more than {MAX_QUARANTINED}: fix some before adding more"
        )
    config.stash[QUARANTINED] = quarantined


QUARANTINED = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    quarantined = config.stash[QUARANTINED]
    for item in items:
        issue = quarantined.get(junit_id(item.nodeid))
        if issue is not None:
            item.add_marker(pytest.mark.skip(reason=f"quarantined as flaky: {issue}"))
