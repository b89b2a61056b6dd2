"""Apply OpenAPI Overlay 1.0 / 1.1 documents to an OpenAPI description.

Command line (other tools drive it; keep it stable)::

    python scripts/overlay.py SPEC OVERLAY [OVERLAY ...] -o OUT [--allow-empty-targets]

Exit 0 and write OUT on success, printing one line per action. Exit 1 with exactly one line on
stderr (``FILE: actions[i] (target T): reason``) on any invalid overlay or any action that cannot
be applied; OUT is then neither created nor modified.

Why our own applier: the PyPI one crashes on array targets, uses a non-RFC JSONPath and reads
YAML 1.1 (``16:9`` becomes 969). Here: ruamel.yaml (YAML 1.2, round trip) and
``jsonpath-rfc9535`` (RFC 9535 JSONPath).

Semantics (Overlay 1.1.0, which clarified 1.0.0)
------------------------------------------------
* Every overlay is validated against the official JSON Schema of its version (``overlay: 1.0.x``
  -> schema 1.0, ``1.1.x`` -> schema 1.1, anything else is an error) before anything is applied;
  the command line validates *all* overlays first. ``copy`` in a 1.0 overlay is therefore an error.
* Overlays apply in the order given; actions apply in order, each on the result of the previous.
* ``target`` is an RFC 9535 JSONPath. A node selected twice (``$['a','a']``) counts once.
  Selecting nothing is an error unless ``allow_empty_targets`` (then the action is a no-op and
  reports 0 nodes). The build never allows it: a vendor change that makes an overlay stale must
  fail the build.
* ``remove: true`` deletes every selected node from its parent mapping or sequence and wins over
  ``update`` and ``copy`` (they are ignored). Items of one sequence are deleted by index in
  descending order so the remaining indices stay valid; a node below another removed node goes
  with its ancestor. The root cannot be removed.
* ``update``: all selected nodes must be of one kind (all objects, all arrays or all primitives).

  - object target: the value must be an object, merged recursively (see below);
  - array target: an array value is concatenated, any other value is appended as one item;
  - primitive target: the value must be a primitive, which replaces the node in its parent
    (replacing a primitive root is an error);
  - any other pairing is an error, and so is ``update: null`` (the spec is silent; we refuse it
    because it almost always is a YAML slip such as ``update:`` with the value on no line).
* Recursive merge of an object value into an object node, key by key: a key only in the node is
  kept; a key only in the value is inserted; for a key in both, object + object merge
  recursively, **array + array concatenate** (Overlay 1.1.0: "an array value ... is concatenated
  with an array value of the target property"; to replace an array, remove it first, then
  update), primitive + primitive replace, anything else is an error naming the path. ``null`` is
  a primitive here (RFC 8259 calls it one), so a nested ``null`` may replace or be replaced by a
  primitive but not an object or array.
* ``copy`` (1.1 only): a JSONPath that must select exactly one node in the current document; a
  deep copy of its value is merged into every target node with the ``update`` rules. The spec
  says ``update`` has no impact when ``copy`` is set *and* that ``copy`` has no impact when
  ``update`` is set, so an action with both is rejected as ambiguous.
* An action with neither ``update``, ``copy`` nor ``remove`` is valid and changes nothing
  (reported as kind ``none``, 0 nodes); its target must still select something.
* Values are deep-copied on every insertion, so one value merged into several targets never
  shares nodes (ruamel would otherwise emit anchors and aliases, and later edits would leak).

YAML
----
* Loaded with ``ruamel.yaml`` round trip (YAML 1.2): ``16:9``, ``"1.6"``, ``"02"`` stay strings.
* Mapping keys are strings, as OpenAPI and the Overlay spec require (YAML failsafe keys): a plain
  key that YAML 1.2 would read as int/float/bool/null/timestamp (``200:``) is loaded as the string
  of its source text (``"200"``).
* Timestamps are not part of the YAML 1.2 core schema and have no JSON form: plain values like
  ``2024-01-01`` load as strings, not ``datetime.date``.
* Dumped with indentation mapping 2, sequence 4, offset 2 (the vendor style), an unbounded line
  width (re-folding corrupts long text), ``null`` for None, preserved quotes (``"3.0"`` stays
  quoted), multi-line strings as literal ``|`` blocks (folded ``>`` blocks only when no line
  starts with whitespace: tab-led lines in a folded block gain blank lines on reload), and plain
  strings that a YAML 1.1 reader would take for a number, boolean or null (``16:9``, ``yes``,
  ``02``) single-quoted so that every reader sees strings.
* ``dump_yaml`` re-loads its own output and compares it with the data in memory; any difference
  raises ``YamlRoundTripError`` naming the first differing path.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import math
import os
import pathlib
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonpath_rfc9535
import jsonschema  # type: ignore[import-untyped, unused-ignore]
import ruamel.yaml
from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import FoldedScalarString

__all__ = [
    "ActionReport",
    "OverlayError",
    "YamlRoundTripError",
    "apply_files",
    "apply_overlay",
    "dump_yaml",
    "format_report",
    "load_overlay",
    "load_yaml",
    "main",
    "validate_overlay",
]

SCHEMA_DIR = pathlib.Path(__file__).resolve().parent / "overlay_schemas"
_SCHEMA_FILES = {"1.0": "schema-1.0.yaml", "1.1": "schema-1.1.yaml"}
_VERSION_RE = re.compile(r"^1\.([01])\.\d+$")

_YAML = "tag:yaml.org,2002:"
_STR_TAG = _YAML + "str"
# Plain scalar keys with these tags are loaded as the string of their source text.
_NON_STRING_KEY_TAGS = frozenset(_YAML + t for t in ("int", "float", "bool", "null", "timestamp"))


# --------------------------------------------------------------------------------------------
# Errors and reports


class OverlayError(Exception):
    """An overlay that is invalid or cannot be applied; ``str(e)`` is the one-line message."""

    def __init__(
        self, overlay: str, reason: str, *, index: int | None = None, target: str | None = None
    ) -> None:
        self.overlay = overlay
        self.index = index
        self.target = target
        self.reason = _one_line(reason)
        where = overlay
        if index is not None:
            where += f": actions[{index}]"
            if target is not None:
                where += f" (target {_one_line(target)})"
        super().__init__(f"{where}: {self.reason}")


class YamlRoundTripError(ValueError):
    """The dumped YAML does not load back to the data that was dumped."""


class _ActionError(Exception):
    """Raised inside one action; apply_overlay adds the overlay name, index and target."""


@dataclass(frozen=True)
class ActionReport:
    overlay: str
    index: int
    kind: str  # "update", "remove", "copy" or "none"
    target: str
    nodes: int  # distinct nodes touched (0 for a no-op)
    description: str  # first line of the action's description, "" if none


def format_report(report: ActionReport) -> str:
    """The line the command line prints for one applied action."""
    noun = "node" if report.nodes == 1 else "nodes"
    what = report.description or f"target {report.target}"
    return f"{report.overlay}: actions[{report.index}] {report.kind} {report.nodes} {noun}: {what}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# YAML


class _Constructor(RoundTripConstructor):
    """Round-trip constructor with string keys and no timestamps."""

    # ruamel's own RoundTripConstructor overrides with this extra parameter.
    def construct_mapping(  # type: ignore[override]
        self, node: Any, maptyp: Any, deep: bool = False
    ) -> Any:
        if isinstance(node, MappingNode):
            for key_node, _value in node.value:
                # `200:` must be the key "200" (OpenAPI status codes are strings); the source
                # text is kept, so `02:` stays "02" rather than becoming "2".
                if isinstance(key_node, ScalarNode) and key_node.tag in _NON_STRING_KEY_TAGS:
                    key_node.tag = _STR_TAG
        return super().construct_mapping(node, maptyp, deep=deep)


# YAML 1.2 core has no timestamps, and a date object has no JSON form: keep the text.
_Constructor.add_constructor(_YAML + "timestamp", _Constructor.construct_yaml_str)

# Decides which plain strings a YAML 1.1 reader (PyYAML, many tools) would misread.
_YAML11_RESOLVER = VersionedResolver(version=(1, 1))


# Line breaks that a block scalar (and any plain or single-quoted one) turns into "\n".
_BLOCK_UNSAFE = ("\r", "\x85", "\u2028", "\u2029")


def _misread_by_yaml11(text: str) -> bool:
    return str(_YAML11_RESOLVER.resolve(ScalarNode, text, (True, False))) != _STR_TAG


class _Representer(RoundTripRepresenter):
    def represent_none(self, data: Any) -> Any:
        # ruamel writes an empty value for None inside collections; be explicit.
        return self.represent_scalar(_YAML + "null", "null")

    def represent_str(self, data: Any) -> Any:
        if any(c in data for c in _BLOCK_UNSAFE):
            return self.represent_scalar(_STR_TAG, data, style='"')  # escapes them
        if "\n" in data:
            # A literal block keeps every character; the emitter falls back to a quoted
            # style by itself when a block cannot represent the text.
            return self.represent_scalar(_STR_TAG, data, style="|")
        if _misread_by_yaml11(data):
            return self.represent_scalar(_STR_TAG, data, style="'")
        return self.represent_scalar(_STR_TAG, data)

    def represent_folded(self, data: Any) -> Any:
        # In a folded block a line that starts with whitespace is "more indented"; ruamel
        # surrounds it with blank lines that come back as extra newlines. Use `|` then.
        if any(line[:1] in (" ", "\t") for line in str(data).split("\n")):
            return self.represent_str(str(data))
        return self.represent_folded_scalarstring(data)


_Representer.add_representer(type(None), _Representer.represent_none)
_Representer.add_representer(str, _Representer.represent_str)
_Representer.add_representer(FoldedScalarString, _Representer.represent_folded)


def _yaml() -> YAML:
    # A fresh instance per call: ruamel YAML objects keep state and are not reentrant.
    y = YAML(typ="rt")
    y.Constructor = _Constructor
    y.Representer = _Representer
    y.preserve_quotes = True
    y.width = 2**31  # never re-fold long text
    y.indent(mapping=2, sequence=4, offset=2)  # vendor style: `- item` indented under its key
    return y


def load_yaml(source: str | pathlib.Path) -> Any:
    """Load YAML 1.2 (round trip). A Path is read as UTF-8; a str is the YAML text itself.

    Cached by the text's content hash (see `_LOADED`): each call returns a fresh document that
    the caller may change."""
    text = source.read_text(encoding="utf-8") if isinstance(source, pathlib.Path) else source
    key = hashlib.sha256(f"{_CACHE_TAG}\0{text}".encode()).hexdigest()
    blob = _LOADED.get(key) or _read_cached(key)
    if blob is not None:
        _LOADED[key] = blob
        return pickle.loads(blob)
    data = _yaml().load(text)  # a parse error propagates and is not cached
    blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    _LOADED[key] = blob
    _write_cached(key, blob)
    return data


# The pure-Python round-trip parse is the slow part of every pipeline script (seconds for the
# built spec); one run loads the same vendor documents, overlays and spec several times, and
# the vendor-change drills of the tests run the pipeline in several processes on mostly the same
# files. A pickled document is a deep copy that loads several times faster than the parse.
_LOADED: dict[str, bytes] = {}
"""Pickled documents by sha256 of (_CACHE_TAG, text), for this process."""
_CACHE_TAG = f"ruamel.yaml {ruamel.yaml.__version__}, overlay.py loader 1"
CACHE_ENV = "CHAINHUB_YAML_CACHE"
"""A directory shared by processes (the test suite sets it for its pipeline runs); unset: none.
Only a directory the user trusts: its files are unpickled."""


def _read_cached(key: str) -> bytes | None:
    directory = os.environ.get(CACHE_ENV)
    if not directory:
        return None
    try:
        return (pathlib.Path(directory) / f"{key}.pickle").read_bytes()
    except OSError:
        return None


def _write_cached(key: str, blob: bytes) -> None:
    directory = os.environ.get(CACHE_ENV)
    if not directory:
        return
    target = pathlib.Path(directory) / f"{key}.pickle"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        partial.write_bytes(blob)
        os.replace(partial, target)  # readers see a whole file or none
    except OSError:
        pass  # a cache: the next load parses again


def dump_yaml(data: Any) -> str:
    """Dump to YAML text, then re-load it and raise YamlRoundTripError if the data changed."""
    stream = io.StringIO()
    _yaml().dump(data, stream)
    text = stream.getvalue()
    difference = _first_difference(data, load_yaml(text), "$")
    if difference is not None:
        raise YamlRoundTripError(f"YAML round trip changed the data at {difference}")
    return text


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    """Plain-data comparison (types matter: True != 1); the first differing path, else None."""
    if isinstance(a, Mapping):
        if not isinstance(b, Mapping):
            return path
        if set(a) != set(b):
            keys = sorted(map(repr, set(a).symmetric_difference(b)))
            return f"{path} (keys {', '.join(keys)})"
        for key in a:
            found = _first_difference(a[key], b[key], path + _segment(key))
            if found is not None:
                return found
        return None
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return None if type(a) is bool and type(b) is bool and a == b else path
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return None
    for kind in (str, int, float):
        if isinstance(a, kind):
            return None if isinstance(b, kind) and a == b else path
    return None if a == b else path


def _segment(key: Any) -> str:
    """One step of an RFC 9535 normalized path."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    escaped = str(key).replace("\\", "\\\\").replace("'", "\\'")
    return f"['{escaped}']"


def _normalized_path(location: Iterable[Any]) -> str:
    return "$" + "".join(_segment(k) for k in location)


# --------------------------------------------------------------------------------------------
# Loading and validating overlays


@cache
def _validator(version: str) -> Any:
    schema = YAML(typ="safe", pure=True).load(SCHEMA_DIR / _SCHEMA_FILES[version])
    return jsonschema.Draft202012Validator(schema)


def _schema_location(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document root"


def validate_overlay(overlay: Any, *, name: str) -> str:
    """Check an overlay against the schema of its version; return "1.0" or "1.1"."""
    if not isinstance(overlay, Mapping):
        kind = "empty" if overlay is None else _a(_kind(overlay))
        raise OverlayError(name, f"an overlay must be a mapping, this document is {kind}")
    version = overlay.get("overlay")
    match = _VERSION_RE.match(version) if isinstance(version, str) else None
    if match is None:
        raise OverlayError(
            name, f"'overlay' must be a 1.0.x or 1.1.x version string, got {version!r}"
        )
    minor = f"1.{match.group(1)}"
    actions = overlay.get("actions")
    if minor == "1.0" and isinstance(actions, list):
        for i, action in enumerate(actions):
            if isinstance(action, Mapping) and "copy" in action:
                # The 1.0 schema rejects it too, with a less helpful message.
                raise OverlayError(name, f"actions[{i}]: 'copy' needs overlay 1.1.x, not {version}")
    error = jsonschema.exceptions.best_match(_validator(minor).iter_errors(overlay))
    if error is not None:
        where = _schema_location(error.absolute_path)
        message = error.message
        if error.validator == "uniqueItems":
            message = "two actions are identical"  # jsonschema would quote the whole list
        elif len(message) > 300:
            message = message[:300] + "..."
        raise OverlayError(name, f"not a valid Overlay {minor} document: at {where}: {message}")
    return minor


def _yaml_error_text(exc: YAMLError) -> str:
    if isinstance(exc, MarkedYAMLError) and exc.problem:
        mark = exc.problem_mark
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        return f"{exc.problem}{at}"
    return str(exc)


def _read_yaml_file(path: pathlib.Path, name: str) -> Any:
    try:
        return load_yaml(path)
    except OSError as exc:
        raise OverlayError(name, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise OverlayError(name, f"cannot read: not UTF-8 ({exc.reason})") from exc
    except YAMLError as exc:
        raise OverlayError(name, f"invalid YAML: {_yaml_error_text(exc)}") from exc


def load_overlay(path: pathlib.Path) -> Any:
    """Read and schema-validate one overlay file; OverlayError (index None) if it is invalid."""
    overlay = _read_yaml_file(path, str(path))
    validate_overlay(overlay, name=str(path))
    return overlay


# --------------------------------------------------------------------------------------------
# Applying


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "primitive"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _compile(query: str, what: str) -> Any:
    try:
        return jsonpath_rfc9535.compile(query)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise _ActionError(f"invalid {what} JSONPath {query!r}: {exc}") from exc


def _select(query: Any, document: Any) -> list[tuple[tuple[Any, ...], Any]]:
    """Distinct selected nodes as (location, value), in selection order."""
    try:
        nodes = query.find(document)
    except jsonpath_rfc9535.JSONPathError as exc:
        raise _ActionError(f"JSONPath evaluation failed: {exc}") from exc
    selected: dict[tuple[Any, ...], Any] = {}
    for node in nodes:
        selected.setdefault(tuple(node.location), node.value)
    return list(selected.items())


def _get(document: Any, location: Iterable[Any]) -> Any:
    node = document
    for key in location:
        node = node[key]
    return node


def _remove(document: Any, locations: list[tuple[Any, ...]]) -> None:
    if () in locations:
        raise _ActionError("the root cannot be removed")
    chosen = set(locations)
    # A node inside another removed node disappears with it; deleting it first could shift
    # indices, deleting it after would fail.
    kept = [loc for loc in locations if not any(loc[:n] in chosen for n in range(1, len(loc)))]
    # Resolve every parent before deleting anything, then delete per parent.
    parents: dict[int, tuple[Any, list[Any]]] = {}
    for loc in kept:
        parent = _get(document, loc[:-1])
        parents.setdefault(id(parent), (parent, []))[1].append(loc[-1])
    for parent, keys in parents.values():
        if isinstance(parent, list):
            for index in sorted(keys, reverse=True):  # descending: earlier indices stay valid
                del parent[index]
        else:
            for key in keys:
                del parent[key]


def _merge_object(node: MutableMapping[Any, Any], value: Mapping[Any, Any], path: str) -> None:
    for key, new in value.items():
        if key not in node:
            node[key] = copy.deepcopy(new)
            continue
        old = node[key]
        old_kind, new_kind = _kind(old), _kind(new)
        where = path + _segment(key)
        if old_kind != new_kind:
            raise _ActionError(
                f"cannot merge {_describe(new)} into the {old_kind} at {where} "
                "(objects merge, arrays concatenate, primitives replace primitives)"
            )
        if new_kind == "object":
            _merge_object(old, new, where)
        elif new_kind == "array":
            old.extend(copy.deepcopy(item) for item in new)
        else:
            node[key] = copy.deepcopy(new)


def _describe(value: Any) -> str:
    return "null" if value is None else _a(_kind(value))


def _update(
    document: Any, selected: list[tuple[tuple[Any, ...], Any]], value: Any, source: str
) -> Any:
    """Merge `value` into every selected node; return the (possibly new) document."""
    if value is None:
        raise _ActionError(
            f"{source} is null; this tool rejects a null value (to delete a node use remove: true)"
        )
    kinds = {_kind(node) for _loc, node in selected}
    if len(kinds) > 1:
        listing = ", ".join(f"{_normalized_path(loc)} is {_a(_kind(v))}" for loc, v in selected)
        raise _ActionError(f"target selects nodes of different kinds: {listing}")
    target_kind = kinds.pop()
    value_kind = _kind(value)
    if target_kind == "object":
        if value_kind != "object":
            raise _ActionError(f"target selects objects but {source} is {_describe(value)}")
        for loc, node in selected:
            _merge_object(node, value, _normalized_path(loc))
    elif target_kind == "array":
        for _loc, node in selected:
            if value_kind == "array":
                node.extend(copy.deepcopy(item) for item in value)
            else:
                node.append(copy.deepcopy(value))
    else:
        if value_kind != "primitive":
            raise _ActionError(f"target selects primitives but {source} is {_describe(value)}")
        for loc, _node in selected:
            if not loc:
                raise _ActionError("the root cannot be replaced by a primitive")
            _get(document, loc[:-1])[loc[-1]] = copy.deepcopy(value)
    return document


def apply_overlay(
    document: Any, overlay: Any, *, name: str, allow_empty_targets: bool = False
) -> tuple[Any, list[ActionReport]]:
    """Apply one overlay; return the new document and one report per action.

    The overlay is (re)validated first. The input document may be modified in place: callers
    that need the original must deep-copy it. Raises OverlayError naming `name` and the action.
    """
    validate_overlay(overlay, name=name)
    reports: list[ActionReport] = []
    for index, action in enumerate(overlay["actions"]):
        target = str(action["target"])
        try:
            document, report = _apply_action(document, action, name, index, allow_empty_targets)
        except _ActionError as exc:
            raise OverlayError(name, str(exc), index=index, target=target) from exc
        reports.append(report)
    return document, reports


def _apply_action(
    document: Any, action: Mapping[str, Any], name: str, index: int, allow_empty: bool
) -> tuple[Any, ActionReport]:
    target = str(action["target"])
    description = str(action.get("description") or "").strip().split("\n")[0].strip()
    remove = action.get("remove") is True
    has_update, has_copy = "update" in action, "copy" in action
    if remove:
        kind = "remove"
    elif has_update and has_copy:
        raise _ActionError(
            "update and copy in one action are ambiguous (the spec says each has no impact "
            "when the other is set); split it into two actions"
        )
    elif has_copy:
        kind = "copy"
    elif has_update:
        kind = "update"
        if action["update"] is None:
            raise _ActionError(
                "update value is null; this tool rejects a null update "
                "(to delete a node use remove: true)"
            )
    else:
        kind = "none"

    query = _compile(target, "target")
    copy_query = _compile(str(action["copy"]), "copy") if kind == "copy" else None
    selected = _select(query, document)

    def report(nodes: int) -> ActionReport:
        return ActionReport(name, index, kind, target, nodes, description)

    if not selected:
        if allow_empty:
            return document, report(0)
        raise _ActionError("target selects no nodes")
    if kind == "remove":
        _remove(document, [loc for loc, _v in selected])
    elif kind == "update":
        document = _update(document, selected, action["update"], "the update value")
    elif kind == "copy":
        sources = _select(copy_query, document)
        if len(sources) != 1:
            raise _ActionError(
                f"copy {action['copy']} must select exactly one node, it selects {len(sources)}"
            )
        # Copy first: the source may lie inside a target that the merge is about to change.
        value = copy.deepcopy(sources[0][1])
        document = _update(document, selected, value, f"the copied node {action['copy']}")
    else:
        return document, report(0)
    return document, report(len(selected))


# --------------------------------------------------------------------------------------------
# Files and command line


def apply_files(
    spec: pathlib.Path, overlays: list[pathlib.Path], *, allow_empty_targets: bool = False
) -> tuple[Any, list[ActionReport]]:
    """Load SPEC, validate every overlay, then apply them in order. Prints nothing."""
    loaded = [(str(path), load_overlay(path)) for path in overlays]  # validate all first
    document = _read_yaml_file(spec, str(spec))
    reports: list[ActionReport] = []
    for name, overlay in loaded:
        document, done = apply_overlay(
            document, overlay, name=name, allow_empty_targets=allow_empty_targets
        )
        reports.extend(done)
    return document, reports


def _write_atomically(path: pathlib.Path, text: str) -> None:
    # Write a sibling temporary file, then rename: OUT is never left half-written.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give OUT the usual permissions
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="overlay.py",
        description="Apply OpenAPI Overlay 1.0/1.1 documents to an OpenAPI description.",
    )
    parser.add_argument("spec", type=pathlib.Path, metavar="SPEC")
    parser.add_argument("overlays", type=pathlib.Path, nargs="+", metavar="OVERLAY")
    parser.add_argument("-o", "--output", type=pathlib.Path, required=True, metavar="OUT")
    parser.add_argument(
        "--allow-empty-targets",
        action="store_true",
        help="a target that selects nothing is a no-op instead of an error",
    )
    args = parser.parse_args(argv)
    try:
        document, reports = apply_files(
            args.spec, args.overlays, allow_empty_targets=args.allow_empty_targets
        )
        text = dump_yaml(document)
        _write_atomically(args.output, text)
    except OverlayError as exc:
        print(exc, file=sys.stderr)
        return 1
    except YamlRoundTripError as exc:
        print(f"{args.output}: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.output}: cannot write: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    for report in reports:
        print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
