"""Which per-account rate limit each operation spends: declared in the spec (overlay
75-rate-limits.yaml, `x-rate-limit`) and read into the operation table, never listed in code."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from chainhub_aigc._operations import OperationTable, operation_table
from chainhub_aigc._spec import SpecError, packaged_spec, spec_operations
from tests.data import IMAGE_PATH, QUERY_TEMPLATE, VIDEO_PATH


def test_every_operation_of_the_built_spec_declares_its_bucket(built: Any) -> None:
    seen = {}
    for path, method, op, _ in spec_operations(built):
        seen[(method, path)] = op.get("x-rate-limit")
    assert seen == {
        ("post", IMAGE_PATH): {"bucket": "create", "per_second": 20},
        ("post", VIDEO_PATH): {"bucket": "create", "per_second": 20},
        ("get", QUERY_TEMPLATE): {"bucket": "query", "per_second": 100},
    }


def test_every_operation_declares_a_429_answer(built: Any) -> None:
    """A refused request (the mock's --rate-limits) must conform to the spec."""
    for path, method, op, _ in spec_operations(built):
        assert "429" in op["responses"], f"{method.upper()} {path}"


def test_the_operation_table_reads_the_buckets_from_the_spec() -> None:
    rows = operation_table().rows
    by_path = {(row.method, row.path): row for row in rows.values()}
    create = by_path[("POST", IMAGE_PATH)]
    query = by_path[("GET", QUERY_TEMPLATE)]
    assert (create.rate_bucket, create.rate_per_second) == ("create", 20.0)
    assert (query.rate_bucket, query.rate_per_second) == ("query", 100.0)
    assert isinstance(create.rate_per_second, float)


def _edited_spec(edit: dict[str, Any] | None) -> dict[str, Any]:
    spec = copy.deepcopy(dict(packaged_spec()))
    op = spec["paths"][IMAGE_PATH]["post"]
    if edit is None:
        del op["x-rate-limit"]
    else:
        op["x-rate-limit"] = edit
    return spec


def test_a_changed_extension_changes_the_row() -> None:
    table = OperationTable.from_spec(_edited_spec({"bucket": "query", "per_second": 7.5}))
    row = table.rows["createImageTask"]
    assert (row.rate_bucket, row.rate_per_second) == ("query", 7.5)


def test_without_the_extension_the_query_bucket_and_no_known_limit() -> None:
    row = OperationTable.from_spec(_edited_spec(None)).rows["createImageTask"]
    assert row.rate_bucket == "query"
    assert math.isinf(row.rate_per_second)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"bucket": "uploads", "per_second": 5}, "bucket must be one of create, query"),
        ({"bucket": "create", "per_second": 0}, "per_second must be a positive number"),
        ({"bucket": "create", "per_second": "20"}, "per_second must be a positive number"),
        ({"bucket": "create", "per_second": True}, "per_second must be a positive number"),
    ],
)
def test_a_bad_extension_fails_naming_the_operation(edit: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError, match=message) as caught:
        OperationTable.from_spec(_edited_spec(edit))
    assert "createImageTask" in str(caught.value)


def test_an_extension_that_is_not_an_object_fails() -> None:
    spec = _edited_spec(None)
    spec["paths"][IMAGE_PATH]["post"]["x-rate-limit"] = 20
    with pytest.raises(SpecError, match="x-rate-limit of createImageTask must be an object"):
        OperationTable.from_spec(spec)
