"""Structured logging for {{ service_name }}: `configure()` once at startup, then the standard
`logging.getLogger(__name__)` everywhere; `bind()` adds fields to every line of a request.
"""

from {{ package }}.context import bind, bound, clear
from {{ package }}.setup import configure

__all__ = ["bind", "bound", "clear", "configure"]
