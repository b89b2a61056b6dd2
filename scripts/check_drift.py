"""Drift check: rebuild the spec and the client in a temporary directory, compare with the tree.

    python scripts/check_drift.py [--root DIR]

Both BUILT artifacts (openapi/chainhub-aigc.yaml and generated/chainhub_aigc_client/) are
committed so users need no toolchain; this check fails, with a unified diff, when either differs
from a fresh rebuild: someone edited a generated file, or changed an overlay, a vendor document or
the generator configuration without running `make generate`.
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.build_spec import BuildError, build
from scripts.generate import GenerateError, generate
from scripts.overlay import OverlayError

ROOT = Path(__file__).resolve().parent.parent
SPEC_REL = Path("openapi/chainhub-aigc.yaml")
CLIENT_REL = Path("generated/chainhub_aigc_client")


def _files(base: Path) -> dict[str, Path]:
    if not base.exists():
        return {}
    return {
        str(p.relative_to(base)): p
        for p in sorted(base.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _diff(label: str, committed: str | None, fresh: str | None) -> list[str]:
    if committed == fresh:
        return []
    return list(
        difflib.unified_diff(
            (committed or "").splitlines(keepends=True),
            (fresh or "").splitlines(keepends=True),
            fromfile=f"committed/{label}" if committed is not None else "/dev/null",
            tofile=f"rebuilt/{label}" if fresh is not None else "/dev/null",
        )
    )


def check(root: Path = ROOT) -> list[str]:
    """Return the diff lines between the tree at `root` and a fresh rebuild (empty: no drift)."""
    diff: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chainhub-drift-") as tmp:
        spec_text, _ = build(root / "openapi" / "vendor", root / "overlays", report=False)
        fresh_spec = Path(tmp) / "chainhub-aigc.yaml"
        fresh_spec.write_text(spec_text, encoding="utf-8")
        committed_spec = root / SPEC_REL
        diff += _diff(
            str(SPEC_REL),
            committed_spec.read_text(encoding="utf-8") if committed_spec.exists() else None,
            spec_text,
        )
        fresh_client = Path(tmp) / "client" / CLIENT_REL.name
        generate(fresh_spec, fresh_client)
        committed_files, fresh_files = _files(root / CLIENT_REL), _files(fresh_client)
        for name in sorted(set(committed_files) | set(fresh_files)):
            old, new = committed_files.get(name), fresh_files.get(name)
            diff += _diff(
                str(CLIENT_REL / name),
                old.read_text(encoding="utf-8") if old else None,
                new.read_text(encoding="utf-8") if new else None,
            )
    return diff


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to check")
    args = parser.parse_args(argv)
    try:
        diff = check(args.root)
    except (BuildError, GenerateError, OverlayError, OSError) as exc:
        print(f"check: {exc}", file=sys.stderr)
        return 1
    if diff:
        sys.stdout.writelines(diff)
        print(
            "\ncheck: the committed spec or client differs from a fresh rebuild "
            "(run `make generate` and commit, and never edit generated/ by hand)",
            file=sys.stderr,
        )
        return 1
    print(
        "check: openapi/chainhub-aigc.yaml and generated/chainhub_aigc_client match a fresh rebuild"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
