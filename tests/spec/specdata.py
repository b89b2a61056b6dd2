"""Helpers of the spec tests: paths, and walking schemas through $ref and allOf."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "openapi" / "vendor"
BUILT_SPEC = ROOT / "openapi" / "chainhub-aigc.yaml"
IMAGE = "/tencent-vod/v1/aigc-image"
VIDEO = "/tencent-vod/v1/aigc-video"
QUERY = "/tencent-vod/v1/query/{task_id}"


def plain(data: Any) -> Any:
    return json.loads(json.dumps(data))


def deref(spec: Any, node: Any) -> Any:
    """Follow a $ref (and a single-item allOf) to the schema it names."""
    while isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/components/schemas/")
            node = spec["components"]["schemas"][name]
        elif len(node.get("allOf", [])) == 1 and "enum" not in node:
            merged = {k: v for k, v in node.items() if k != "allOf"}
            target = deref(spec, node["allOf"][0])
            node = {**target, **merged}
        else:
            return node
    return node


def request_schema(spec: Any, path: str) -> Any:
    return deref(
        spec, spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )


def prop(spec: Any, path: str, *names: str) -> Any:
    """The schema of a request property, e.g. prop(spec, VIDEO, "output_config", "duration")."""
    node = request_schema(spec, path)
    for name in names:
        node = deref(spec, node["properties"][name] if name != "[]" else node["items"])
    return node
