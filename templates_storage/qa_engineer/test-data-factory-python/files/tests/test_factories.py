"""The factories' own tests: defaults are valid, overrides and traits apply, runs repeat."""

import unittest
from decimal import Decimal

from {{ package }} import core
{%- if entities contains 'customer' or entities contains 'order' %}
from {{ package }} import CustomerFactory
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}
from {{ package }} import ProductFactory
{%- endif %}
{%- if entities contains 'order' %}
from {{ package }} import OrderFactory
{%- endif %}


class FactoryTestCase(unittest.TestCase):
    def setUp(self) -> None:
        core.reset()
{%- if entities contains 'customer' or entities contains 'order' %}


class CustomerFactoryTest(FactoryTestCase):
    def test_defaults_are_valid(self) -> None:
        customer = CustomerFactory.build()
        self.assertRegex(customer.email, r"^[a-z]+\.[a-z]+\.\d+@{{ email_domain | replace: '.', '\.' }}$")
        self.assertTrue(customer.verified)
        self.assertFalse(customer.blocked)

    def test_emails_are_unique_across_a_batch(self) -> None:
        customers = CustomerFactory.build_batch(200)
        self.assertEqual(len({c.email for c in customers}), 200)

    def test_override_wins(self) -> None:
        self.assertEqual(CustomerFactory.build(country="DE").country, "DE")

    def test_trait_applies_and_override_beats_trait(self) -> None:
        self.assertTrue(CustomerFactory.build(trait="blocked").blocked)
        self.assertFalse(CustomerFactory.build(trait="blocked", blocked=False).blocked)

    def test_unknown_field_or_trait_fails_loudly(self) -> None:
        with self.assertRaises(TypeError):
            CustomerFactory.build(nickname="x")
        with self.assertRaises(KeyError):
            CustomerFactory.build(trait="vip")

    def test_reset_replays_the_same_data(self) -> None:
        first = CustomerFactory.build_batch(5)
        core.reset()
        self.assertEqual(CustomerFactory.build_batch(5), first)
{%- endif %}
{%- if entities contains 'product' or entities contains 'order' %}


class ProductFactoryTest(FactoryTestCase):
    def test_price_has_whole_cents_and_stock_is_positive(self) -> None:
        for product in ProductFactory.build_batch(50):
            self.assertEqual(product.price, product.price.quantize(Decimal("0.01")))
            self.assertGreater(product.price, 0)
            self.assertGreater(product.stock, 0)

    def test_traits(self) -> None:
        self.assertEqual(ProductFactory.build(trait="out_of_stock").stock, 0)
        self.assertEqual(ProductFactory.build(trait="free").price, Decimal("0.00"))

    def test_variant_copies(self) -> None:
        product = ProductFactory.build()
        cheaper = ProductFactory.variant(product, price=Decimal("1.00"))
        self.assertEqual(cheaper.sku, product.sku)
        self.assertEqual(cheaper.price, Decimal("1.00"))
        self.assertIsNot(cheaper, product)
{%- endif %}
{%- if entities contains 'order' %}


class OrderFactoryTest(FactoryTestCase):
    def test_default_order_has_lines_and_a_total(self) -> None:
        order = OrderFactory.build()
        self.assertGreaterEqual(len(order.lines), 1)
        self.assertEqual(order.total, sum((l.product.price * l.quantity for l in order.lines), Decimal("0")))

    def test_empty_trait_gives_a_fresh_list_each_time(self) -> None:
        a, b = OrderFactory.build(trait="empty"), OrderFactory.build(trait="empty")
        self.assertEqual(a.total, Decimal("0.00"))
        a.lines.append(None)  # type: ignore[arg-type]
        self.assertEqual(b.lines, [])

    def test_orders_for_one_customer(self) -> None:
        customer = CustomerFactory.build()
        orders = [OrderFactory.for_customer(customer) for _ in range(3)]
        self.assertTrue(all(o.customer is customer for o in orders))
        self.assertEqual(len({o.id for o in orders}), 3)
{%- endif %}


if __name__ == "__main__":
    unittest.main()
