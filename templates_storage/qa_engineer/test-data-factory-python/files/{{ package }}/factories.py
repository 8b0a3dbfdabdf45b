"""Factories: `XFactory.build(**overrides)`, `.build(trait="name")`, `.build_batch(n)`.

Every default is valid, so a test states only what matters to it:
`CustomerFactory.build(country="DE")` says the test is about German customers.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, ClassVar, Generic, TypeVar

from .core import Sequence, pick, rng
from .models import *  # noqa: F401,F403

T = TypeVar("T")

EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


class Factory(Generic[T]):
    """Builds a model from defaults, then a trait's changes, then the test's overrides."""

    model: ClassVar[type]
    traits: ClassVar[dict[str, dict[str, Any]]] = {}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def build(cls, trait: str | None = None, **overrides: Any) -> T:
        names = {f.name for f in fields(cls.model)}
        unknown = set(overrides) - names
        if unknown:
            raise TypeError(f"{cls.model.__name__} has no field(s) {sorted(unknown)}")
        values = cls.defaults()
        if trait is not None:
            if trait not in cls.traits:
                raise KeyError(f"{cls.__name__} has no trait {trait!r}; known: {sorted(cls.traits)}")
            values.update({k: v() if callable(v) else v for k, v in cls.traits[trait].items()})
        values.update(overrides)
        return cls.model(**values)

    @classmethod
    def build_batch(cls, size: int, **overrides: Any) -> list[T]:
        return [cls.build(**overrides) for _ in range(size)]

    @classmethod
    def variant(cls, obj: T, **changes: Any) -> T:
        """A copy of an object with some fields changed (the original is left alone)."""
        return replace(obj, **changes)
{%- if entities contains 'customer' or entities contains 'order' %}


FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Linus", "Margaret", "Ken"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Torvalds", "Hamilton", "Thompson"]
COUNTRIES = ["US", "GB", "DE", "FR", "JP", "BR", "IN", "NG"]


class CustomerFactory(Factory[Customer]):
    model = Customer
    ids = Sequence()
    traits: ClassVar[dict[str, dict[str, Any]]] = {
        "unverified": {"verified": False},
        "blocked": {"blocked": True},
        # Names that break naive code: apostrophes, non-Latin scripts, long strings.
        "unusual_name": {"name": lambda: pick(["O'Brien-Smith", "José Ñúñez", "李小龙", "X" * 255])},
    }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        n = cls.ids.next()
        first, last = pick(FIRST_NAMES), pick(LAST_NAMES)
        return {
            "id": n,
            # The sequence number keeps addresses unique, so unique constraints never collide.
            "email": f"{first.lower()}.{last.lower()}.{n}@{{ email_domain }}",
            "name": f"{first} {last}",
            "country": pick(COUNTRIES),
            "created_at": EPOCH + timedelta(minutes=rng.randrange(0, 525_600)),
        }
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}


class ProductFactory(Factory[Product]):
    model = Product
    ids = Sequence()
    traits: ClassVar[dict[str, dict[str, Any]]] = {
        "out_of_stock": {"stock": 0},
        "inactive": {"active": False},
        "free": {"price": Decimal("0.00")},
        "expensive": {"price": Decimal("99999.99")},
    }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        n = cls.ids.next()
        return {
            "id": n,
            "sku": f"SKU-{n:06d}",
            "name": f"{pick(['Blue', 'Red', 'Green', 'Black'])} {pick(['Mug', 'Lamp', 'Chair', 'Notebook'])}",
            # Whole cents, as a price would be stored.
            "price": Decimal(rng.randrange(100, 20_000)) / 100,
            "stock": rng.randrange(1, 500),
        }
{%- endif %}
{%- if entities contains 'order' %}


class OrderFactory(Factory[Order]):
    model = Order
    ids = Sequence()
    traits: ClassVar[dict[str, dict[str, Any]]] = {
        "empty": {"lines": list},
        "cancelled": {"status": "cancelled"},
        "shipped": {"status": "shipped"},
    }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {
            "id": cls.ids.next(),
            # Related objects are built too, so an order is valid on its own.
            "customer": CustomerFactory.build(),
            "lines": [
                OrderLine(product=ProductFactory.build(), quantity=rng.randrange(1, 4))
                for _ in range(rng.randrange(1, 4))
            ],
            "placed_at": EPOCH + timedelta(days=rng.randrange(0, 365)),
        }

    @classmethod
    def for_customer(cls, customer: Customer, **overrides: Any) -> Order:
        return cls.build(customer=customer, **overrides)


def build_with(factory: Callable[..., T], count: int, **overrides: Any) -> list[T]:
    """Shorthand for a list of objects from any factory's build()."""
    return [factory(**overrides) for _ in range(count)]
{%- endif %}
