"""The vendor documents are kept byte for byte, and SOURCES says where each came from.

Consistency, not history: SOURCES lists exactly the vendor files with their sha256, and the
importer round-trips them. Which page a file was imported from is a record in SOURCES, not an
assertion, so a vendor update (`make vendor-update`) keeps these tests green. The importer's
own behaviour is tested on the seed pages (tests/spec/data/vendor-docs), which never change.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scripts.import_vendor import (
    ImportError_,
    extract_yaml_block,
    import_document,
    read_sources,
    vendor_name,
)
from tests.spec.specdata import VENDOR_DIR

SEED_PAGES = sorted((Path(__file__).parent / "data" / "vendor-docs").glob("*.txt"))
VENDOR_FILES = sorted(p.name for p in VENDOR_DIR.glob("*.yaml"))


def test_sources_lists_exactly_the_vendor_files() -> None:
    assert VENDOR_FILES, "openapi/vendor/ holds no document"
    assert sorted(read_sources(VENDOR_DIR / "SOURCES")) == VENDOR_FILES


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_sources_records_the_sha256_and_a_document_of_each_file(name: str) -> None:
    entry = read_sources(VENDOR_DIR / "SOURCES")[name]
    assert entry.sha256 == hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest()
    assert entry.document and entry.origin  # a record: whatever page it came from


@pytest.mark.parametrize("name", VENDOR_FILES)
def test_import_round_trips_each_vendor_file(name: str, tmp_path: Path) -> None:
    """Importing a vendor file again (as a bare YAML document) writes the same bytes, under the
    same name, with the same sha256 as SOURCES records."""
    entry = read_sources(VENDOR_DIR / "SOURCES")[name]
    bare = tmp_path / "page.yaml"
    bare.write_bytes((VENDOR_DIR / name).read_bytes())
    imported = import_document(
        bare, vendor_dir=tmp_path / "vendor", name=Path(name).stem, origin=entry.origin
    )
    assert (tmp_path / "vendor" / name).read_bytes() == (VENDOR_DIR / name).read_bytes()
    assert (imported.file, imported.sha256, imported.origin) == (
        entry.file,
        entry.sha256,
        entry.origin,
    )


@pytest.mark.parametrize("page", SEED_PAGES, ids=lambda p: p.name)
def test_import_keeps_the_yaml_block_of_a_page_byte_for_byte(page: Path, tmp_path: Path) -> None:
    raw = page.read_bytes()
    # Independently of the importer: everything between the ```yaml line and the last fence.
    expected = raw.split(b"```yaml\n", 1)[1].rsplit(b"```", 1)[0]
    entry = import_document(page, vendor_dir=tmp_path)
    assert (tmp_path / entry.file).read_bytes() == expected
    assert entry.file == f"{vendor_name(expected)}.yaml"
    assert entry.sha256 == hashlib.sha256(expected).hexdigest()
    assert entry.document == page.name
    assert entry.origin.startswith("https://")  # from the block's x-run-in-apifox
    assert read_sources(tmp_path / "SOURCES") == {entry.file: entry}


def test_import_vendor_accepts_a_bare_yaml_file(tmp_path: Path) -> None:
    bare = tmp_path / "new.yaml"
    bare.write_bytes(extract_yaml_block(SEED_PAGES[1].read_bytes()))
    entry = import_document(bare, vendor_dir=tmp_path / "vendor")
    assert entry.file == "aigc-video.yaml"
    assert (tmp_path / "vendor" / "aigc-video.yaml").read_bytes() == bare.read_bytes()


@pytest.mark.parametrize(
    "text",
    [b"# a page\n\nno yaml here\n", b"```yaml\nopenapi: 3.0.1\n", b"```yaml\nfoo: 1\n```\n"],
    ids=["no-block", "unclosed", "not-openapi"],
)
def test_import_vendor_rejects_documents_without_an_openapi_block(text: bytes) -> None:
    with pytest.raises(ImportError_):
        extract_yaml_block(text)
