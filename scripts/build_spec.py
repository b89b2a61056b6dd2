"""Build openapi/chainhub-aigc.yaml: bundle the vendor documents, apply every overlay, validate.

    python scripts/build_spec.py [-o OUT] [--vendor-dir DIR] [--overlays-dir DIR] [--quiet]

1. Bundle: the vendor documents (openapi/vendor/*.yaml, in name order) are merged into one. Their
   paths do not clash; a clash, or a component defined twice with different content, is an error.
2. Overlays: every overlays/*.yaml, in file-name order, each action on the result of the previous
   one. The build never allows empty targets: an overlay that no longer matches a changed vendor
   document fails here, naming the overlay file and the action.
3. Validate the result as OpenAPI 3.0 (openapi-spec-validator) and write it.

Prints, per overlay action, how many nodes it touched. Exit 1 with one line on stderr on failure;
nothing is written then.

`trace()` is the same build for scripts/update_vendor.py: it applies every action even when its
target selects nothing, and says of each whether it was stale (selected nothing) and whether it
changed the document, so that a vendor change is reported whole (every stale action, every
action the vendor made redundant) instead of failing at the first.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.overlay import (
    ActionReport,
    OverlayError,
    YamlRoundTripError,
    apply_overlay,
    dump_yaml,
    format_report,
    load_overlay,
    load_yaml,
)

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "openapi" / "vendor"
OVERLAYS_DIR = ROOT / "overlays"
OUT = ROOT / "openapi" / "chainhub-aigc.yaml"

HEADER = (
    "# BUILT FILE, do not edit: scripts/build_spec.py bundles openapi/vendor/*.yaml and applies\n"
    "# overlays/*.yaml in file-name order. Change an overlay and run `make generate`.\n"
)


class BuildError(Exception):
    """The spec cannot be built; str() is the one-line reason."""


def bundle(documents: list[tuple[str, Any]]) -> Any:
    """Merge the vendor documents into one: the first gives info/servers, paths are unioned."""
    if not documents:
        raise BuildError("no vendor documents to bundle")
    base_name, base = documents[0]
    bundled = copy.deepcopy(base)
    for name, doc in documents[1:]:
        for path, item in doc.get("paths", {}).items():
            if path in bundled["paths"]:
                raise BuildError(f"{name}: path {path} is already defined by {base_name}")
            bundled["paths"][path] = copy.deepcopy(item)
        for section, entries in (doc.get("components") or {}).items():
            target = bundled.setdefault("components", {}).setdefault(section, {})
            for key, value in (entries or {}).items():
                if key in target and _plain(target[key]) != _plain(value):
                    raise BuildError(f"{name}: components.{section}.{key} differs from {base_name}")
                target[key] = copy.deepcopy(value)
        for key in ("servers", "security"):
            if _plain(doc.get(key)) != _plain(bundled.get(key)):
                raise BuildError(f"{name}: `{key}` differs from {base_name}")
    return bundled


def _plain(data: Any) -> Any:
    """ruamel's round-trip types as plain JSON data, for comparisons and validation."""
    return json.loads(json.dumps(data))


def build(
    vendor_dir: Path = VENDOR_DIR,
    overlays_dir: Path = OVERLAYS_DIR,
    report: bool = True,
) -> tuple[str, list[ActionReport]]:
    """Return the built spec as YAML text, and what each overlay action touched."""
    vendor_files = sorted(vendor_dir.glob("*.yaml"))
    spec = bundle([(path.name, load_yaml(path)) for path in vendor_files])
    overlay_files = sorted(overlays_dir.glob("*.yaml"))
    # Validate every overlay before applying any, so a broken one fails before work is done.
    overlays = [(path, load_overlay(path)) for path in overlay_files]
    reports: list[ActionReport] = []
    for path, overlay in overlays:
        name = _display(path)
        spec, actions = apply_overlay(spec, overlay, name=name, allow_empty_targets=False)
        reports.extend(actions)
        if report:  # the same line per action as scripts/overlay.py prints
            for action in actions:
                print(format_report(action))
    return render(spec), reports


def render(spec: Any) -> str:
    """Validate a built spec as OpenAPI 3.0 and return the text of the BUILT file."""
    try:
        validate(_plain(spec))
    except OpenAPIValidationError as exc:
        raise BuildError(f"the built spec is not valid OpenAPI: {exc.message}") from exc
    return HEADER + dump_yaml(spec)


@dataclasses.dataclass(frozen=True)
class ActionTrace:
    """One overlay action as `trace()` applied it."""

    report: ActionReport
    stale: bool  # the target selected nothing (the build would fail here)
    changed: bool  # applying the action changed the document
    error: str | None = None  # the action cannot be applied (then it is the last one traced)
    stale_copy: str | None = None  # the copy source that selected nothing (the action skipped)


def _selects_nothing(query: str, document: Any) -> bool:
    try:
        return not jsonpath_rfc9535.find(query, document)
    except jsonpath_rfc9535.JSONPathError:
        return False  # not a valid JSONPath: apply_overlay says so when it is applied


def _first_line(action: Any) -> str:
    return str(action.get("description") or "").strip().split("\n")[0].strip()


def trace(
    vendor_dir: Path = VENDOR_DIR, overlays_dir: Path = OVERLAYS_DIR
) -> tuple[Any, list[ActionTrace]]:
    """Bundle and apply every overlay action one by one, empty targets allowed; return the
    resulting document (not validated: see `render`) and a trace of every action.

    An action that cannot be applied at all (e.g. a merge of an object into a string) ends the
    trace: its `error` is the applier's one-line message, naming the overlay and the action.
    Raises OverlayError only for an overlay file that is not a valid overlay.
    """
    vendor_files = sorted(vendor_dir.glob("*.yaml"))
    spec = bundle([(path.name, load_yaml(path)) for path in vendor_files])
    overlays = [(path, load_overlay(path)) for path in sorted(overlays_dir.glob("*.yaml"))]
    traces: list[ActionTrace] = []
    for path, overlay in overlays:
        name = _display(path)
        for index, action in enumerate(overlay["actions"]):
            target = str(action["target"])
            before = json.dumps(spec)
            stale = _selects_nothing(target, spec)
            source = action.get("copy")
            if source is not None and not stale and _selects_nothing(str(source), spec):
                # A copy whose source is gone is stale too; skip it and go on collecting.
                kind = "copy"
                report = ActionReport(name, index, kind, target, 0, _first_line(action))
                traces.append(ActionTrace(report, True, False, stale_copy=str(source)))
                continue
            single = {**overlay, "actions": [action]}
            try:
                spec, (report,) = apply_overlay(spec, single, name=name, allow_empty_targets=True)
            except OverlayError as exc:  # put back the index of the action in its file
                error = OverlayError(name, exc.reason, index=index, target=target)
                kind = "remove" if action.get("remove") is True else "update"
                report = ActionReport(name, index, kind, target, 0, "")
                traces.append(ActionTrace(report, stale, False, str(error)))
                return spec, traces  # what follows would be applied to a broken document
            report = dataclasses.replace(report, index=index)
            traces.append(ActionTrace(report, stale, json.dumps(spec) != before))
    return spec, traces


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    parser.add_argument("--vendor-dir", type=Path, default=VENDOR_DIR)
    parser.add_argument("--overlays-dir", type=Path, default=OVERLAYS_DIR)
    parser.add_argument("--quiet", action="store_true", help="do not print the action report")
    args = parser.parse_args(argv)
    try:
        text, reports = build(args.vendor_dir, args.overlays_dir, report=not args.quiet)
    except (OverlayError, BuildError, YamlRoundTripError, OSError) as exc:
        print(f"build_spec: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if not args.quiet:
        print(
            f"wrote {_display(args.out)}: {len(reports)} overlay actions applied, valid OpenAPI 3.0"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
