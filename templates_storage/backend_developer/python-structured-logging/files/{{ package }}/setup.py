"""`configure()`: the root logger writes structured lines to stderr, once, at startup."""

from __future__ import annotations

import logging
import os
import sys
from typing import Mapping, TextIO

from {{ package }}.formatters import ConsoleFormatter, JsonFormatter

SERVICE = "{{ service_name }}"
REDACT_KEYS = tuple("{{ redact_keys }}".split(","))


def configure(
    level: str | None = None,
    fmt: str | None = None,
    stream: TextIO | None = None,
    env: Mapping[str, str] | None = None,
    quiet_loggers: Mapping[str, str] | None = None,
) -> logging.Handler:
    """Sets up the root logger; returns its handler.

    level: LOG_LEVEL or INFO. fmt: LOG_FORMAT, "json" or "console"; by default JSON, or
    console when stderr is a terminal (a developer's shell). Noisy libraries are turned
    down (`quiet_loggers`). Uncaught exceptions are logged before the process dies.
    """
    env = os.environ if env is None else env
    stream = stream or sys.stderr
    level = (level or env.get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ValueError(f"unknown log level {level!r}")
    fmt = fmt or env.get("LOG_FORMAT") or ("console" if stream.isatty() else "json")
    if fmt not in ("json", "console"):
        raise ValueError(f"unknown log format {fmt!r} (json or console)")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(SERVICE, REDACT_KEYS) if fmt == "json" else ConsoleFormatter(REDACT_KEYS))
    root = logging.getLogger()
    # Replace, not add: configure() called twice (tests, reloaders) must not double every line.
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, quiet_level in (quiet_loggers or {"urllib3": "WARNING", "asyncio": "WARNING"}).items():
        logging.getLogger(name).setLevel(quiet_level)
    logging.captureWarnings(True)

    def log_uncaught(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        logging.getLogger(SERVICE).critical("uncaught exception", exc_info=(exc_type, exc, tb))

    sys.excepthook = log_uncaught
    return handler
