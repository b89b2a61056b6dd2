"""Every request field of every create operation, walked from the packaged spec, with a valid
value and a value of the wrong type for each (shared by the surface tests)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from chainhub_aigc_client.sdk_params import OPERATION_PARAMS

from chainhub_aigc._spec import load_spec

ITEM = "[]"  # a path step into the items of an array
SCHEMA_REF = "#/components/schemas/"


def resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = load_spec()
    while "$ref" in node:
        target: Any = spec
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def merged(node: Mapping[str, Any]) -> dict[str, Any]:
    """`node` resolved, with its allOf parts (the named enums) merged under it."""
    resolved = resolve(node)
    out: dict[str, Any] = {}
    for part in resolved.get("allOf", ()):
        out.update(merged(part))
    out.update({k: v for k, v in resolved.items() if k != "allOf"})
    return out


def ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref.removeprefix(SCHEMA_REF) if isinstance(ref, str) else None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    schema: Mapping[str, Any]


def operations() -> list[Operation]:
    """The operations with typed params (the creates), from the generated mapping."""
    found = []
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId") in OPERATION_PARAMS:
                body = resolve(op["requestBody"])["content"]["application/json"]["schema"]
                found.append(Operation(op["operationId"], method, path, resolve(body)))
    assert {op.operation_id for op in found} == set(OPERATION_PARAMS)
    return found


@dataclass(frozen=True)
class Field:
    """A leaf request field: `path` inside the body (`[]` steps into an array's items)."""

    operation: Operation
    path: tuple[str, ...]
    schema: Mapping[str, Any]
    containers: tuple[str | None, ...]
    """The component name of the object holding each step's field (None at the top)."""

    @property
    def id(self) -> str:
        return f"{self.operation.operation_id}:{'.'.join(self.path)}"

    @property
    def kind(self) -> str:
        return str(self.schema.get("type"))


def fields() -> Iterator[Field]:
    for op in operations():
        yield from _walk(op, op.schema, (), ())


def _walk(
    op: Operation,
    schema: Mapping[str, Any],
    path: tuple[str, ...],
    containers: tuple[str | None, ...],
) -> Iterator[Field]:
    for name, prop in schema.get("properties", {}).items():
        field_schema = merged(prop)
        if field_schema.get("type") == "object" and "properties" in field_schema:
            yield from _walk(op, field_schema, (*path, name), (*containers, ref_name(prop)))
            continue
        items = field_schema.get("items", {})
        item_schema = merged(items) if field_schema.get("type") == "array" else {}
        if item_schema.get("type") == "object" and "properties" in item_schema:
            yield from _walk(op, item_schema, (*path, name, ITEM), (*containers, ref_name(items)))
            continue
        yield Field(op, (*path, name), field_schema, containers)


def valid_value(schema: Mapping[str, Any]) -> Any:
    """A value the schema accepts (a small one inside every limit)."""
    if "enum" in schema:
        return schema["enum"][-1]
    kind = schema.get("type")
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength", 1)))
    if kind in ("integer", "number"):
        target = 1 if kind == "integer" else 1.5
        value = min(max(target, schema.get("minimum", target)), schema.get("maximum", target))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "array":
        return [valid_value(merged(schema.get("items", {})))]
    return {}


def wrong_value(schema: Mapping[str, Any]) -> Any:
    """A value of the wrong JSON type for the schema."""
    return 12345 if schema.get("type") == "string" else "not-a-number-or-list"


def body_with(field: Field, value: Any) -> dict[str, Any]:
    """The smallest valid body (required fields set) with `value` at the field's path."""
    body = minimal(field.operation.schema)
    node: Any = body
    steps = field.path
    for index, step in enumerate(steps[:-1]):
        following = steps[index + 1]
        if step == ITEM:
            continue
        if following == ITEM:
            item_schema = merged(_schema_at(field.operation.schema, steps[: index + 2]))
            node = node.setdefault(step, [minimal(item_schema)])[0]
        else:
            node = node.setdefault(step, {})
    node[steps[-1]] = value
    return body


def _schema_at(schema: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any]:
    for step in path:
        schema = merged(schema)
        schema = schema["items"] if step == ITEM else schema["properties"][step]
    return schema


def minimal(schema: Mapping[str, Any]) -> dict[str, Any]:
    """An object with only its required fields, each at a valid value."""
    schema = merged(schema)
    return {
        name: valid_value(merged(schema["properties"][name])) for name in schema.get("required", ())
    }


def value_at(body: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = body
    for step in path:
        node = node[0] if step == ITEM else node[step]
    return node


# The SDK resource and the CLI command of each create operation (a new create operation fails
# the surface tests until it is given both).
RESOURCES = {"createImageTask": "images", "createVideoTask": "videos"}
COMMANDS = {"createImageTask": "image", "createVideoTask": "video"}

FIELDS = list(fields())
