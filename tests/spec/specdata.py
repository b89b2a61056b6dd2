"""Helpers of the spec tests: walking schemas through $ref and allOf; the paths they use
(defined in tests.data, re-exported here under the short names of the spec tests)."""

from __future__ import annotations

import json
from typing import Any

from tests.data import BUILT_SPEC as BUILT_SPEC
from tests.data import IMAGE_PATH, QUERY_TEMPLATE, VIDEO_PATH
from tests.data import ROOT as ROOT
from tests.data import VENDOR_DIR as VENDOR_DIR

IMAGE = IMAGE_PATH
VIDEO = VIDEO_PATH
QUERY = QUERY_TEMPLATE


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
