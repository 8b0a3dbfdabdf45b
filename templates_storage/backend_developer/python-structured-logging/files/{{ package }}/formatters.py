"""Formatters: JSON lines for machines, a compact line for people at a terminal."""

from __future__ import annotations

import json
import logging
import traceback
from datetime import datetime, timezone
from typing import Any

from {{ package }}.context import bound

REDACTED = "[REDACTED]"
# Attributes every LogRecord has; anything else came from `extra=` and is a field.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


def redact(value: Any, keys: tuple[str, ...]) -> Any:
    """Replaces the values of sensitive fields, at any depth of dicts and lists."""
    if isinstance(value, dict):
        return {
            k: REDACTED if any(key in str(k).lower() for key in keys) else redact(v, keys)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v, keys) for v in value]
    return value


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    extra = {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}
    return {**bound(), **extra}


class JsonFormatter(logging.Formatter):
    """One JSON object per line{% if field_style == 'ecs' %}, with Elastic Common Schema field names{% endif %}."""

    def __init__(self, service: str, redact_keys: tuple[str, ...]) -> None:
        super().__init__()
        self.service = service
        self.redact_keys = redact_keys

    def format(self, record: logging.LogRecord) -> str:
        timestamp = datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds")
{%- if field_style == 'ecs' %}
        entry: dict[str, Any] = {
            "@timestamp": timestamp.replace("+00:00", "Z"),
            "log.level": record.levelname.lower(),
            "message": record.getMessage(),
            "log.logger": record.name,
            "service.name": self.service,
            "process.pid": record.process,
            "process.thread.name": record.threadName,
            "ecs.version": "8.11.0",
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["error.type"] = record.exc_info[0].__name__
            entry["error.message"] = str(record.exc_info[1])
            entry["error.stack_trace"] = "".join(traceback.format_exception(*record.exc_info))
        # Bound and `extra=` fields become top-level keys (ECS allows custom fields).
{%- else %}
        entry: dict[str, Any] = {
            "ts": timestamp.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "service": self.service,
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc"] = "".join(traceback.format_exception(*record.exc_info))
{%- endif %}
        for key, value in redact(_fields(record), self.redact_keys).items():
            entry.setdefault(key, value)
        # default=str: a field of any type (UUID, Decimal, datetime) must never break logging.
        return json.dumps(entry, default=str, ensure_ascii=False)


class ConsoleFormatter(logging.Formatter):
    """`12:00:01.123 INFO  orders.api  order placed  order_id=42 request_id=...`"""

    def __init__(self, redact_keys: tuple[str, ...]) -> None:
        super().__init__()
        self.redact_keys = redact_keys

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        fields = " ".join(f"{k}={v}" for k, v in redact(_fields(record), self.redact_keys).items())
        line = f"{time} {record.levelname:<5} {record.name}  {record.getMessage()}"
        if fields:
            line += f"  {fields}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
