"""The shapes the factories build; replace them with your domain's own classes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

__all__ = [
{%- if entities contains 'customer' or entities contains 'order' %}
    "Customer",
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}
    "Product",
{%- endif %}
{%- if entities contains 'order' %}
    "OrderLine",
    "Order",
{%- endif %}
]
{%- if entities contains 'customer' or entities contains 'order' %}


@dataclass
class Customer:
    id: int
    email: str
    name: str
    country: str
    created_at: datetime
    verified: bool = True
    blocked: bool = False
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}


@dataclass
class Product:
    id: int
    sku: str
    name: str
    price: Decimal
    stock: int
    active: bool = True
{%- endif %}
{%- if entities contains 'order' %}


@dataclass
class OrderLine:
    product: Product
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.product.price * self.quantity


@dataclass
class Order:
    id: int
    customer: Customer
    lines: list[OrderLine] = field(default_factory=list)
    status: str = "placed"
    placed_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))
{%- endif %}
