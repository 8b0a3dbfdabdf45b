"""OpenAPI 3.0/3.1 documents as executable contracts.

`OpenAPIContract.check(response)` finds the documented operation for a request and raises
`ContractViolation` listing every mismatch: undocumented status code, unexpected content
type, missing required header, or a JSON body that does not match the response schema.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SPEC_URI = "urn:contract:openapi"


class ContractViolation(AssertionError):
    """A response does not honour the OpenAPI document."""

    def __init__(self, context: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{context}:\n" + "\n".join(f"  - {p}" for p in problems))


def load_spec(source: str, *, headers: dict[str, str] | None = None, timeout: float = 10) -> dict:
    """Read an OpenAPI document (JSON or YAML) from a URL or a file path."""
    if source.startswith(("http://", "https://")):
        response = httpx.get(source, headers=headers, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
        text = response.text
    else:
        text = Path(source).read_text(encoding="utf-8")
    spec = yaml.safe_load(text)  # YAML is a superset of JSON
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3."):
        raise ValueError(f"{source} is not an OpenAPI 3.x document")
    return spec


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _to_json_schema_2020(node: Any) -> Any:
    """Translate OpenAPI 3.0 schema dialect (nullable, boolean exclusive bounds) to 2020-12."""
    if isinstance(node, list):
        return [_to_json_schema_2020(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _to_json_schema_2020(value) for key, value in node.items()}
    if result.pop("nullable", None) is True:
        if isinstance(result.get("type"), str):
            result["type"] = [result["type"], "null"]
        elif "enum" in result and None not in result["enum"]:
            result["enum"] = [*result["enum"], None]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if result.get(exclusive) is True and bound in result:
            result[exclusive] = result.pop(bound)
        elif result.get(exclusive) is False:
            del result[exclusive]
    return result


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    pointer: str  # JSON pointer of the operation object in the document
    definition: dict
    parameters: tuple[dict, ...]  # path-level and operation-level, $refs resolved
    secured: bool

    @property
    def operation_id(self) -> str | None:
        return self.definition.get("operationId")

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def example_arguments(self) -> dict[str, dict[str, Any]] | None:
        """Values for every required parameter taken from the document's examples.

        Returns {"path": {...}, "query": {...}, "header": {...}}, or None when a required
        parameter has no example to call the operation with.
        """
        arguments: dict[str, dict[str, Any]] = {"path": {}, "query": {}, "header": {}}
        for parameter in self.parameters:
            location = parameter.get("in")
            if location not in arguments or not parameter.get("required"):
                continue
            value = _example_of(parameter)
            if value is None:
                return None
            arguments[location][parameter["name"]] = value
        return arguments

    def url_path(self, path_params: dict[str, Any]) -> str:
        return re.sub(r"\{([^}]+)\}", lambda m: str(path_params[m.group(1)]), self.path)


def _example_of(parameter: dict) -> Any:
    if "example" in parameter:
        return parameter["example"]
    for example in parameter.get("examples", {}).values():
        if isinstance(example, dict) and "value" in example:
            return example["value"]
    schema = parameter.get("schema", {})
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    return None


class OpenAPIContract:
    def __init__(self, spec: dict) -> None:
        self.version = str(spec["openapi"])
        if self.version.startswith("3.0"):
            spec = _to_json_schema_2020(copy.deepcopy(spec))
        self.spec = spec
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self._registry = Registry().with_resource(SPEC_URI, resource)
        self._operations = list(self._collect_operations())

    # -- document navigation -------------------------------------------------------

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow local $refs; return the target node and its JSON pointer."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                raise ValueError(f"unsupported or circular $ref {ref!r} at {pointer}")
            seen.add(ref)
            pointer = ref[1:]
            node = self.spec
            for token in pointer.lstrip("/").split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                node = node[int(token)] if isinstance(node, list) else node[token]
        return node, pointer

    def _collect_operations(self) -> Iterator[Operation]:
        global_security = self.spec.get("security") or []
        for path, raw_item in (self.spec.get("paths") or {}).items():
            item, item_pointer = self.resolve(raw_item, f"/paths/{_escape(path)}")
            shared = [self.resolve(p, item_pointer)[0] for p in item.get("parameters", [])]
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                definition = item[method]
                own = [self.resolve(p, item_pointer)[0] for p in definition.get("parameters", [])]
                own_keys = {(p.get("in"), p.get("name")) for p in own}
                parameters = tuple(
                    [p for p in shared if (p.get("in"), p.get("name")) not in own_keys] + own
                )
                security = definition.get("security", global_security)
                secured = any(requirement for requirement in security)  # {} means optional auth
                yield Operation(
                    method,
                    path,
                    f"{item_pointer}/{method}",
                    definition,
                    parameters,
                    secured,
                )

    def operations(self) -> list[Operation]:
        return list(self._operations)

    def operation(self, method: str, path: str) -> Operation:
        for op in self._operations:
            if op.method == method.lower() and op.path == path:
                return op
        raise KeyError(f"{method.upper()} {path} is not in the OpenAPI document")

    def by_id(self, operation_id: str) -> Operation:
        for op in self._operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(f"operationId {operation_id!r} is not in the OpenAPI document")

    def match(self, method: str, url_path: str) -> Operation:
        """The operation whose path template matches a concrete path (literal segments win)."""
        candidates = []
        for op in self._operations:
            if op.method != method.lower():
                continue
            pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path)) + "/?$"
            if re.match(pattern, url_path):
                candidates.append((op.path.count("{"), op))
        if not candidates:
            raise KeyError(f"no documented operation matches {method.upper()} {url_path}")
        return min(candidates, key=lambda candidate: candidate[0])[1]

    def request_example(self, op: Operation) -> tuple[bool, Any]:
        """(True, example) if the JSON request body has a documented example, else (False, None)."""
        if "requestBody" not in op.definition:
            return False, None
        body, pointer = self.resolve(op.definition["requestBody"], f"{op.pointer}/requestBody")
        media = body.get("content", {}).get("application/json")
        if media is None:
            return False, None
        if "example" in media:
            return True, media["example"]
        for example in media.get("examples", {}).values():
            example, _ = self.resolve(example, pointer)
            if "value" in example:
                return True, example["value"]
        schema, _ = self.resolve(media.get("schema", {}), pointer)
        if "example" in schema:
            return True, schema["example"]
        if schema.get("examples"):
            return True, schema["examples"][0]
        return False, None

    # -- response checks ------------------------------------------------------------

    def _documented_response(self, op: Operation, status: int) -> tuple[dict, str] | None:
        responses = op.definition.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
            if key in responses:
                return self.resolve(responses[key], f"{op.pointer}/responses/{key}")
        return None

    def check(self, response: httpx.Response, op: Operation | None = None) -> None:
        """Raise ContractViolation unless `response` matches the documented operation."""
        request = response.request
        if op is None:
            op = self.match(request.method, self._relative_path(request.url))
        context = f"{request.method} {request.url} -> {response.status_code} ({op.label})"
        documented = self._documented_response(op, response.status_code)
        if documented is None:
            documented_codes = ", ".join(op.definition.get("responses", {})) or "none"
            raise ContractViolation(
                context, [f"status {response.status_code} is not documented ({documented_codes})"]
            )
        definition, pointer = documented
        problems = self._check_headers(definition, pointer, response)
        problems += self._check_body(definition, pointer, response)
        if problems:
            raise ContractViolation(context, problems)

    def _relative_path(self, url: httpx.URL) -> str:
        path = url.path
        for server in self.spec.get("servers", []):
            prefix = urlsplit(server.get("url", "")).path.rstrip("/")
            if prefix and path.startswith(prefix + "/"):
                return path[len(prefix) :]
        return path

    def _check_headers(self, definition: dict, pointer: str, response: httpx.Response) -> list[str]:
        problems = []
        for name, raw in definition.get("headers", {}).items():
            header, _ = self.resolve(raw, f"{pointer}/headers/{_escape(name)}")
            if header.get("required") and name not in response.headers:
                problems.append(f"required response header {name!r} is missing")
        return problems

    def _check_body(self, definition: dict, pointer: str, response: httpx.Response) -> list[str]:
        content = definition.get("content")
        if not content:
            if response.content and response.request.method != "HEAD":
                return ["response has a body but the document declares no content"]
            return []
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        key = self._match_media_type(media_type, content)
        if key is None:
            return [f"content type {media_type or '(none)'!r} is not one of {sorted(content)}"]
        schema = content[key].get("schema")
        if schema is None or "json" not in media_type:
            return []
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return [f"body is not valid JSON: {exc}"]
        schema_pointer = f"{pointer}/content/{_escape(key)}/schema"
        validator = Draft202012Validator(
            {"$ref": f"{SPEC_URI}#{schema_pointer}"},
            registry=self._registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        return [
            f"body{''.join(f'[{p!r}]' for p in error.absolute_path)}: {error.message}"
            for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        ]

    @staticmethod
    def _match_media_type(media_type: str, content: dict) -> str | None:
        if media_type in content:
            return media_type
        major = media_type.split("/")[0]
        for candidate in (f"{major}/*", "*/*"):
            if candidate in content:
                return candidate
        return None
