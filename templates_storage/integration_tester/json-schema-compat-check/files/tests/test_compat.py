"""The compatibility rules, one evolution at a time, and the schemas in {{ schemas_dir }}/."""

from __future__ import annotations

import copy
import json
import unittest
from pathlib import Path

from schemacheck import breaking_changes, reader_accepts_writer

ROOT = Path(__file__).resolve().parent.parent
BASE = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "maxLength": 64},
        "status": {"type": "string", "enum": ["NEW", "DONE"]},
        "amount": {"type": "number", "minimum": 0},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
    },
    "$defs": {"Line": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
}


def evolve(change) -> dict:
    schema = copy.deepcopy(BASE)
    change(schema)
    return schema


class BackwardTest(unittest.TestCase):
    """New readers must read what old writers wrote."""

    def breaks(self, new: dict) -> list[str]:
        return breaking_changes(BASE, new, "backward")

    def test_identical_schemas_are_compatible(self) -> None:
        self.assertEqual(self.breaks(copy.deepcopy(BASE)), [])

    def test_adding_an_optional_field_is_compatible(self) -> None:
        self.assertEqual(self.breaks(evolve(lambda s: s["properties"].update(note={"type": "string"}))), [])

    def test_adding_a_required_field_breaks(self) -> None:
        def change(s: dict) -> None:
            s["properties"]["note"] = {"type": "string"}
            s["required"].append("note")

        self.assertIn("backward: $.note: required, but messages may omit it", self.breaks(evolve(change)))

    def test_narrowing_a_type_breaks(self) -> None:
        problems = self.breaks(evolve(lambda s: s["properties"]["amount"].update(type="integer")))
        self.assertTrue(any("$.amount: type ['number']" in p for p in problems), problems)

    def test_widening_integer_to_number_is_compatible(self) -> None:
        self.assertEqual(
            self.breaks(evolve(lambda s: s["$defs"]["Line"]["properties"]["qty"].update(type="number"))), []
        )

    def test_removing_an_enum_value_breaks(self) -> None:
        problems = self.breaks(evolve(lambda s: s["properties"]["status"].update(enum=["NEW"])))
        self.assertTrue(any("['DONE'] no longer accepted" in p for p in problems), problems)

    def test_tightening_bounds_breaks(self) -> None:
        problems = self.breaks(evolve(lambda s: s["properties"]["id"].update(maxLength=32)))
        self.assertTrue(any("maxLength lowered to 32" in p for p in problems), problems)

    def test_closing_an_object_breaks(self) -> None:
        problems = self.breaks(evolve(lambda s: s.update(additionalProperties=False)))
        self.assertTrue(any("closed" in p for p in problems), problems)

    def test_changes_behind_refs_are_found(self) -> None:
        problems = self.breaks(evolve(lambda s: s["$defs"]["Line"]["properties"]["qty"].update(minimum=1)))
        self.assertTrue(any("$.lines[].qty: minimum raised to 1" in p for p in problems), problems)

    def test_unmodelled_keywords_are_reported_not_ignored(self) -> None:
        problems = self.breaks(evolve(lambda s: s["properties"]["id"].update(oneOf=[{"maxLength": 3}])))
        self.assertTrue(any("'oneOf' differs" in p for p in problems), problems)


class ForwardTest(unittest.TestCase):
    """Old readers must read what new writers write."""

    def breaks(self, new: dict) -> list[str]:
        return breaking_changes(BASE, new, "forward")

    def test_removing_a_required_field_breaks_forward(self) -> None:
        problems = self.breaks(evolve(lambda s: s.update(required=[])))
        self.assertIn("forward: $.id: required, but messages may omit it", problems)

    def test_adding_an_enum_value_breaks_forward_only(self) -> None:
        new = evolve(lambda s: s["properties"]["status"].update(enum=["NEW", "DONE", "LOST"]))
        self.assertEqual(breaking_changes(BASE, new, "backward"), [])
        self.assertTrue(self.breaks(new))

    def test_full_reports_both_directions(self) -> None:
        new = evolve(lambda s: s["properties"]["status"].update(enum=["NEW"]))
        directions = {p.split(":")[0] for p in breaking_changes(BASE, new, "full")}
        self.assertEqual(directions, {"backward"})
        new = evolve(lambda s: s["properties"]["status"].update(enum=["NEW", "DONE", "LOST"]))
        directions = {p.split(":")[0] for p in breaking_changes(BASE, new, "full")}
        self.assertEqual(directions, {"forward"})


class ProjectSchemasTest(unittest.TestCase):
    def test_every_schema_is_json_and_compatible_with_itself(self) -> None:
        schemas = sorted((ROOT / "{{ schemas_dir }}").rglob("*.schema.json"))
        self.assertTrue(schemas, "no *.schema.json under {{ schemas_dir }}/")
        for path in schemas:
            with self.subTest(schema=path.name):
                schema = json.loads(path.read_text(encoding="utf-8"))
                self.assertEqual(reader_accepts_writer(schema, schema), [])

    def test_the_default_mode_is_{{ compatibility }}(self) -> None:
        schema = json.loads((ROOT / "{{ schemas_dir }}" / "{{ sample_subject }}.schema.json").read_text())
        stricter = copy.deepcopy(schema)
        stricter["required"].append("version")
        self.assertEqual(
            bool(breaking_changes(schema, stricter)),
            "{{ compatibility }}" in ("backward", "full"),
        )


if __name__ == "__main__":
    unittest.main()
