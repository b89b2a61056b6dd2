"""Write the SDK's typed request parameters from the built spec (called by scripts/generate.py).

    python scripts/generate_surface.py [--spec SPEC] [--out FILE]

One ``TypedDict(total=False)`` per request schema reachable from an operation's request body
(nested objects and array items included), named after the schema: ``ImageTaskRequest`` ->
``ImageTaskParams``, ``ImageOutputConfig`` -> ``ImageOutputConfigParams``. Field types follow
the schema (enums stay ``str``: the SDK checks values against the spec at run time; a nested
object also takes its generated model or any mapping), field docstrings are the first paragraph
of the spec's description. ``OPERATION_PARAMS`` maps each operationId to its params class name and
``PARAMS_SCHEMAS`` each params class to its schema. The output depends only on the spec, so the
drift check covers it like the rest of the generated package.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODULE_NAME = "sdk_params"
WIDTH = 100
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCHEMA_REF = "#/components/schemas/"


class SurfaceError(Exception):
    pass


def params_name(schema_name: str) -> str:
    """``ImageTaskRequest`` -> ``ImageTaskParams``; ``ImageFileInfo`` -> ``ImageFileInfoParams``."""
    return schema_name.removesuffix("Request") + "Params"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    schema_name: str


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    for _ in range(32):
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    raise SurfaceError("$ref loop")


def _ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
        return ref.removeprefix(_SCHEMA_REF)
    return None


def request_operations(spec: Mapping[str, Any]) -> list[Operation]:
    """The operations with a JSON request body that is a named schema, in spec order."""
    found: list[Operation] = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, Mapping) or "requestBody" not in op:
                continue
            body = _resolve(spec, op["requestBody"])
            schema = body.get("content", {}).get("application/json", {}).get("schema", {})
            name = _ref_name(schema)
            if name is None:
                raise SurfaceError(
                    f"{method.upper()} {path}: the request body schema must be a named "
                    "component (overlay 20-named-schemas gives every body one)"
                )
            found.append(Operation(str(op["operationId"]), method, path, name))
    return found


def _object_name(spec: Mapping[str, Any], node: Mapping[str, Any]) -> str | None:
    """The component name of a nested object schema (a ``$ref``, possibly inside ``allOf``)."""
    name = _ref_name(node)
    if name is None and len(node.get("allOf", ())) == 1:
        name = _ref_name(node["allOf"][0])
    if name is None:
        return None
    target = _resolve(spec, {"$ref": _SCHEMA_REF + name})
    return name if target.get("type") == "object" and "properties" in target else None


def _reachable(spec: Mapping[str, Any], root: str) -> Iterator[str]:
    """Every object schema reachable from ``root``, dependencies first (post-order)."""
    seen: set[str] = set()

    def visit(name: str) -> Iterator[str]:
        if name in seen:
            return
        seen.add(name)
        schema = _resolve(spec, {"$ref": _SCHEMA_REF + name})
        for prop in schema.get("properties", {}).values():
            target = prop.get("items", {}) if prop.get("type") == "array" else prop
            nested = _object_name(spec, target)
            if nested is not None:
                yield from visit(nested)
        yield name

    yield from visit(root)


def _annotation(spec: Mapping[str, Any], prop: Mapping[str, Any], models: set[str]) -> str:
    nested = _object_name(spec, prop)
    if nested is not None:
        model = f"{nested} | " if nested in models else ""
        return f"{model}{params_name(nested)} | Mapping[str, Any]"
    resolved = _resolve(spec, prop)
    kind = resolved.get("type")
    if kind is None:  # the enums: `type` beside an allOf of a named enum, or in the target
        for part in resolved.get("allOf", ()):
            kind = kind or _resolve(spec, part).get("type")
    if kind == "array":
        return f"Sequence[{_annotation(spec, resolved.get('items', {}), models)}]"
    if kind == "object":
        return "Mapping[str, Any]"
    return _SCALARS.get(str(kind), "Any")


def _first_paragraph(text: str) -> str:
    """The description's first paragraph, one line, without the vendor's "Example value" line."""
    paragraph = str(text).strip().split("\n\n")[0]
    lines = [line.strip() for line in paragraph.splitlines()]
    kept = [line for line in lines if line and not line.lower().startswith("example value")]
    return " ".join(kept).split(" Example value:")[0]  # folded text keeps it on one line


def _docstring(text: str, indent: str) -> list[str]:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if text.endswith('"'):
        text += " "
    one = f'{indent}"""{text}"""'
    if len(one) <= WIDTH:
        return [one]
    wrapped = textwrap.wrap(
        text, WIDTH - len(indent), break_long_words=False, break_on_hyphens=False
    )
    return [f'{indent}"""', *(indent + line for line in wrapped), f'{indent}"""']


def render(spec: Mapping[str, Any], models: set[str]) -> str:
    """The module's source. ``models``: the class names the generated ``models`` package has."""
    operations = request_operations(spec)
    used_by: dict[str, list[Operation]] = {}
    order: list[str] = []
    for op in operations:
        for name in _reachable(spec, op.schema_name):
            if name not in used_by:
                order.append(name)
            used_by.setdefault(name, []).append(op)
    for name in order:
        if not _IDENTIFIER.match(name):
            raise SurfaceError(f"schema name {name!r} is not a Python identifier")
    # Only the models an annotation names (a root request model is not one of them).
    nested = {
        _object_name(spec, target)
        for name in order
        for prop in _resolve(spec, {"$ref": _SCHEMA_REF + name}).get("properties", {}).values()
        for target in (prop, prop.get("items", {}))
    }
    imported = sorted(name for name in order if name in models and name in nested)
    out: list[str] = [
        '"""Typed keyword arguments of the request operations, generated from the spec by',
        "scripts/generate_surface.py (do not edit: change the overlays and run `make generate`).",
        "",
        "Enum-valued fields are plain ``str`` (the generated StrEnums are ``str`` too); the SDK",
        "checks values and limits against the spec at run time. A nested object takes the",
        "generated model, its params dict, or any mapping.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping, Sequence",
        "from typing import Any, TypedDict",
        "",
    ]
    if imported:
        out += ["from .models import (", *(f"    {name}," for name in imported), ")", ""]
    out += [
        "__all__ = [",
        '    "OPERATION_PARAMS",',
        '    "PARAMS_SCHEMAS",',
        *(f'    "{params_name(name)}",' for name in sorted(order)),
        "]",
    ]
    for name in order:
        schema = _resolve(spec, {"$ref": _SCHEMA_REF + name})
        out += ["", ""]
        out.append(f"class {params_name(name)}(TypedDict, total=False):")
        roots = [op for op in used_by[name] if op.schema_name == name]
        if roots:
            ids = " / ".join(f"``{op.operation_id}``" for op in roots)
            required = ", ".join(f"``{field}``" for field in schema.get("required", ()))
            doc = f"The request body of {ids} ({name})."
            doc += f" Required: {required} (unless ``request=`` is given)." if required else ""
        else:
            parents = " / ".join(f"``{op.operation_id}``" for op in used_by[name])
            doc = f"{name} in the request of {parents}."
            if schema.get("required"):
                doc += " Required: " + ", ".join(f"``{f}``" for f in schema["required"]) + "."
        out += _docstring(doc, "    ")
        for field, prop in schema.get("properties", {}).items():
            if not _IDENTIFIER.match(field):
                raise SurfaceError(f"{name}.{field} is not a Python identifier")
            out.append("")
            out.append(f"    {field}: {_annotation(spec, prop, models)}")
            text = _first_paragraph(str(_resolve(spec, prop).get("description") or ""))
            if not text and prop is not _resolve(spec, prop):
                text = _first_paragraph(str(prop.get("description") or ""))
            if text:
                out += _docstring(text, "    ")
    out += ["", ""]
    out.append("OPERATION_PARAMS: dict[str, str] = {")
    out += [f'    "{op.operation_id}": "{params_name(op.schema_name)}",' for op in operations]
    out.append("}")
    out.append('"""operationId -> the name of the TypedDict of its request body."""')
    out.append("PARAMS_SCHEMAS: dict[str, str] = {")
    out += [f'    "{params_name(name)}": "{name}",' for name in order]
    out.append("}")
    out.append('"""Params class name -> the schema it types (``#/components/schemas/<name>``)."""')
    return "\n".join(out) + "\n"


def exported_models(package: Path) -> set[str]:
    """The class names ``<package>/models/__init__.py`` imports."""
    init = package / "models" / "__init__.py"
    text = init.read_text(encoding="utf-8") if init.is_file() else ""
    return set(re.findall(r"^from \.\w+ import (\w+)$", text, re.MULTILINE))


def write(spec: Mapping[str, Any], package: Path) -> Path:
    """Write ``<package>/sdk_params.py``; return its path."""
    target = package / f"{MODULE_NAME}.py"
    target.write_text(render(spec, exported_models(package)), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    from scripts.overlay import load_yaml

    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=root / "openapi" / "chainhub-aigc.yaml")
    parser.add_argument("--package", type=Path, default=root / "generated" / "chainhub_aigc_client")
    args = parser.parse_args(argv)
    try:
        print(f"wrote {write(load_yaml(args.spec), args.package)}")
    except SurfaceError as exc:
        print(f"generate_surface: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
