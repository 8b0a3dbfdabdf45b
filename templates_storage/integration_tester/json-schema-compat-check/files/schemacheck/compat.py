"""Does one JSON Schema accept everything another accepts?

`reader_accepts_writer(reader, writer)` lists the reasons a message valid under `writer`
could be rejected by `reader`. The modes follow schema registries' vocabulary:

- backward: the new schema reads messages written with the old one (upgrade consumers first);
- forward:  the old schema reads messages written with the new one (upgrade producers first);
- full:     both.

The comparison is conservative: when it cannot prove acceptance (a changed `pattern`, a
construct it does not model) it reports a problem rather than passing silently.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

MODES = ("backward", "forward", "full")
NUMERIC_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
NUMERIC_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
UNMODELLED = ("oneOf", "anyOf", "allOf", "not", "if", "patternProperties", "dependentSchemas")


def _resolve(schema: Any, root: Schema) -> Any:
    seen = set()
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise ValueError(f"only local, acyclic $refs are supported: {ref}")
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        schema = target
    return schema


def _types(schema: Schema) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        return None  # any type
    return {kind} if isinstance(kind, str) else set(kind)


def _accepts_type(reader: set[str] | None, writer: set[str] | None) -> set[str]:
    """Writer types the reader does not accept (integer is a number)."""
    if reader is None:
        return set()
    if writer is None:
        return {"any type"}
    return {t for t in writer if t not in reader and not (t == "integer" and "number" in reader)}


def reader_accepts_writer(
    reader: Any, writer: Any, reader_root: Schema | None = None, writer_root: Schema | None = None, path: str = "$"
) -> list[str]:
    reader_root = reader if reader_root is None else reader_root
    writer_root = writer if writer_root is None else writer_root
    reader = _resolve(reader, reader_root)
    writer = _resolve(writer, writer_root)
    if reader is True or reader == {}:
        return []
    if reader is False:
        return [] if writer is False else [f"{path}: no longer accepted at all"]
    if writer is True:
        writer = {}
    if writer is False:
        return []
    problems: list[str] = []

    for keyword in UNMODELLED:
        if keyword in reader and reader.get(keyword) != writer.get(keyword):
            problems.append(f"{path}: '{keyword}' differs and is not compared; review by hand")

    missing = _accepts_type(_types(reader), _types(writer))
    if missing:
        problems.append(f"{path}: type {sorted(missing)} no longer accepted")

    if "enum" in reader:
        if "enum" not in writer:
            problems.append(f"{path}: restricted to {reader['enum']}")
        else:
            dropped = [v for v in writer["enum"] if v not in reader["enum"]]
            if dropped:
                problems.append(f"{path}: enum values {dropped} no longer accepted")
    if "const" in reader and writer.get("const", object()) != reader["const"]:
        problems.append(f"{path}: must now be {reader['const']!r}")

    for keyword in NUMERIC_LOWER:
        if keyword in reader and (keyword not in writer or writer[keyword] < reader[keyword]):
            problems.append(f"{path}: {keyword} raised to {reader[keyword]}")
    for keyword in NUMERIC_UPPER:
        if keyword in reader and (keyword not in writer or writer[keyword] > reader[keyword]):
            problems.append(f"{path}: {keyword} lowered to {reader[keyword]}")
    if "pattern" in reader and reader["pattern"] != writer.get("pattern"):
        problems.append(f"{path}: pattern changed to {reader['pattern']!r}")
    if "format" in reader and reader["format"] != writer.get("format"):
        problems.append(f"{path}: format changed to {reader['format']!r}")

    reader_props = reader.get("properties", {})
    writer_props = writer.get("properties", {})
    for name in sorted(set(reader.get("required", [])) - set(writer.get("required", []))):
        problems.append(f"{path}.{name}: required, but messages may omit it")
    for name, writer_prop in writer_props.items():
        if name in reader_props:
            problems += reader_accepts_writer(
                reader_props[name], writer_prop, reader_root, writer_root, f"{path}.{name}"
            )
        elif reader.get("additionalProperties") is False:
            problems.append(f"{path}.{name}: no longer allowed (additionalProperties is false)")
        elif isinstance(reader.get("additionalProperties"), dict):
            problems += reader_accepts_writer(
                reader["additionalProperties"], writer_prop, reader_root, writer_root, f"{path}.{name}"
            )
    if reader.get("additionalProperties") is False and writer.get("additionalProperties") is not False:
        problems.append(f"{path}: closed (additionalProperties false) but messages may carry other fields")

    if "items" in reader:
        problems += reader_accepts_writer(
            reader["items"], writer.get("items", True), reader_root, writer_root, f"{path}[]"
        )
    return problems


def breaking_changes(old: Schema, new: Schema, mode: str = "{{ compatibility }}") -> list[str]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    problems = []
    if mode in ("backward", "full"):
        problems += [f"backward: {p}" for p in reader_accepts_writer(new, old)]
    if mode in ("forward", "full"):
        problems += [f"forward: {p}" for p in reader_accepts_writer(old, new)]
    return problems
