"""JSON Schema compatibility checks for message contracts."""

from .compat import MODES, breaking_changes, reader_accepts_writer

__all__ = ["MODES", "breaking_changes", "reader_accepts_writer"]
