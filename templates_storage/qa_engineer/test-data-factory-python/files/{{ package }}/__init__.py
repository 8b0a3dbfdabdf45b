"""Test data factories: valid objects by default, changed only where a test cares."""

from .core import Sequence, rng, reset
{%- if entities contains 'customer' or entities contains 'order' %}
from .factories import CustomerFactory
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}
from .factories import ProductFactory
{%- endif %}
{%- if entities contains 'order' %}
from .factories import OrderFactory
{%- endif %}
from .models import *  # noqa: F401,F403 - the dataclasses the factories build

__all__ = [
    "Sequence",
    "rng",
    "reset",
{%- if entities contains 'customer' or entities contains 'order' %}
    "CustomerFactory",
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}
    "ProductFactory",
{%- endif %}
{%- if entities contains 'order' %}
    "OrderFactory",
{%- endif %}
]
