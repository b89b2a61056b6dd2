"""The contract diff of two OpenAPI 3.0 documents, each change marked breaking or compatible.

    python scripts/spec_diff.py OLD.yaml NEW.yaml [--fail-on-breaking] [--json]

One line per change, in a stable order, then a summary line:

    compatible  added     createImageTask request seed: integer
    breaking    removed   getTask response Response.AigcVideoTask.Output.FileInfos[].Usage
    breaking    enum      createImageTask request output_config.storage_mode: removed "Cold"

Exit 0; with --fail-on-breaking, exit 1 when any change is breaking (for a user's CI). Exit 2
when a document cannot be read.

What is compared: operations (by method and path; a changed operationId counts, since the
generated function is named after it); path and query parameters; request body fields and the
fields of every 2XX response, by walking $ref, allOf, anyOf/oneOf, items and nested
properties, named by a readable path (`output_config.duration`, `FileInfos[].Usage`); for each
field its type (with nullable), enum, whether it is required, and its limits (minimum, maximum,
exclusive bounds, minLength, maxLength, minItems, maxItems, pattern, multipleOf). Other
responses (errors) are compared by status code only. Descriptions, examples and x-* extensions
are not part of the contract.

Breaking, from a client's point of view (everything else is compatible): a removed operation
or changed operationId; a removed response field; a new required request field or parameter
(under a parent the client already sends), an optional one become required; a request type
narrowed (any change but integer -> number or gaining nullable); a request enum that lost a
value or was closed; a request limit tightened; a response enum that gained a value or was
opened (a client with the closed set rejects the new value); a response type widened (any
change but number -> integer or losing nullable); a response field that became optional.

Why not a library: the maintained OpenAPI diff tools are not Python (oasdiff and
openapi-changes are Go programs, api-smart-diff is Node); the Python ones on PyPI either compare
paths and parameters only (api-diff-sentinel), or skip anyOf, enums and limits, treat request
and response alike and read YAML 1.1 through PyYAML, which turns `16:9` into 969
(api-schema-diff), or list field names without types (openapi-lens). This module is small and
reads YAML 1.2 through the pipeline's own loader.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruamel.yaml.error import YAMLError

from scripts.overlay import load_yaml

Marker = Literal["breaking", "compatible"]
Side = Literal["request", "response"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Lower is tighter for the first group, higher is tighter for the second.
_UPPER_LIMITS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems")
_LOWER_LIMITS = ("minimum", "exclusiveMinimum", "minLength", "minItems")
LIMIT_KEYWORDS = (*_LOWER_LIMITS, *_UPPER_LIMITS, "pattern", "multipleOf")
_MAX_DEPTH = 32  # a recursive schema is walked this deep, no deeper


@dataclass(frozen=True, order=True)
class Change:
    """One line of the diff; `subject` names the operation, side and field."""

    subject: str
    kind: str  # operation, added, removed, type, enum, required, limit, response
    detail: str
    marker: Marker = field(compare=False)

    def line(self) -> str:
        text = f"{self.marker:<11} {self.kind:<9} {self.subject}"
        return f"{text}: {self.detail}" if self.detail else text

    def as_json(self) -> dict[str, str]:
        return {
            "marker": self.marker,
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
        }


@dataclass
class Facts:
    """What the contract says about one field (merged over allOf/anyOf/oneOf branches)."""

    types: frozenset[str]  # JSON types, "null" included when nullable; empty: any value
    enum: frozenset[str] | None  # JSON texts of the allowed values; None: open
    required: bool  # required in its parent object
    limits: dict[str, Any]


# -- walking a spec ----------------------------------------------------------------------------


class _Walker:
    """Flattens schemas into {field path: Facts}, following local $refs."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec

    def resolve(self, node: Any, seen: tuple[str, ...] = ()) -> tuple[Any, tuple[str, ...]]:
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}, seen
            seen = (*seen, ref)
            target: Any = self.spec
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, Mapping) else {}
            node = target
        return node, seen

    def branches(self, node: Any, seen: tuple[str, ...]) -> list[tuple[Any, tuple[str, ...]]]:
        """The schema itself and every allOf/anyOf/oneOf branch below it, resolved."""
        node, seen = self.resolve(node, seen)
        if not isinstance(node, Mapping):
            return []
        found = [(node, seen)]
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or ():
                found += self.branches(sub, seen)
        return found

    def facts(self, node: Any, seen: tuple[str, ...], required: bool) -> Facts:
        branches = self.branches(node, seen)
        types: set[str] = set()
        enums: list[frozenset[str] | None] = []
        limits: dict[str, Any] = {}
        for schema, _ in branches:
            values = schema.get("enum")
            if isinstance(values, list) and values == [None]:
                types.add("null")  # a null branch (the NullValue pattern) adds null only
                continue
            kind = schema.get("type")
            if isinstance(kind, str):
                types.add(kind)
            elif "properties" in schema:
                types.add("object")
            elif "items" in schema:
                types.add("array")
            if schema.get("nullable") is True:
                types.add("null")
            if isinstance(values, list):
                enums.append(frozenset(json.dumps(v, sort_keys=True) for v in values))
            elif isinstance(kind, str) or "properties" in schema or "items" in schema:
                enums.append(None)  # a typed branch without an enum: the field is open
            for keyword in LIMIT_KEYWORDS:
                if keyword in schema and not isinstance(schema[keyword], bool):
                    limits[keyword] = schema[keyword]
        enum: frozenset[str] | None = None
        if enums and all(e is not None for e in enums):
            enum = frozenset().union(*(e for e in enums if e is not None))
        return Facts(frozenset(types), enum, required, limits)

    def fields(self, node: Any, prefix: str = "") -> dict[str, Facts]:
        """{"": facts of the root, "a.b": ..., "items[]": ...} for one schema."""
        out: dict[str, Facts] = {}
        self._walk(node, (), prefix, True, out, 0)
        return out

    def _walk(
        self,
        node: Any,
        seen: tuple[str, ...],
        path: str,
        required: bool,
        out: dict[str, Facts],
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            return
        out[path] = self.facts(node, seen, required)
        properties: dict[str, list[tuple[Any, tuple[str, ...]]]] = {}
        required_names: set[str] = set()
        items: list[tuple[Any, tuple[str, ...]]] = []
        for schema, branch_seen in self.branches(node, seen):
            for name, sub in (schema.get("properties") or {}).items():
                properties.setdefault(str(name), []).append((sub, branch_seen))
            required_names.update(str(n) for n in schema.get("required") or ())
            if isinstance(schema.get("items"), Mapping):
                items.append((schema["items"], branch_seen))
        for name in properties:
            child = f"{path}.{name}" if path else name
            # Several branches may declare one property: merge them as one anyOf.
            subs = properties[name]
            sub_node = subs[0][0] if len(subs) == 1 else {"anyOf": [s for s, _ in subs]}
            self._walk(sub_node, subs[0][1], child, name in required_names, out, depth + 1)
        if items:
            sub_node = items[0][0] if len(items) == 1 else {"anyOf": [s for s, _ in items]}
            self._walk(sub_node, items[0][1], f"{path}[]", True, out, depth + 1)


@dataclass
class Operation:
    name: str  # the operationId, else "METHOD /path"
    operation_id: str | None
    parameters: dict[str, Facts]  # "path task_id" -> facts
    request: dict[str, Facts] | None
    responses: dict[str, dict[str, Facts] | None]  # status -> fields (2XX only), else None


def operations(spec: Mapping[str, Any]) -> dict[str, Operation]:
    """Every operation of the spec, keyed by "METHOD /path"."""
    walker = _Walker(spec)
    found: dict[str, Operation] = {}
    for path, item in (spec.get("paths") or {}).items():
        item, _ = walker.resolve(item)
        shared = item.get("parameters") or []
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            key = f"{method.upper()} {path}"
            parameters: dict[str, Facts] = {}
            for raw in [*shared, *(op.get("parameters") or [])]:
                parameter, seen = walker.resolve(raw)
                if not isinstance(parameter, Mapping) or parameter.get("in") == "header":
                    continue  # headers (auth, content type) are the transport's business
                name = f"{parameter.get('in')} {parameter.get('name')}"
                parameters[name] = walker.facts(
                    parameter.get("schema") or {}, seen, parameter.get("required") is True
                )
            body, seen = walker.resolve(op.get("requestBody"))
            request = None
            if isinstance(body, Mapping) and body:
                schema = _json_schema(body)
                request = walker.fields(schema) if schema is not None else {}
                request[""] = _with_required(request.get(""), body.get("required") is True)
            responses: dict[str, dict[str, Facts] | None] = {}
            for status, raw in (op.get("responses") or {}).items():
                response, _ = walker.resolve(raw)
                schema = _json_schema(response) if isinstance(response, Mapping) else None
                success = str(status).startswith("2")
                responses[str(status)] = walker.fields(schema) if success and schema else None
            operation_id = op.get("operationId")
            found[key] = Operation(
                name=str(operation_id) if operation_id else key,
                operation_id=str(operation_id) if operation_id else None,
                parameters=parameters,
                request=request,
                responses=responses,
            )
    return found


def _json_schema(holder: Mapping[str, Any]) -> Any:
    content = holder.get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return media.get("schema") if isinstance(media, Mapping) else None


def _with_required(facts: Facts | None, required: bool) -> Facts:
    if facts is None:
        return Facts(frozenset(), None, required, {})
    return Facts(facts.types, facts.enum, required, facts.limits)


# -- comparing ---------------------------------------------------------------------------------


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Every contract change from `old` to `new`, sorted."""
    before, after = operations(old), operations(new)
    changes: list[Change] = []
    for key in sorted(set(before) - set(after)):
        changes.append(Change(before[key].name, "operation", f"removed ({key})", "breaking"))
    for key in sorted(set(after) - set(before)):
        changes.append(Change(after[key].name, "operation", f"added ({key})", "compatible"))
    for key in sorted(set(before) & set(after)):
        changes += _operation_changes(key, before[key], after[key])
    return sorted(changes)


def _operation_changes(key: str, old: Operation, new: Operation) -> Iterator[Change]:
    name = new.name
    if old.operation_id != new.operation_id:
        yield Change(
            name,
            "operation",
            f"operationId {old.operation_id} -> {new.operation_id} ({key}): generated names change",
            "breaking",
        )
    yield from _fields(f"{name} parameter", old.parameters, new.parameters, "request", "")
    if old.request is not None or new.request is not None:
        yield from _fields(f"{name} request", old.request or {}, new.request or {}, "request", "")
    for status in sorted(set(old.responses) | set(new.responses)):
        if status not in new.responses:
            yield Change(f"{name} response {status}", "response", "removed", "compatible")
        elif status not in old.responses:
            yield Change(f"{name} response {status}", "response", "added", "compatible")
        else:
            label = f"{name} response" if status == "200" else f"{name} response {status}"
            yield from _fields(
                label, old.responses[status] or {}, new.responses[status] or {}, "response", ""
            )


def _parent_of(path: str) -> str:
    if path.endswith("[]"):
        return path[:-2]
    return path.rsplit(".", 1)[0] if "." in path else ""


def _fields(
    label: str, old: dict[str, Facts], new: dict[str, Facts], side: Side, root: str
) -> Iterator[Change]:
    def subject(path: str) -> str:
        return f"{label} {path}" if path else f"{label} (body)"

    def under(path: str, paths: set[str]) -> bool:
        """True when an ancestor of `path` is in `paths` (it is reported instead)."""
        while path:
            path = _parent_of(path)
            if path in paths:
                return True
            if not path:
                return False
        return False

    removed = set(old) - set(new)
    added = set(new) - set(old)
    for path in sorted(removed):
        if under(path, removed):
            continue
        marker: Marker = "breaking" if side == "response" else "compatible"
        yield Change(subject(path), "removed", "", marker)
    for path in sorted(added):
        if under(path, added):
            continue
        facts = new[path]
        parent = _parent_of(path)
        # Required under a parent the client already sends (parameters have no parent entry).
        sent = path == "" or parent in old or (parent == "" and "" not in new)
        breaking = side == "request" and facts.required and sent
        what = _describe(facts) + (", required" if facts.required and side == "request" else "")
        yield Change(subject(path), "added", what, "breaking" if breaking else "compatible")
    for path in sorted(set(old) & set(new)):
        yield from _compare(subject(path), old[path], new[path], side)


def _describe(facts: Facts) -> str:
    text = _types(facts.types)
    if facts.enum is not None:
        text += " of " + ", ".join(sorted(facts.enum))
    return text


def _types(types: frozenset[str]) -> str:
    if not types:
        return "any"
    plain = sorted(types - {"null"})
    return "|".join(plain or ["null"]) + (" (nullable)" if "null" in types and plain else "")


def _compare(subject: str, old: Facts, new: Facts, side: Side) -> Iterator[Change]:
    request = side == "request"
    if old.types != new.types:
        widened = _widens(old.types, new.types)
        narrowed = _widens(new.types, old.types)
        compatible = widened if request else narrowed
        yield Change(
            subject,
            "type",
            f"{_types(old.types)} -> {_types(new.types)}",
            "compatible" if compatible else "breaking",
        )
    if old.enum != new.enum:
        yield _enum_change(subject, old.enum, new.enum, request)
    if old.required != new.required:
        if request:
            marker: Marker = "breaking" if new.required else "compatible"
        else:
            marker = "compatible" if new.required else "breaking"
        yield Change(
            subject, "required", "now required" if new.required else "now optional", marker
        )
    for keyword in LIMIT_KEYWORDS:
        before, after = old.limits.get(keyword), new.limits.get(keyword)
        if before == after:
            continue
        tighter = _tightens(keyword, before, after)
        yield Change(
            subject,
            "limit",
            f"{keyword} {_value(before)} -> {_value(after)}",
            "breaking" if request and tighter else "compatible",
        )


def _widens(old: frozenset[str], new: frozenset[str]) -> bool:
    """True when every value of the old types is still valid under the new ones."""
    if not new:
        return True
    if not old:
        return False
    covered = set(new) | ({"integer"} if "number" in new else set())
    return old <= covered


def _enum_change(
    subject: str, old: frozenset[str] | None, new: frozenset[str] | None, request: bool
) -> Change:
    if old is None:
        assert new is not None
        return Change(
            subject,
            "enum",
            "closed to " + ", ".join(sorted(new)),
            "breaking" if request else "compatible",
        )
    if new is None:
        return Change(
            subject, "enum", "opened (any value)", "compatible" if request else "breaking"
        )
    parts = []
    if old - new:
        parts.append("removed " + ", ".join(sorted(old - new)))
    if new - old:
        parts.append("added " + ", ".join(sorted(new - old)))
    breaking = bool(old - new) if request else bool(new - old)
    return Change(subject, "enum", "; ".join(parts), "breaking" if breaking else "compatible")


def _tightens(keyword: str, before: Any, after: Any) -> bool:
    if keyword in ("pattern", "multipleOf"):
        return after is not None  # a new or different rule may reject what passed before
    if after is None:
        return False
    if before is None:
        return True
    if keyword in _UPPER_LIMITS:
        return bool(after < before)
    return bool(after > before)


def _value(value: Any) -> str:
    return "none" if value is None else json.dumps(value)


def summary(changes: list[Change]) -> str:
    if not changes:
        return "no contract changes"
    breaking = sum(1 for c in changes if c.marker == "breaking")
    noun = "change" if len(changes) == 1 else "changes"
    return (
        f"{len(changes)} contract {noun}: {breaking} breaking, {len(changes) - breaking} compatible"
    )


def render(changes: list[Change]) -> str:
    return "".join(c.line() + "\n" for c in changes) + summary(changes) + "\n"


def load(path: Path) -> Any:
    """A spec file as plain data (YAML 1.2, or JSON, which is YAML too)."""
    return json.loads(json.dumps(load_yaml(path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, metavar="OLD")
    parser.add_argument("new", type=Path, metavar="NEW")
    parser.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 when any change is breaking"
    )
    parser.add_argument("--json", action="store_true", help="print the changes as JSON")
    args = parser.parse_args(argv)
    try:
        old, new = load(args.old), load(args.new)
    except (OSError, ValueError, YAMLError) as exc:  # one line, not a traceback
        print(
            f"spec_diff: cannot read the documents: {' '.join(str(exc).split())}", file=sys.stderr
        )
        return 2
    changes = diff(old, new)
    if args.json:
        document = {"changes": [c.as_json() for c in changes], "summary": summary(changes)}
        print(json.dumps(document, indent=2))
    else:
        sys.stdout.write(render(changes))
    if args.fail_on_breaking and any(c.marker == "breaking" for c in changes):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
