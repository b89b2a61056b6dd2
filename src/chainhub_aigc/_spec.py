"""The one place that reads the OpenAPI document and resolves its ``$ref``s (SDK and mock).

The generated package ships the spec it was generated from as package data:
``chainhub_aigc_client/openapi.json`` (read with the standard library) and
``chainhub_aigc_client/openapi.yaml``. A YAML file (``--spec x.yaml``, or a generated package
too old to have the JSON) is read with ruamel.yaml, imported only then (YAML 1.2: PyYAML is
YAML 1.1 and would turn ``16:9`` into the integer 969); ruamel.yaml is not a runtime dependency
of the SDK, and nothing here imports the mock.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:  # importlib.resources costs --help about 15 ms; only a zip needs it
    from importlib.resources.abc import Traversable

SPEC_PACKAGE = "chainhub_aigc_client"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The spec's servers[0]; a constant so that constructing a client never parses the spec
# (tests/client/test_config.py checks that it equals the packaged spec's first server).
DEFAULT_BASE_URL = "https://api.chainhub.tech"

JSON = Any  # a value decoded from JSON

# The extension (overlay 75-rate-limits.yaml) naming the per-account limit an operation spends.
RATE_LIMIT_KEY = "x-rate-limit"
RATE_BUCKETS = ("create", "query")
# An operation without the extension: the query bucket, no limit known.
DEFAULT_RATE_LIMIT: tuple[str, float] = ("query", math.inf)


class SpecError(ConfigurationError, ValueError):
    """The document cannot be used: not OpenAPI, a bad reference, an operation without id."""


def load_spec(path: Path | str | None = None) -> dict[str, Any]:
    """The spec as fresh plain JSON data: from ``path``, or from the copy the client package
    ships. Each call reads it again; the SDK's own copy is :func:`packaged_spec`."""
    if path is None:
        files = _package_files()
        as_json = files / "openapi.json"
        if as_json.is_file():
            return _checked(json.loads(as_json.read_text(encoding="utf-8")))
        as_yaml = files / "openapi.yaml"
        if not as_yaml.is_file():
            raise SpecError(f"the package {SPEC_PACKAGE} has no openapi.json/openapi.yaml")
        return _checked(_yaml(as_yaml.read_text(encoding="utf-8")))
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    return _checked(json.loads(text) if path.suffix == ".json" else _yaml(text))


def _package_files() -> Traversable:
    """The generated package's folder, found without importing the package (its
    ``__init__`` imports httpx and attrs, which the CLI's ``--help`` has no use for)."""
    found = importlib.util.find_spec(SPEC_PACKAGE)
    locations = list(found.submodule_search_locations or ()) if found is not None else []
    if locations and Path(locations[0], "openapi.json").is_file():
        return Path(locations[0])
    from importlib import resources

    return resources.files(SPEC_PACKAGE)  # a zip, or a package without the JSON


@functools.cache
def packaged_spec() -> Mapping[str, Any]:
    """The packaged spec, read once (shared: never modify it)."""
    return load_spec()


def _yaml(text: str) -> Any:
    try:
        from ruamel.yaml import YAML
    except ImportError as exc:
        raise SpecError(
            "reading a YAML spec needs ruamel.yaml (pip install ruamel.yaml), or regenerate "
            f"{SPEC_PACKAGE} (make generate) so that it ships openapi.json"
        ) from exc
    return YAML(typ="safe", pure=True).load(text)


def _checked(data: Any) -> dict[str, Any]:
    # A JSON round trip: plain dicts/lists/str, and anything YAML-only (dates) becomes a string.
    plain = json.loads(json.dumps(data, default=str))
    if not isinstance(plain, dict) or not isinstance(plain.get("paths"), dict):
        raise SpecError("the document is not an OpenAPI description (no paths)")
    return plain


def spec_server_url() -> str:
    """The first server URL of the packaged spec."""
    servers = packaged_spec().get("servers") or []
    return str(servers[0]["url"]).rstrip("/")


def pointer(spec: Mapping[str, Any], ref: str) -> JSON:
    """The node a local reference (``#/a/b``) points at."""
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise SpecError(f"only local references are supported, not {ref!r}")
    node: JSON = spec
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        try:
            node = node[int(key)] if isinstance(node, list) else node[key]
        except (KeyError, IndexError, ValueError, TypeError):
            raise SpecError(f"unresolvable reference {ref}") from None
    return node


def resolve(spec: Mapping[str, Any], node: JSON) -> JSON:
    """Follow ``$ref`` (local references only) until a node without one."""
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str):
            raise SpecError(f"$ref must be a string, not {ref!r}")
        if ref in seen:
            raise SpecError(f"circular reference {ref}")
        seen.add(ref)
        node = pointer(spec, ref)
    return node


def spec_operations(
    spec: Mapping[str, Any],
) -> Iterator[tuple[str, str, Mapping[str, Any], list[Mapping[str, Any]]]]:
    """Every operation as ``(path, method, operation, parameters)``: ``method`` lower case,
    ``parameters`` resolved and merged (the path item's, overridden by the operation's)."""
    for path, raw_item in spec["paths"].items():
        item = resolve(spec, raw_item)
        if not isinstance(item, Mapping):
            continue
        shared = item.get("parameters", []) or []
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            operation_id = op.get("operationId")
            if not isinstance(operation_id, str) or not operation_id:
                raise SpecError(f"{method.upper()} {path} has no operationId")
            merged: dict[tuple[str, str], Mapping[str, Any]] = {}
            for raw in [*shared, *(op.get("parameters", []) or [])]:
                param = resolve(spec, raw)
                merged[(param["name"], param["in"])] = param  # the operation's own wins
            yield path, method, op, list(merged.values())


def operation_rate_limit(op: Mapping[str, Any]) -> tuple[str, float]:
    """``(bucket, per_second)`` of an operation, from its ``x-rate-limit`` extension: the
    bucket is ``create`` or ``query``; without the extension, :data:`DEFAULT_RATE_LIMIT`
    (``query``, ``math.inf``: no limit known)."""
    ext = op.get(RATE_LIMIT_KEY)
    if ext is None:
        return DEFAULT_RATE_LIMIT
    where = f"{RATE_LIMIT_KEY} of {op.get('operationId', '?')}"
    if not isinstance(ext, Mapping):
        raise SpecError(f"{where} must be an object with bucket and per_second")
    bucket = ext.get("bucket", DEFAULT_RATE_LIMIT[0])
    if bucket not in RATE_BUCKETS:
        raise SpecError(f"{where}: bucket must be one of {', '.join(RATE_BUCKETS)}, not {bucket!r}")
    rate = ext.get("per_second", DEFAULT_RATE_LIMIT[1])
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate > 0:
        raise SpecError(f"{where}: per_second must be a positive number, not {rate!r}")
    return str(bucket), float(rate)
