"""One row per numbered defect of API.md section 4, each shown corrected in the built spec.

The predicates live in scripts/defects.py; each is shown to tell the defect (present in the
seed pages, tests/spec/data/vendor-docs) from its fix (the built spec). Whether the current
vendor files (openapi/vendor/) still have a defect is not asserted: `make vendor-update`
reports a defect the vendor has fixed upstream, and the overlay actions it leaves redundant.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scripts.build_spec import bundle
from scripts.defects import DEFECTS, Defect, cited_defects, is_valid_openapi
from scripts.import_vendor import extract_yaml_block
from scripts.overlay import load_yaml
from tests.spec.specdata import plain

SEED_PAGES = Path(__file__).parent / "data" / "vendor-docs"

NUMBERS = list(range(1, 15))


def test_every_defect_of_api_md_has_a_row() -> None:
    assert [d.number for d in DEFECTS] == NUMBERS


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: f"defect-{d.number:02d}")
def test_defect_fixed_in_built_spec(defect: Defect, built: Any) -> None:
    assert defect.fixed(built), (
        f"defect {defect.number} ({defect.what}) not fixed in the built spec"
    )


@pytest.fixture(scope="module")
def seed_docs() -> dict[str, Any]:
    """The YAML blocks of the vendor pages as first published (test data that never changes,
    unlike openapi/vendor/), so that every predicate is shown to tell a defect from its fix."""
    return {
        page.name: plain(load_yaml(extract_yaml_block(page.read_bytes()).decode()))
        for page in sorted(SEED_PAGES.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def seed(seed_docs: dict[str, Any]) -> Any:
    return plain(bundle(list(seed_docs.items())))


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: f"defect-{d.number:02d}")
def test_defect_present_in_the_seed_pages_and_not_fixed_there(defect: Defect, seed: Any) -> None:
    assert defect.present_in(seed) is True, f"defect {defect.number} not seen in the seed pages"
    try:
        fixed = defect.fixed(seed)
    except (KeyError, TypeError, IndexError, AttributeError):
        fixed = False
    assert not fixed, f"defect {defect.number}: its `fixed` check passes the seed pages"


def test_each_seed_document_alone_is_invalid(seed_docs: dict[str, Any]) -> None:
    """Defect 4 holds for both published documents, not just for the bundle."""
    assert [name for name, doc in seed_docs.items() if is_valid_openapi(doc)] == []


def test_a_present_predicate_sees_its_defect_put_back_into_the_built_spec(built: Any) -> None:
    """present() is used by the vendor-update report, so it must see a defect when it is there:
    undo the fix of defect 7 in a copy of the built spec."""
    spec = copy.deepcopy(built)
    spec["components"]["schemas"]["ImageTaskRequest"]["properties"]["tasks_priority"] = {
        "type": "string"
    }
    (defect_7,) = [d for d in DEFECTS if d.number == 7]
    assert defect_7.present_in(built) is False
    assert defect_7.present_in(spec) is True
    assert not defect_7.fixed(spec)


def test_present_in_says_cannot_tell_when_the_shape_is_unknown() -> None:
    """A spec without the paths a check walks: None ("cannot tell"), never an exception."""
    unknown = [d.number for d in DEFECTS if d.present_in({}) is None]
    assert unknown == [1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 13, 14]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Defect 7 of API.md: tasks_priority", {7}),
        ("Defects 3 and 4: the queue-object schema", {3, 4}),
        ("Defect 1, short tag `images`", {1}),
        ("Fact (API.md section 2): the envelope", set()),
    ],
)
def test_cited_defects_reads_overlay_descriptions(text: str, numbers: set[int]) -> None:
    assert cited_defects(text) == numbers
