"""The vendor documents are kept byte for byte: the files equal the YAML blocks of the published
pages (copied into tests/spec/data/vendor-docs so the suite runs without ../shared), and SOURCES
records their sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from scripts.import_vendor import ImportError_, extract_yaml_block, import_document, read_sources
from tests.spec.specdata import VENDOR_DIR

DOCS = Path(__file__).parent / "data" / "vendor-docs"
PAGES = {
    "aigc-image.yaml": "000_57801e3b5b4801ef.txt",
    "aigc-video.yaml": "001_d4c261d5a6aab249.txt",
}


@pytest.mark.parametrize(("vendor_file", "page"), PAGES.items())
def test_vendor_file_is_the_pages_yaml_block_byte_for_byte(vendor_file: str, page: str) -> None:
    raw = (DOCS / page).read_bytes()
    # Independently of the importer: everything between the ```yaml line and the last fence.
    expected = raw.split(b"```yaml\n", 1)[1].rsplit(b"```", 1)[0]
    assert (VENDOR_DIR / vendor_file).read_bytes() == expected
    assert extract_yaml_block(raw) == expected  # and the importer agrees


def test_sources_records_origin_document_and_sha256() -> None:
    entries = read_sources(VENDOR_DIR / "SOURCES")
    assert set(entries) == set(PAGES)
    for name, entry in entries.items():
        assert entry.document == PAGES[name]
        assert entry.sha256 == hashlib.sha256((VENDOR_DIR / name).read_bytes()).hexdigest()
        assert entry.origin.startswith("https://")


def test_import_vendor_round_trip(tmp_path: Path) -> None:
    """The 'vendor changed its docs' workflow: importing the pages again writes the same files."""
    for page in PAGES.values():
        import_document(DOCS / page, vendor_dir=tmp_path)
    for name in PAGES:
        assert (tmp_path / name).read_bytes() == (VENDOR_DIR / name).read_bytes()
    assert (tmp_path / "SOURCES").read_text() == (VENDOR_DIR / "SOURCES").read_text()


def test_import_vendor_accepts_a_bare_yaml_file(tmp_path: Path) -> None:
    bare = tmp_path / "new.yaml"
    bare.write_bytes((VENDOR_DIR / "aigc-video.yaml").read_bytes())
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
