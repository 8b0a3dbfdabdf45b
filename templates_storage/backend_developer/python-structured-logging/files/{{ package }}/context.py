"""Request-scoped fields carried by a ContextVar: each thread and each asyncio task sees its
own copy, so concurrent requests never mix their request IDs."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import Any, Iterator, Mapping

_fields: ContextVar[Mapping[str, Any]] = ContextVar("{{ package }}_fields", default={})


def bound() -> Mapping[str, Any]:
    """The fields bound in the current context."""
    return _fields.get()


@contextlib.contextmanager
def bind(**fields: Any) -> Iterator[None]:
    """Adds fields to every log line written inside the block (nested blocks add more)."""
    token = _fields.set({**_fields.get(), **fields})
    try:
        yield
    finally:
        _fields.reset(token)


def clear() -> None:
    """Drops every bound field (for worker loops that reuse a context between jobs)."""
    _fields.set({})
