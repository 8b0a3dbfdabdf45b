"""Checks that an HTTP API honours idempotency keys."""

from .checks import CHECKS, Client, Settings, run_all

__all__ = ["CHECKS", "Client", "Settings", "run_all"]
