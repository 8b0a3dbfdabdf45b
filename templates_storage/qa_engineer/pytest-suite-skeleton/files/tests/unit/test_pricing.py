from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from {{ package }}.pricing import PricingError, discounted, with_tax


{% if markers contains 'smoke' %}@pytest.mark.smoke
{% endif %}def test_tax_is_added_and_rounded_to_cents() -> None:
    assert with_tax(Decimal("10.00"), Decimal("19")) == Decimal("11.90")


@pytest.mark.parametrize(
    ("net", "rate", "expected"),
    [
        pytest.param("0.00", "20", "0.00", id="free"),
        pytest.param("0.05", "10", "0.06", id="half-cent-rounds-to-even"),
        pytest.param("0.15", "10", "0.16", id="half-cent-rounds-to-even-up"),
        pytest.param("99.99", "0", "99.99", id="no-tax"),
        pytest.param("100", "100", "200.00", id="full-rate"),
    ],
)
def test_tax_table(net: str, rate: str, expected: str) -> None:
    assert with_tax(Decimal(net), Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize(
    ("net", "rate", "message"),
    [
        pytest.param("-1", "10", "must not be negative", id="negative-price"),
        pytest.param("1", "-1", "between 0 and 100", id="negative-rate"),
        pytest.param("1", "101", "between 0 and 100", id="rate-over-100"),
    ],
)
def test_invalid_input_is_refused(net: str, rate: str, message: str) -> None:
    with pytest.raises(PricingError, match=message):
        with_tax(Decimal(net), Decimal(rate))


class TestDiscount:
    def test_applies_before_the_end(self, now: datetime) -> None:
        assert discounted(Decimal("80.00"), 25, ends_at=now + timedelta(hours=1), now=now) == Decimal("60.00")

    def test_ends_exactly_at_its_end(self, now: datetime) -> None:
        assert discounted(Decimal("80.00"), 25, ends_at=now, now=now) == Decimal("80.00")
