"""Answers for the operations the mock has no behaviour for, built from the spec at start-up.

An operation without a handler still gets the whole pipeline (auth, faults, validation) and
then its documented success: the lowest 2xx response of the spec, with the media type's
example (or the schema's), else a body synthesized from the schema: required properties,
an enum's first value, formats respected (date-time, date, uri, uuid, email, byte, int32...),
lengths and bounds met. A candidate is kept only if it validates against the response schema;
an example that does not falls back to synthesis. So a read-only operation added to the spec
is served at once, never with a 501.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from chainhub_aigc.mock.spec import JSON, compile_schema, resolve

_MAX_DEPTH = 12
_FORMATS: dict[str, str] = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uri-reference": "/",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "byte": "",
}


@dataclass(frozen=True, slots=True)
class CannedAnswer:
    """What an operation without behaviour answers: a status and a JSON body (or none)."""

    status: int
    body: JSON | None
    """None: the response has no JSON content."""


def canned_answer(spec: dict[str, Any], responses: dict[str, JSON]) -> CannedAnswer:
    """The documented success of an operation, from its ``responses`` (refs resolved)."""
    status, response = _success(responses)
    content = response.get("content") if isinstance(response, dict) else None
    media = _json_media(content) if isinstance(content, dict) else None
    if media is None:
        return CannedAnswer(status, None)
    schema = media.get("schema", {})
    validator = compile_schema(spec, schema)
    candidates: list[JSON] = []
    if "example" in media:
        candidates.append(media["example"])
    for example in (media.get("examples") or {}).values():
        example = resolve(spec, example)
        if isinstance(example, dict) and "value" in example:
            candidates.append(example["value"])
    resolved = resolve(spec, schema)
    if isinstance(resolved, dict) and "example" in resolved:
        candidates.append(resolved["example"])
    candidates.append(synthesize(spec, schema, use_examples=True))
    candidates.append(synthesize(spec, schema, use_examples=False))
    for candidate in candidates:
        if validator.is_valid(candidate):
            return CannedAnswer(status, copy.deepcopy(candidate))
    return CannedAnswer(status, candidates[-1])  # the best effort: the schema is unsatisfiable


def _success(responses: dict[str, JSON]) -> tuple[int, JSON]:
    codes = sorted(code for code in responses if code.isdigit() and code.startswith("2"))
    if codes:
        return int(codes[0]), responses[codes[0]]
    for key in ("2XX", "2xx", "default"):
        if key in responses:
            return 200, responses[key]
    return 200, {}


def _json_media(content: dict[str, Any]) -> dict[str, Any] | None:
    for media, value in content.items():
        name = media.split(";")[0].strip().lower()
        if (name == "application/json" or name.endswith("+json")) and isinstance(value, dict):
            return value
    return None


def synthesize(spec: dict[str, Any], schema: JSON, *, use_examples: bool, depth: int = 0) -> JSON:
    """A small value valid against ``schema`` (OpenAPI 3.0), for the keywords APIs use."""
    node = resolve(spec, schema)
    if not isinstance(node, dict) or depth > _MAX_DEPTH:
        return None
    if use_examples and "example" in node:
        return copy.deepcopy(node["example"])
    if node.get("enum"):
        return copy.deepcopy(node["enum"][0])
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for member in node["allOf"]:
            value = synthesize(spec, member, use_examples=use_examples, depth=depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None:
                return value
        rest = {k: v for k, v in node.items() if k != "allOf"}
        extra = synthesize(spec, rest, use_examples=use_examples, depth=depth + 1) if rest else None
        if isinstance(extra, dict):
            merged.update(extra)
        return merged
    for keyword in ("oneOf", "anyOf"):
        if keyword in node:
            for member in node[keyword]:
                value = synthesize(spec, member, use_examples=use_examples, depth=depth + 1)
                if value is not None:
                    return value
            return None
    kind = node.get("type")
    if kind is None:
        kind = "object" if "properties" in node else None
    if kind == "object":
        properties: dict[str, Any] = node.get("properties") or {}
        return {
            name: synthesize(
                spec, properties.get(name, {}), use_examples=use_examples, depth=depth + 1
            )
            for name in node.get("required") or ()
        }
    if kind == "array":
        item = synthesize(spec, node.get("items", {}), use_examples=use_examples, depth=depth + 1)
        return [copy.deepcopy(item) for _ in range(int(node.get("minItems", 0)))]
    if kind == "string":
        return _string(node)
    if kind in ("integer", "number"):
        return _number(node, kind)
    if kind == "boolean":
        return False
    return None


def _string(node: dict[str, Any]) -> str:
    text = _FORMATS.get(str(node.get("format", "")), "")
    low, high = int(node.get("minLength", 0)), node.get("maxLength")
    if len(text) < low:
        text += "a" * (low - len(text))
    if high is not None and len(text) > int(high):
        text = text[: int(high)]
    return text


def _number(node: dict[str, Any], kind: str) -> int | float:
    low, high = node.get("minimum"), node.get("maximum")
    value: float = 0
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    if node.get("exclusiveMinimum") is True and low is not None and value <= low:
        value = low + 1
    if node.get("exclusiveMaximum") is True and high is not None and value >= high:
        value = high - 1
    step = node.get("multipleOf")
    if step:
        value = (value // step + (1 if value % step else 0)) * step
    return int(value) if kind == "integer" else float(value)
