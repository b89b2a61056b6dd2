"""Take a changed vendor document all the way through: import, build, generate, contract diff.

    make vendor-update DOCS="PAGE_OR_YAML ..."
    python scripts/update_vendor.py PAGE_OR_YAML [PAGE_OR_YAML ...]

For each file (a saved vendor Markdown page with one ```yaml block, or a bare YAML document):
import it byte for byte (scripts/import_vendor.py). It replaces the vendor file that has one of
its paths, else the one published at the same origin (a renamed path), else it is added as a
new vendor file named after its path; SOURCES is updated. Then the spec is rebuilt with every
overlay (scripts/build_spec.py), the client and everything derived from the spec regenerated
(scripts/generate.py), and the contract diff of the old and the new built spec printed
(scripts/spec_diff.py), with a report of the vendor defects (scripts/defects.py) that the new
documents no longer have and of the overlay actions that became redundant.

All or nothing. Exit 0 when the change flows through. Exit 1 when it does not, with one line per
problem on stderr, and openapi/ and generated/ left as they were: an overlay action whose target
selects nothing in the new documents (every such action is listed: overlay file, actions[i],
target, what to do), a document that cannot be imported, an invalid built spec, a generator
failure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruamel.yaml.error import YAMLError

from scripts import spec_diff
from scripts.build_spec import OUT as SPEC
from scripts.build_spec import (
    OVERLAYS_DIR,
    VENDOR_DIR,
    ActionTrace,
    BuildError,
    bundle,
    render,
    trace,
)
from scripts.defects import DEFECTS, cited_defects
from scripts.generate import OUT as CLIENT
from scripts.generate import GenerateError, generate
from scripts.import_vendor import (
    ImportError_,
    extract_yaml_block,
    import_document,
    origin_of,
    read_sources,
)
from scripts.overlay import OverlayError, YamlRoundTripError, load_yaml

ROOT = Path(__file__).resolve().parent.parent


class UpdateError(Exception):
    """The vendor change does not flow through; each item of `lines` is one problem."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        super().__init__("; ".join(self.lines))


@dataclass(frozen=True)
class Imported:
    document: Path
    file: str
    replaced: bool


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data))


def _paths(block: bytes) -> set[str]:
    document = load_yaml(block.decode("utf-8"))
    paths = document.get("paths") if isinstance(document, dict) else None
    return {str(p) for p in paths} if isinstance(paths, dict) else set()


def _target_name(block: bytes, vendor_dir: Path) -> str | None:
    """The vendor file (without .yaml) this document replaces; None: name it after its path."""
    paths = _paths(block)
    for existing in sorted(vendor_dir.glob("*.yaml")):
        if paths & _paths(existing.read_bytes()):
            return existing.stem
    origin = origin_of(block)
    if origin != "unknown":
        for entry in read_sources(vendor_dir / "SOURCES").values():
            if entry.origin == origin and (vendor_dir / entry.file).exists():
                return Path(entry.file).stem
    return None


def stage(documents: list[Path], vendor_dir: Path, staged: Path) -> list[Imported]:
    """Copy the vendor directory to `staged` and import the documents there."""
    shutil.copytree(vendor_dir, staged)
    imported = []
    for document in documents:
        try:
            block = extract_yaml_block(document.read_bytes())
            name = _target_name(block, staged)
            before = {p.name for p in staged.glob("*.yaml")}
            entry = import_document(document, vendor_dir=staged, name=name)
        except (OSError, ImportError_, YAMLError, UnicodeDecodeError) as exc:
            raise UpdateError([f"{document}: {' '.join(str(exc).split())}"]) from exc
        imported.append(Imported(document, entry.file, entry.file in before))
    return imported


def problem_lines(traces: list[ActionTrace]) -> list[str]:
    """One line per stale overlay action (and the action that could not be applied, if any)."""
    lines = []
    for t in traces:
        if t.stale_copy is not None:
            lines.append(
                f"{t.report.overlay}: actions[{t.report.index}] (copy {t.stale_copy}): "
                "the copy source selects nothing in the new vendor documents: update the copy "
                "path or remove the action"
            )
        elif t.stale:
            lines.append(
                f"{t.report.overlay}: actions[{t.report.index}] (target {t.report.target}): "
                "selects nothing in the new vendor documents: update the target or remove "
                "the action"
            )
        elif t.error is not None:
            lines.append(f"{t.error}: fix the overlay action")
    return lines


def defect_report(
    old_vendor: Any, new_vendor: Any, built: Any, traces: list[ActionTrace]
) -> list[str]:
    """What the new vendor documents fixed upstream, and which overlay actions that leaves
    redundant; a warning for a defect the new built spec no longer corrects."""
    lines = []
    for defect in DEFECTS:
        was, now = defect.present_in(old_vendor), defect.present_in(new_vendor)
        if now is False:
            lines.append(f"defect {defect.number} ({defect.what}) is fixed upstream")
            for t in traces:
                if defect.number in cited_defects(t.report.description):
                    where = f"{t.report.overlay} actions[{t.report.index}]"
                    if t.changed:
                        lines.append(f"  {where} still changes the spec: review it")
                    else:
                        lines.append(f"  {where} is now redundant (it changes nothing): remove it")
        elif now is None and was is not False:
            lines.append(
                f"defect {defect.number} ({defect.what}): its check does not apply to the new "
                "vendor documents (scripts/defects.py): review it"
            )
        try:
            fixed = bool(defect.fixed(built))
        except (KeyError, TypeError, IndexError, AttributeError):
            fixed = False
        if not fixed:
            lines.append(
                f"warning: defect {defect.number} ({defect.what}) is not corrected in the new "
                "built spec: fix the overlays (tests/spec/test_defects.py fails until then)"
            )
    for t in traces:
        if not t.changed and not t.stale and cited_defects(t.report.description) == set():
            lines.append(
                f"{t.report.overlay} actions[{t.report.index}] changes nothing: "
                "the vendor documents may already say what it adds; review it"
            )
    return lines


def _vendor_bundle(vendor_dir: Path) -> Any:
    return _plain(bundle([(p.name, load_yaml(p)) for p in sorted(vendor_dir.glob("*.yaml"))]))


def _replace_dir(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)


def update(documents: list[Path], out: TextIO = sys.stdout) -> int:
    """Run the whole update; raise UpdateError (nothing changed) when it cannot flow through."""
    openapi_dir = SPEC.parent
    old_spec = _plain(load_yaml(SPEC))
    old_vendor = _vendor_bundle(VENDOR_DIR)
    with tempfile.TemporaryDirectory(prefix="chainhub-vendor-update-") as tmp:
        staged = Path(tmp) / "vendor"
        imported = stage(documents, VENDOR_DIR, staged)
        for item in imported:
            how = "replaces" if item.replaced else "new vendor file"
            print(f"import: {item.document} -> openapi/vendor/{item.file} ({how})", file=out)
        new_vendor = _vendor_bundle(staged)
        try:
            spec, traces = trace(staged, OVERLAYS_DIR)
        except (OverlayError, BuildError, YAMLError) as exc:
            raise UpdateError([str(exc)]) from exc
        problems = problem_lines(traces)
        if problems:
            raise UpdateError(problems)
        try:
            text = render(spec)
        except (BuildError, YamlRoundTripError) as exc:
            raise UpdateError([f"build: {exc}"]) from exc
        new_spec = _plain(spec)
        # Commit: vendor files, built spec, generated code; on any failure put all back.
        backup = Path(tmp) / "backup"
        shutil.copytree(openapi_dir, backup / "openapi")
        if CLIENT.parent.exists():
            shutil.copytree(CLIENT.parent, backup / "generated")
        try:
            for path in staged.iterdir():
                shutil.copyfile(path, VENDOR_DIR / path.name)
            SPEC.write_text(text, encoding="utf-8")
            print(f"build: openapi/chainhub-aigc.yaml ({len(traces)} overlay actions)", file=out)
            generate()
            print(f"generate: {CLIENT.relative_to(ROOT)} and what derives from the spec", file=out)
        except BaseException as exc:
            _replace_dir(backup / "openapi", openapi_dir)
            if (backup / "generated").exists():
                _replace_dir(backup / "generated", CLIENT.parent)
            if isinstance(exc, GenerateError | OSError):
                raise UpdateError([f"generate: {' '.join(str(exc).split())[:2000]}"]) from exc
            raise
    changes = spec_diff.diff(old_spec, new_spec)
    print("\ncontract diff (old -> new built spec):", file=out)
    out.write(spec_diff.render(changes))
    report = defect_report(old_vendor, new_vendor, new_spec, traces)
    if report:
        print("\nvendor defects and overlays:", file=out)
        for line in report:
            print(line, file=out)
    print(
        "\nnext: review the diff, run `make test`, then commit openapi/, generated/ and any "
        "overlay you changed",
        file=out,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "documents",
        type=Path,
        nargs="+",
        metavar="PAGE_OR_YAML",
        help="a saved vendor Markdown page or a bare OpenAPI YAML document",
    )
    args = parser.parse_args(argv)
    try:
        return update(args.documents)
    except UpdateError as exc:
        for line in exc.lines:
            print(f"vendor-update: {line}", file=sys.stderr)
        print(
            "vendor-update: nothing changed (openapi/ and generated/ are as they were)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
