"""Request checks derived from the spec, run before anything is sent.

The limits and value sets (``session_id`` at most 50 characters, ``tasks_priority`` -10..10,
``Switch`` = Enabled/Disabled, ...) live in the spec's request schemas; this module reads them
from the packaged spec instead of copying them, so an overlay that changes a limit changes the
SDK with it. It is a small validator over exactly the JSON Schema keywords the request schemas
use (:data:`HANDLED_KEYWORDS`); ``tests/client/test_validation.py`` fails if a request schema
starts using a keyword outside :data:`HANDLED_KEYWORDS` | :data:`ANNOTATION_KEYWORDS`, so
nothing is ever skipped silently. (jsonschema is not a runtime dependency, and the generated
models enforce no limits.)

One rule is the SDK's, not JSON Schema's: a property the spec does not declare is rejected
(``unknown field``) unless the schema says ``additionalProperties``; it is almost always a
typo. Pass ``extra_body=`` to send undeclared fields anyway.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._spec import packaged_spec, resolve, spec_operations
from .errors import RequestValidationError

HANDLED_KEYWORDS = frozenset(
    {
        "$ref",
        "allOf",
        "type",
        "format",
        "nullable",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    }
)
ANNOTATION_KEYWORDS = frozenset(
    {"description", "example", "examples", "title", "default", "deprecated", "externalDocs"}
)

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "an object",
}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


class SpecValidator:
    """Validates plain request data against schemas of an OpenAPI 3.0 document."""

    def __init__(self, spec: Mapping[str, Any], *, unknown_fields: bool = False) -> None:
        self._spec = spec
        self._unknown_fields = unknown_fields  # True: undeclared properties pass (generic calls)
        self._schemas: dict[tuple[str, str], Mapping[str, Any]] = {}

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        resolved: Mapping[str, Any] = resolve(self._spec, schema)
        return resolved

    def operation(self, operation_id: str) -> Mapping[str, Any]:
        for _, method, op, parameters in spec_operations(self._spec):
            if op.get("operationId") == operation_id:
                return {**op, "method": method, "parameters": parameters}
        raise KeyError(f"no operation {operation_id!r} in the spec")

    def request_schema(self, operation_id: str) -> Mapping[str, Any]:
        key = (operation_id, "")
        if key not in self._schemas:  # found once: a create must not walk the spec's paths
            body = self.operation(operation_id)["requestBody"]
            schema = self.resolve(self.resolve(body)["content"]["application/json"]["schema"])
            self._schemas[key] = schema
        return self._schemas[key]

    def parameter_schema(self, operation_id: str, name: str) -> Mapping[str, Any]:
        key = (operation_id, name)
        if key not in self._schemas:
            for param in self.operation(operation_id).get("parameters", []):
                param = self.resolve(param)
                if param.get("name") == name:
                    self._schemas[key] = self.resolve(param["schema"])
                    break
            else:
                raise KeyError(f"operation {operation_id!r} has no parameter {name!r}")
        return self._schemas[key]

    # -- validation ------------------------------------------------------------------------

    def errors(self, schema: Mapping[str, Any], value: Any, path: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        self._check(schema, value, path, found)
        unique: list[tuple[str, str]] = []
        for item in found:  # allOf branches may report the same fact twice
            if item not in unique:
                unique.append(item)
        return unique

    def _check(
        self, schema: Mapping[str, Any], value: Any, path: str, out: list[tuple[str, str]]
    ) -> None:
        schema = self.resolve(schema)
        for sub in schema.get("allOf", ()):
            self._check(sub, value, path, out)
        if value is None:
            if not schema.get("nullable", False) and ("type" in schema or "enum" in schema):
                out.append((path, "must not be null"))
            return
        kind = schema.get("type")
        if kind is not None and not self._type_ok(kind, value):
            out.append((path, f"not {_TYPE_NAMES.get(kind, kind)} (got {type(value).__name__})"))
            return  # the other keywords of this schema assume the type
        if "enum" in schema:
            allowed = schema["enum"]
            # str() admits the generated StrEnum members; type() keeps True from matching 1.
            ok = any(
                str(value) == option
                if isinstance(value, str)
                else type(value) is type(option) and value == option
                for option in allowed
            )
            if not ok:
                out.append((path, "not one of " + ", ".join(str(a) for a in allowed)))
        if isinstance(value, str):
            self._check_string(schema, value, path, out)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self._check_number(schema, value, path, out)
        elif isinstance(value, Mapping):
            self._check_object(schema, value, path, out)
        elif isinstance(value, list | tuple):
            self._check_array(schema, value, path, out)

    @staticmethod
    def _type_ok(kind: str, value: Any) -> bool:
        if kind == "string":
            return isinstance(value, str)
        if kind == "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "number":
            return (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
        if kind == "boolean":
            return isinstance(value, bool)
        if kind == "array":
            return isinstance(value, list | tuple)
        if kind == "object":
            return isinstance(value, Mapping)
        raise ValueError(f"unsupported schema type {kind!r}")

    @staticmethod
    def _check_string(
        schema: Mapping[str, Any], value: str, path: str, out: list[tuple[str, str]]
    ) -> None:
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append((path, f"longer than {schema['maxLength']} characters"))
        if "minLength" in schema and len(value) < schema["minLength"]:
            minimum = schema["minLength"]
            out.append((path, "empty" if minimum == 1 else f"shorter than {minimum} characters"))
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            out.append((path, f"does not match {schema['pattern']}"))

    @staticmethod
    def _check_number(
        schema: Mapping[str, Any], value: float, path: str, out: list[tuple[str, str]]
    ) -> None:
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low = bool(schema.get("exclusiveMinimum", False))
        ex_high = bool(schema.get("exclusiveMaximum", False))
        too_low = low is not None and (value <= low if ex_low else value < low)
        too_high = high is not None and (value >= high if ex_high else value > high)
        if too_low or too_high:
            if low is not None and high is not None:
                lo = f"({_num(low)}" if ex_low else _num(low)
                hi = f"{_num(high)})" if ex_high else _num(high)
                out.append((path, f"outside {lo}..{hi}"))
            elif low is not None:
                out.append((path, f"{'not greater than' if ex_low else 'less than'} {_num(low)}"))
            elif high is not None:
                out.append((path, f"{'not less than' if ex_high else 'greater than'} {_num(high)}"))
        fmt = schema.get("format")
        if fmt in ("int32", "int64") and isinstance(value, int):
            lo32, hi32 = _INT32 if fmt == "int32" else _INT64
            if not lo32 <= value <= hi32:
                out.append((path, f"outside the {fmt} range"))
        step = schema.get("multipleOf")
        if step and not math.isclose(value / step, round(value / step), abs_tol=1e-9):
            out.append((path, f"not a multiple of {_num(step)}"))

    def _check_object(
        self,
        schema: Mapping[str, Any],
        value: Mapping[str, Any],
        path: str,
        out: list[tuple[str, str]],
    ) -> None:
        properties: Mapping[str, Any] = schema.get("properties", {})
        if "properties" not in schema and "additionalProperties" not in schema:
            return  # a free-form object
        prefix = f"{path}." if path else ""
        for name in schema.get("required", ()):
            if name not in value:
                out.append((prefix + name, "missing (required)"))
        extra = schema.get("additionalProperties", False)
        for key, item in value.items():
            key_path = prefix + str(key)
            if key in properties:
                self._check(properties[key], item, key_path, out)
            elif extra is True or self._unknown_fields:
                continue
            elif isinstance(extra, Mapping):
                self._check(extra, item, key_path, out)
            else:
                known = ", ".join(properties)
                out.append((key_path, f"unknown field (known fields: {known})"))

    def _check_array(
        self,
        schema: Mapping[str, Any],
        value: Sequence[Any],
        path: str,
        out: list[tuple[str, str]],
    ) -> None:
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append((path, f"more than {schema['maxItems']} items"))
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append((path, f"fewer than {schema['minItems']} items"))
        if schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            out.append((path, "items are not unique"))
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                self._check(items, item, f"{path}[{index}]", out)


@functools.cache
def spec_validator() -> SpecValidator:
    return SpecValidator(packaged_spec())


def validate_request(operation_id: str, body: Mapping[str, Any]) -> None:
    """Raise :class:`RequestValidationError` if ``body`` breaks the operation's request schema."""
    validator = spec_validator()
    found = validator.errors(validator.request_schema(operation_id), body, "")
    if found:
        raise RequestValidationError(found)


def validate_parameter(operation_id: str, name: str, value: Any) -> None:
    """Raise :class:`RequestValidationError` if a path parameter breaks its schema."""
    validator = spec_validator()
    found = validator.errors(validator.parameter_schema(operation_id, name), value, name)
    if found:
        raise RequestValidationError(found)
