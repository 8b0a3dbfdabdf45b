from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from {{ package }}.pricing import with_tax

pytestmark = pytest.mark.integration


def fetch_rate(base_url: str, country: str) -> Decimal:
    with urllib.request.urlopen(f"{base_url}/rates/{country}", timeout=5) as response:
        return Decimal(json.load(response)["rate"])


def test_price_with_a_rate_from_the_service(rates_server: str) -> None:
    assert with_tax(Decimal("10.00"), fetch_rate(rates_server, "DE")) == Decimal("11.90")


def test_unknown_country_is_a_404(rates_server: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch_rate(rates_server, "XX")
    assert error.value.code == 404
{%- if markers contains 'slow' %}


@pytest.mark.slow
def test_many_lookups_in_a_row(rates_server: str) -> None:
    rates = {fetch_rate(rates_server, country) for _ in range(200) for country in ("DE", "FR", "GB")}
    assert rates == {Decimal("19"), Decimal("20")}
{%- endif %}
