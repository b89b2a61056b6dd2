"""The spec (read by ``chainhub_aigc._spec``) turned into what the mock needs at request time.

Everything the mock knows about the API comes from the OpenAPI document: its paths and
methods (the routes), operationIds (which handler answers), security (which routes need the
bearer token), parameters and request bodies (validators), and the response schemas (which
request fields are echoed back, and how they are spelled). Change the spec and the mock
follows; nothing here names a path or a field.

OpenAPI 3.0 schemas are not JSON Schema, so each is converted before jsonschema-rs compiles
it (draft 2020-12): `nullable: true` adds "null" to the type (or wraps a type-less schema in
an anyOf with null); `$ref: '#/components/schemas/X'` becomes `#/$defs/X` with every
component schema converted under `$defs` (so recursive schemas work); boolean
`exclusiveMinimum`/`exclusiveMaximum` become numbers; `x-*`, `example`, `discriminator` and
other annotation-only keywords are dropped; `format` is checked: the formats jsonschema-rs
knows (date-time, uri, email, ...) by it, and OpenAPI's integer formats (int32, int64) as the
range bounds they mean. Validators are compiled once; a request
costs one `is_valid` call (about a microsecond) and, only when it fails, one `iter_errors`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

# Loading and $ref resolution are the SDK's (one reader for both); re-exported for the mock.
from chainhub_aigc._spec import (
    JSON,
    SpecError,
    load_spec,
    operation_rate_limit,
    pointer,
    resolve,
    spec_operations,
)

__all__ = [
    "JSON",
    "Operation",
    "Parameter",
    "SpecError",
    "array_items",
    "compile_schema",
    "json_schema_root",
    "load_spec",
    "object_properties",
    "operations",
    "pointer",
    "resolve",
    "route_path",
    "to_json_schema",
]

# Annotation-only or OpenAPI-only keywords: not part of JSON Schema validation.
_DROPPED_KEYWORDS = frozenset(
    {"example", "examples", "discriminator", "xml", "externalDocs", "deprecated", "nullable"}
)
# Keywords whose value is a map of name -> schema (the names are data, never dropped).
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
# Keywords whose value is data, not a schema: copied as is.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "required", "type", "format", "pattern"})
# OpenAPI's integer formats are exact ranges. (`float` and `double` are precision hints: a
# JSON number out of their range is still a number, as schemathesis and the generator read
# it; JSON's own limit, no Infinity, is enforced when the body is parsed.)
_INTEGER_FORMATS: dict[str, tuple[int, int]] = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
_BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_SCHEMA_REF = "#/components/schemas/"


# --- OpenAPI 3.0 schema -> JSON Schema 2020-12 --------------------------------------------


def to_json_schema(spec: dict[str, Any], node: JSON, _depth: int = 0) -> JSON:
    """Convert one OpenAPI 3.0 schema (component refs become `#/$defs/...`)."""
    if _depth > 200:
        raise SpecError("schema nesting is too deep (a reference cycle outside components?)")
    if isinstance(node, list):
        return [to_json_schema(spec, item, _depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in _DROPPED_KEYWORDS:
            continue
        if key == "$ref":
            if not isinstance(value, str):
                raise SpecError(f"$ref must be a string, not {value!r}")
            if value.startswith(_SCHEMA_REF):
                pointer(spec, value)  # fail at start-up, not per request
                out["$ref"] = "#/$defs/" + value[len(_SCHEMA_REF) :]
            else:  # a schema elsewhere in the document: inline it
                out.update(to_json_schema(spec, pointer(spec, value), _depth + 1))
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: to_json_schema(spec, sub, _depth + 1) for name, sub in value.items()}
        elif key in _DATA_KEYWORDS:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = to_json_schema(spec, value, _depth + 1)
    for bound in ("Minimum", "Maximum"):
        exclusive, plain = "exclusive" + bound, bound.lower()
        if out.get(exclusive) is True and plain in out:
            out[exclusive] = out.pop(plain)
        elif isinstance(out.get(exclusive), bool):
            del out[exclusive]
    fmt = out.get("format")
    if fmt in _INTEGER_FORMATS:
        low, high = _INTEGER_FORMATS[fmt]
        out["minimum"] = max(out.get("minimum", low), low)
        out["maximum"] = min(out.get("maximum", high), high)
    elif fmt == "byte":
        out.setdefault("pattern", _BASE64)
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        elif isinstance(kind, list):
            out["type"] = [*kind, "null"] if "null" not in kind else kind
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def json_schema_root(spec: dict[str, Any], node: JSON) -> dict[str, Any]:
    """A self-contained JSON Schema for `node`: the component schemas go under `$defs`."""
    converted = to_json_schema(spec, node)
    if not isinstance(converted, dict):
        converted = {} if converted is True else {"not": {}}
    components = spec.get("components", {}).get("schemas", {}) or {}
    root: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    root["$defs"] = {name: to_json_schema(spec, schema) for name, schema in components.items()}
    root.update(converted)
    return root


def compile_schema(spec: dict[str, Any], node: JSON) -> jsonschema_rs.Validator:
    try:
        return jsonschema_rs.Draft202012Validator(
            json_schema_root(spec, node), validate_formats=True, ignore_unknown_formats=True
        )
    except (ValueError, jsonschema_rs.ReferencingError) as exc:
        raise SpecError(f"a schema does not compile: {exc}") from exc


# --- reading response schemas (for the echo of a request into a task) ----------------------


def object_properties(spec: dict[str, Any], node: JSON) -> dict[str, JSON]:
    """The properties an object schema may have, through $ref, allOf, anyOf and oneOf."""
    node = resolve(spec, node)
    if not isinstance(node, dict):
        return {}
    found: dict[str, JSON] = {}
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in node.get(keyword, ()) or ():
            for name, sub in object_properties(spec, member).items():
                found.setdefault(name, sub)
    found.update(node.get("properties", {}) or {})
    return found


def array_items(spec: dict[str, Any], node: JSON) -> JSON | None:
    """The item schema of an array schema (through $ref, allOf, anyOf, oneOf), else None."""
    node = resolve(spec, node)
    if not isinstance(node, dict):
        return None
    if node.get("type") == "array" or "items" in node:
        return node.get("items", {})
    for keyword in ("allOf", "anyOf", "oneOf"):
        for member in node.get(keyword, ()) or ():
            items = array_items(spec, member)
            if items is not None:
                return items
    return None


# --- operations ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path, query or header
    required: bool
    kind: str | None  # the schema's type, to read "12" as 12 before validating
    validator: jsonschema_rs.Validator


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the spec's path template
    parameters: tuple[Parameter, ...]
    secured: bool  # the bearer token is required
    body_required: bool
    body_media_types: frozenset[str]  # empty: the operation takes no body
    body_schema: JSON | None  # the OpenAPI schema of the JSON body (for echo plans)
    body_validator: jsonschema_rs.Validator | None
    responses: dict[str, JSON]  # status -> response object (refs resolved)
    rate_bucket: str  # the rate limit it spends (x-rate-limit, as the SDK's operation table)


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    default_security = spec.get("security", [])
    for path, method, op, parameters in spec_operations(spec):
        yield _operation(spec, path, method, op, parameters, default_security)


def _operation(
    spec: dict[str, Any],
    path: str,
    method: str,
    op: Mapping[str, Any],
    merged: list[Mapping[str, Any]],
    default_security: list[Any],
) -> Operation:
    parameters = []
    for param in merged:
        name, location = param["name"], param["in"]
        if location not in ("path", "query", "header"):
            continue  # cookies: nothing to check in this API
        schema = param.get("schema", {})
        resolved = resolve(spec, schema)
        kind = resolved.get("type") if isinstance(resolved, dict) else None
        parameters.append(
            Parameter(
                name=name if location != "header" else name.lower(),
                location=location,
                required=bool(param.get("required")) or location == "path",
                kind=kind if isinstance(kind, str) else None,
                validator=compile_schema(spec, schema),
            )
        )
    body = resolve(spec, op.get("requestBody")) or {}
    content = body.get("content", {}) or {}
    json_types = [media for media in content if _is_json(media)]
    body_schema = content[json_types[0]].get("schema", {}) if json_types else None
    security = op.get("security", default_security) or []
    responses = {str(code): resolve(spec, value) for code, value in op.get("responses", {}).items()}
    return Operation(
        operation_id=op["operationId"],
        method=method.upper(),
        path=path,
        parameters=tuple(parameters),
        secured=bool(security) and {} not in security,
        body_required=bool(body.get("required")),
        body_media_types=frozenset(media.lower() for media in content),
        body_schema=body_schema,
        body_validator=compile_schema(spec, body_schema) if body_schema is not None else None,
        responses=responses,
        rate_bucket=operation_rate_limit(op)[0],
    )


def _is_json(media: str) -> bool:
    media = media.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


_TEMPLATE = re.compile(r"\{([^{}]+)\}")


def route_path(path: str) -> tuple[str, dict[str, str]]:
    """A Starlette path for a spec path, with safe parameter names, and the name mapping."""
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        safe = f"p{len(names)}"
        names[safe] = match.group(1)
        return "{" + safe + "}"

    if not path.startswith("/"):
        raise SpecError(f"path {path!r} does not start with /")
    return _TEMPLATE.sub(rename, path), names
