"""scripts/spec_diff.py: every kind of change, its marker, the field names, the command line."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts.overlay import load_yaml
from scripts.spec_diff import diff, main, render
from tests.spec.specdata import BUILT_SPEC, ROOT, plain

OP = "createThing"
REF = "#/components/schemas/"


def make_spec(
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    *,
    request_required: list[str] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    schemas: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One POST operation with a request body schema and a 200 response schema."""
    body: dict[str, Any] = {"type": "object", "properties": request or {"name": {"type": "string"}}}
    if request_required:
        body["required"] = request_required
    ok = {"type": "object", "properties": response or {"Id": {"type": "string"}}}
    operation: dict[str, Any] = {
        "operationId": OP,
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": ok}}},
            "400": {"description": "bad"},
        },
    }
    if parameters:
        operation["parameters"] = parameters
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"post": operation}},
        "components": {"schemas": schemas or {}},
    }


def lines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [change.line() for change in diff(old, new)]


def test_no_change_gives_no_lines_and_says_so() -> None:
    spec = make_spec()
    assert diff(spec, copy.deepcopy(spec)) == []
    assert render([]) == "no contract changes\n"


def test_operations_added_removed_and_renamed() -> None:
    old = make_spec()
    new = copy.deepcopy(old)
    new["paths"]["/other"] = {"get": {"operationId": "getOther", "responses": {}}}
    assert lines(old, new) == ["compatible  operation getOther: added (GET /other)"]
    assert lines(new, old) == ["breaking    operation getOther: removed (GET /other)"]
    renamed = copy.deepcopy(old)
    renamed["paths"]["/things"]["post"]["operationId"] = "makeThing"
    assert lines(old, renamed) == [
        "breaking    operation makeThing: operationId createThing -> makeThing "
        "(POST /things): generated names change"
    ]


def test_request_fields_added_optional_required_and_nested() -> None:
    old = make_spec({"name": {"type": "string"}})
    optional = make_spec({"name": {"type": "string"}, "seed": {"type": "integer"}})
    assert lines(old, optional) == ["compatible  added     createThing request seed: integer"]
    required = make_spec(
        {"name": {"type": "string"}, "seed": {"type": "integer"}}, request_required=["seed"]
    )
    assert lines(old, required) == [
        "breaking    added     createThing request seed: integer, required"
    ]
    # A new optional object with a required field inside: the object is the one change.
    nested = make_spec(
        {
            "name": {"type": "string"},
            "config": {
                "type": "object",
                "required": ["mode"],
                "properties": {"mode": {"type": "string", "enum": ["a", "b"]}},
            },
        }
    )
    assert lines(old, nested) == ["compatible  added     createThing request config: object"]


def test_a_removed_request_field_is_compatible_a_removed_response_field_breaking() -> None:
    old = make_spec({"name": {"type": "string"}, "seed": {"type": "integer"}})
    assert lines(old, make_spec({"name": {"type": "string"}})) == [
        "compatible  removed   createThing request seed"
    ]
    old = make_spec(response={"Id": {"type": "string"}, "Cost": {"type": "number"}})
    assert lines(old, make_spec(response={"Id": {"type": "string"}})) == [
        "breaking    removed   createThing response Cost"
    ]


def test_response_fields_are_named_through_refs_anyof_allof_and_items() -> None:
    usage = {"type": "object", "properties": {"Tokens": {"type": "integer"}}}
    schemas = {
        "Null": {"type": "object", "nullable": True, "enum": [None]},
        "File": {"allOf": [{"$ref": f"{REF}FileBase"}]},
        "FileBase": {
            "type": "object",
            "properties": {
                "Url": {"type": "string"},
                "Usage": {"anyOf": [{"$ref": f"{REF}Usage"}, {"$ref": f"{REF}Null"}]},
            },
        },
        "Usage": usage,
    }  # fmt: skip
    response = {
        "Response": {
            "type": "object",
            "properties": {
                "Files": {"type": "array", "items": {"$ref": "#/components/schemas/File"}}
            },
        }
    }
    old = make_spec(response=response, schemas=schemas)
    new = copy.deepcopy(old)
    del new["components"]["schemas"]["FileBase"]["properties"]["Usage"]
    assert lines(old, new) == ["breaking    removed   createThing response Response.Files[].Usage"]
    deeper = copy.deepcopy(old)
    deeper["components"]["schemas"]["Usage"]["properties"]["Seconds"] = {"type": "integer"}
    assert lines(old, deeper) == [
        "compatible  added     createThing response Response.Files[].Usage.Seconds: integer"
    ]


def _t(kind: str, **more: Any) -> dict[str, Any]:
    return {"type": kind, **more}


STR, INT, NUM = _t("string"), _t("integer"), _t("number")
AB, A, NSTR = _t("string", enum=["a", "b"]), _t("string", enum=["a"]), _t("string", nullable=True)
L50, L40, L60 = (_t("string", maxLength=n) for n in (50, 40, 60))
MIN10, MIN0 = _t("integer", minimum=-10), _t("integer", minimum=0)
ARR, ARR3 = _t("array", items=STR), _t("array", items=STR, maxItems=3)
NULLABLE = "string -> string (nullable)"


@pytest.mark.parametrize(
    ("side", "before", "after", "marker", "kind", "detail"),
    [
        ("request", STR, INT, "breaking", "type", "string -> integer"),
        ("request", INT, NUM, "compatible", "type", "integer -> number"),
        ("request", STR, NSTR, "compatible", "type", NULLABLE),
        ("response", NUM, INT, "compatible", "type", "number -> integer"),
        ("response", INT, STR, "breaking", "type", "integer -> string"),
        ("response", STR, NSTR, "breaking", "type", NULLABLE),
        ("request", AB, A, "breaking", "enum", 'removed "b"'),
        ("request", A, AB, "compatible", "enum", 'added "b"'),
        ("request", STR, A, "breaking", "enum", 'closed to "a"'),
        ("request", A, STR, "compatible", "enum", "opened (any value)"),
        ("response", A, AB, "breaking", "enum", 'added "b"'),
        ("response", AB, A, "compatible", "enum", 'removed "b"'),
        ("response", A, STR, "breaking", "enum", "opened (any value)"),
        ("request", L50, L40, "breaking", "limit", "maxLength 50 -> 40"),
        ("request", L50, L60, "compatible", "limit", "maxLength 50 -> 60"),
        ("request", MIN10, MIN0, "breaking", "limit", "minimum -10 -> 0"),
        ("request", MIN0, INT, "compatible", "limit", "minimum 0 -> none"),
        ("request", STR, _t("string", pattern="^a"), "breaking", "limit", 'pattern none -> "^a"'),
        ("request", ARR, ARR3, "breaking", "limit", "maxItems none -> 3"),
        ("response", L50, L40, "compatible", "limit", "maxLength 50 -> 40"),
    ],
)  # fmt: skip
def test_type_enum_and_limit_changes_are_marked_from_the_clients_side(
    side: str, before: dict[str, Any], after: dict[str, Any], marker: str, kind: str, detail: str
) -> None:
    if side == "request":
        old, new = make_spec({"x": before}), make_spec({"x": after})
    else:
        old, new = make_spec(response={"x": before}), make_spec(response={"x": after})
    assert lines(old, new) == [f"{marker:<11} {kind:<9} createThing {side} x: {detail}"]


def test_required_changes() -> None:
    old = make_spec({"x": {"type": "string"}})
    new = make_spec({"x": {"type": "string"}}, request_required=["x"])
    assert lines(old, new) == ["breaking    required  createThing request x: now required"]
    assert lines(new, old) == ["compatible  required  createThing request x: now optional"]
    old_response = make_spec(response={"x": {"type": "string"}})
    new_response = copy.deepcopy(old_response)
    ok = new_response["paths"]["/things"]["post"]["responses"]["200"]
    ok["content"]["application/json"]["schema"]["required"] = ["x"]
    assert lines(new_response, old_response) == [
        "breaking    required  createThing response x: now optional"
    ]


def test_parameters_and_response_statuses() -> None:
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    old = make_spec()
    assert lines(old, make_spec(parameters=[limit])) == [
        "compatible  added     createThing parameter query limit: integer"
    ]
    assert lines(old, make_spec(parameters=[{**limit, "required": True}])) == [
        "breaking    added     createThing parameter query limit: integer, required"
    ]
    header = {"name": "Authorization", "in": "header", "schema": {"type": "string"}}
    assert lines(old, make_spec(parameters=[header])) == []  # the transport's business
    new = copy.deepcopy(old)
    new["paths"]["/things"]["post"]["responses"]["429"] = {"description": "slow down"}
    assert lines(old, new) == ["compatible  response  createThing response 429: added"]


def test_the_built_spec_names_fields_like_the_readme(built: Any) -> None:
    """On the real spec: Output.Usage is reached through $ref, anyOf and the NullValue branch,
    under both task kinds of the query answer."""
    new = copy.deepcopy(built)
    del new["components"]["schemas"]["AigcTaskOutput"]["properties"]["Usage"]
    changes = lines(built, new)
    assert changes == [
        "breaking    removed   getTask response Response.AigcImageTask.Output.Usage",
        "breaking    removed   getTask response Response.AigcVideoTask.Output.Usage",
    ]
    duration = copy.deepcopy(built)
    duration["components"]["schemas"]["VideoOutputConfig"]["properties"]["duration"]["maximum"] = 8
    assert (
        "breaking    limit     createVideoTask request output_config.duration: maximum "
        in (lines(built, duration)[0])
    )


@pytest.fixture(scope="module")
def built() -> Any:
    return plain(load_yaml(BUILT_SPEC))


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_command_line_fail_on_breaking_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(make_spec(response={"Id": {"type": "string"}, "X": {}})))
    new.write_text(json.dumps(make_spec(response={"Id": {"type": "string"}})))
    assert _cli(capsys, str(old), str(new)) == (
        0,
        "breaking    removed   createThing response X\n"
        "1 contract change: 1 breaking, 0 compatible\n",
        "",
    )
    assert _cli(capsys, str(old), str(new), "--fail-on-breaking")[0] == 1
    assert _cli(capsys, str(new), str(old), "--fail-on-breaking")[0] == 0  # an addition
    as_json = json.loads(_cli(capsys, str(old), str(new), "--json")[1])
    assert as_json["changes"] == [
        {"marker": "breaking", "kind": "removed", "subject": "createThing response X", "detail": ""}
    ]
    code, _, err = _cli(capsys, str(old), str(tmp_path / "nope.yaml"))
    assert code == 2 and err.count("\n") == 1 and err.startswith("spec_diff: cannot read")


def test_the_script_runs_on_its_own() -> None:
    """`python scripts/spec_diff.py` works from any directory (a user's CI)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "spec_diff.py"), str(BUILT_SPEC), str(BUILT_SPEC)],
        cwd="/", capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "no contract changes\n"), result.stderr
