"""Import a vendor OpenAPI document into openapi/vendor/, byte for byte.

The vendor publishes its two documents as Markdown pages with one fenced ```yaml block each.
We keep that block exactly as published (no re-serialisation: every correction is an overlay),
so a later diff against a new page shows precisely what the vendor changed.

    python scripts/import_vendor.py PAGE_OR_YAML [--name aigc-image] [--origin URL]

The target file name is derived from the document's only path (`/tencent-vod/v1/aigc-image`
-> `aigc-image.yaml`) unless --name is given. SOURCES is updated with the sha256, the document the
block came from, and its origin. Then `make generate` re-applies the overlays; an overlay that no
longer matches the new document fails the build.

`make vendor-update DOCS=...` (scripts/update_vendor.py) does all of it in one step, all or
nothing, and prints the contract diff: prefer it. This script is the import step it reuses.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "openapi" / "vendor"
SOURCES_HEADER = (
    "# The vendor's OpenAPI documents, kept byte for byte as published.\n"
    "# Written by scripts/import_vendor.py; checked by tests/spec/test_vendor.py.\n"
    "# file\tsha256\tdocument\torigin\n"
)

# An opening fence of a YAML block, up to its closing fence (CommonMark: ``` or longer).
_FENCE_OPEN = re.compile(rb"^(?P<fence>`{3,}|~{3,})[ \t]*ya?ml[ \t]*\r?\n", re.MULTILINE)
_PATH_KEY = re.compile(rb"^  (/[^:\s]+):\s*$", re.MULTILINE)
_APIFOX_RUN = re.compile(rb"x-run-in-apifox:\s*(\S+)")


class ImportError_(Exception):
    """A document that holds no usable YAML block."""


@dataclass(frozen=True)
class SourceEntry:
    file: str
    sha256: str
    document: str
    origin: str

    def line(self) -> str:
        return f"{self.file}\t{self.sha256}\t{self.document}\t{self.origin}\n"


def extract_yaml_block(raw: bytes) -> bytes:
    """Return the bytes between the first ```yaml fence and its closing fence.

    A bare YAML file (no fence, starts with `openapi:`) is returned unchanged.
    """
    match = _FENCE_OPEN.search(raw)
    if match is None:
        if raw.lstrip().startswith(b"openapi:"):
            return raw
        raise ImportError_("no ```yaml block and not a bare OpenAPI YAML document")
    fence = match.group("fence")
    start = match.end()
    close = re.compile(
        rb"^" + re.escape(fence[:1]) + rb"{%d,}[ \t]*\r?$" % len(fence), re.MULTILINE
    )
    end = close.search(raw, start)
    if end is None:
        raise ImportError_("the ```yaml block is never closed")
    block = raw[start : end.start()]
    if not block.lstrip().startswith(b"openapi:"):
        raise ImportError_("the YAML block is not an OpenAPI document (no `openapi:` key)")
    return block


def vendor_name(block: bytes) -> str:
    """`aigc-image` for a document whose only path ends in /aigc-image."""
    paths = _PATH_KEY.findall(block)
    if len(paths) != 1:
        raise ImportError_(
            f"expected exactly one path in the document, found {len(paths)}: use --name"
        )
    path: bytes = paths[0]
    return path.decode().rstrip("/").rsplit("/", 1)[-1]


def origin_of(block: bytes) -> str:
    """The page the document was exported from, as the document itself records it."""
    match = _APIFOX_RUN.search(block)
    return match.group(1).decode() if match else "unknown"


def read_sources(path: Path) -> dict[str, SourceEntry]:
    entries: dict[str, SourceEntry] = {}
    if not path.exists():
        return entries
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        file, sha, document, origin = line.split("\t")
        entries[file] = SourceEntry(file, sha, document, origin)
    return entries


def write_sources(path: Path, entries: dict[str, SourceEntry]) -> None:
    body = "".join(entries[name].line() for name in sorted(entries))
    path.write_text(SOURCES_HEADER + body, encoding="utf-8")


def import_document(
    document: Path,
    *,
    vendor_dir: Path = VENDOR_DIR,
    name: str | None = None,
    origin: str | None = None,
) -> SourceEntry:
    block = extract_yaml_block(document.read_bytes())
    file = f"{name or vendor_name(block)}.yaml"
    vendor_dir.mkdir(parents=True, exist_ok=True)
    (vendor_dir / file).write_bytes(block)
    entry = SourceEntry(
        file=file,
        sha256=hashlib.sha256(block).hexdigest(),
        document=document.name,
        origin=origin or origin_of(block),
    )
    sources_path = vendor_dir / "SOURCES"
    entries = read_sources(sources_path)
    entries[file] = entry
    write_sources(sources_path, entries)
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "document", type=Path, help="a saved vendor Markdown page or a bare YAML file"
    )
    parser.add_argument("--name", help="vendor file name without .yaml (default: from the path)")
    parser.add_argument(
        "--origin", help="where the document was published (default: from the document)"
    )
    parser.add_argument("--vendor-dir", type=Path, default=VENDOR_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        entry = import_document(
            args.document, vendor_dir=args.vendor_dir, name=args.name, origin=args.origin
        )
    except (OSError, ImportError_) as exc:
        print(f"{args.document}: {exc}", file=sys.stderr)
        return 1
    print(f"{entry.file}: sha256 {entry.sha256} from {entry.document}")
    print(
        "next: `make generate` re-applies every overlay to the new document "
        '(`make vendor-update DOCS="..."` imports, rebuilds and diffs in one step)'
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
