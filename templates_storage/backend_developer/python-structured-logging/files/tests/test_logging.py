import asyncio
import io
import json
import logging
import threading
import unittest

from {{ package }} import bind, bound, configure
{%- if field_style == 'ecs' %}

LEVEL, MESSAGE, LOGGER, SERVICE, TIME = "log.level", "message", "log.logger", "service.name", "@timestamp"
{%- else %}

LEVEL, MESSAGE, LOGGER, SERVICE, TIME = "level", "msg", "logger", "service", "ts"
{%- endif %}


class JsonLinesTest(unittest.TestCase):
    def setUp(self):
        self.stream = io.StringIO()
        configure(level="DEBUG", fmt="json", stream=self.stream, env={})
        self.log = logging.getLogger("tests.orders")

    def lines(self):
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def test_one_json_object_per_line_with_the_standard_fields(self):
        self.log.info("order %s placed", 42, extra={"order_id": 42, "amount": 9.5})
        (line,) = self.lines()
        self.assertEqual(line[LEVEL], "info")
        self.assertEqual(line[MESSAGE], "order 42 placed")
        self.assertEqual(line[LOGGER], "tests.orders")
        self.assertEqual(line[SERVICE], "{{ service_name }}")
        self.assertRegex(line[TIME], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual((line["order_id"], line["amount"]), (42, 9.5))

    def test_bound_fields_appear_on_every_line_of_the_block_only(self):
        with bind(request_id="req-1", user_id=7):
            self.log.info("inside")
            with bind(step="pay"):
                self.log.info("nested")
        self.log.info("outside")
        inside, nested, outside = self.lines()
        self.assertEqual((inside["request_id"], inside["user_id"]), ("req-1", 7))
        self.assertEqual((nested["request_id"], nested["step"]), ("req-1", "pay"))
        self.assertNotIn("request_id", outside)

    def test_secrets_are_redacted_at_any_depth(self):
        self.log.info("login", extra={"password": "hunter2", "headers": {"Authorization": "Bearer x", "accept": "*/*"}})
        (line,) = self.lines()
        self.assertEqual(line["password"], "[REDACTED]")
        self.assertEqual(line["headers"], {"Authorization": "[REDACTED]", "accept": "*/*"})
        self.assertNotIn("hunter2", self.stream.getvalue())

    def test_exceptions_keep_their_type_and_traceback(self):
        try:
            {}["missing"]
        except KeyError:
            self.log.exception("lookup failed")
        (line,) = self.lines()
{%- if field_style == 'ecs' %}
        self.assertEqual(line["error.type"], "KeyError")
        self.assertIn("Traceback", line["error.stack_trace"])
{%- else %}
        self.assertEqual(line["exc_type"], "KeyError")
        self.assertIn("Traceback", line["exc"])
{%- endif %}
        self.assertEqual(line[LEVEL], "error")

    def test_values_of_any_type_are_written(self):
        import decimal
        import uuid

        self.log.info("odd types", extra={"id": uuid.UUID(int=1), "price": decimal.Decimal("1.10")})
        (line,) = self.lines()
        self.assertEqual(line["price"], "1.10")

    def test_configure_twice_does_not_duplicate_lines(self):
        configure(level="INFO", fmt="json", stream=self.stream, env={})
        self.log.info("once")
        self.assertEqual(len(self.lines()), 1)

    def test_level_and_format_from_the_environment_and_bad_values(self):
        configure(stream=self.stream, env={"LOG_LEVEL": "warning"})
        self.log.info("dropped")
        self.log.warning("kept")
        self.assertEqual([line[MESSAGE] for line in self.lines()], ["kept"])
        with self.assertRaises(ValueError):
            configure(level="LOUD", stream=self.stream, env={})
        with self.assertRaises(ValueError):
            configure(fmt="xml", stream=self.stream, env={})


class ContextIsolationTest(unittest.TestCase):
    def test_threads_and_tasks_do_not_see_each_others_fields(self):
        seen = {}

        def worker(name):
            with bind(request_id=name):
                threading.Event().wait(0.01)
                seen[name] = bound()["request_id"]

        threads = [threading.Thread(target=worker, args=(f"t{i}",)) for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(seen, {f"t{i}": f"t{i}" for i in range(5)})

        async def task(name):
            with bind(request_id=name):
                await asyncio.sleep(0.01)
                return bound()["request_id"]

        async def main():
            return await asyncio.gather(*(task(f"a{i}") for i in range(5)))

        self.assertEqual(asyncio.run(main()), [f"a{i}" for i in range(5)])
        self.assertEqual(dict(bound()), {})


class ConsoleFormatTest(unittest.TestCase):
    def test_readable_line_with_fields(self):
        stream = io.StringIO()
        configure(level="INFO", fmt="console", stream=stream, env={})
        with bind(request_id="r1"):
            logging.getLogger("tests.console").info("ready", extra={"token": "abc"})
        text = stream.getvalue()
        self.assertRegex(text, r"^\d\d:\d\d:\d\d\.\d{3} INFO  tests\.console  ready  request_id=r1 token=\[REDACTED\]\n$")


if __name__ == "__main__":
    unittest.main()
