"""Example module under test: prices with tax and a time-limited discount."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


class PricingError(ValueError):
    """A price that cannot be computed from what was given."""


def with_tax(net: Decimal, rate_percent: Decimal) -> Decimal:
    if net < 0:
        raise PricingError("net price must not be negative")
    if not Decimal(0) <= rate_percent <= Decimal(100):
        raise PricingError("tax rate must be between 0 and 100")
    return (net * (1 + rate_percent / 100)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def discounted(price: Decimal, percent: int, ends_at: datetime, now: datetime) -> Decimal:
    """The price after a discount that is valid until `ends_at` (exclusive)."""
    if now >= ends_at:
        return price
    return (price * (100 - percent) / 100).quantize(CENT, rounding=ROUND_HALF_EVEN)
