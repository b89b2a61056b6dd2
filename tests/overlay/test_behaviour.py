"""One test per merge rule, per error and per YAML guarantee of scripts/overlay.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: a YAML 1.1 reader, for the interoperability checks

from scripts.overlay import (
    ActionReport,
    OverlayError,
    YamlRoundTripError,
    apply_overlay,
    dump_yaml,
    load_overlay,
    load_yaml,
    main,
)
from tests.data import ROOT

SCRIPT = ROOT / "scripts" / "overlay.py"
SCHEMA_DIR = ROOT / "scripts" / "overlay_schemas"

SPEC = """\
openapi: 3.0.1
info:
  title: Demo
  version: 1.0.0
  contact:
    name: Team
    email: team@example.com
tags:
  - a
paths:
  /a:
    get:
      tags:
        - x
      parameters:
        - name: p0
          in: query
        - name: p1
          in: query
        - name: p2
          in: header
        - name: p3
          in: header
        - name: p4
          in: query
  /b:
    get:
      summary: B
servers:
  - url: https://one.example.com
  - url: https://two.example.com
"""


def plain(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {k: plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return data


def overlay(*actions: dict[str, Any], version: str = "1.1.0") -> dict[str, Any]:
    return {"overlay": version, "info": {"title": "test", "version": "1"}, "actions": list(actions)}


def run(
    *actions: dict[str, Any],
    spec: str = SPEC,
    version: str = "1.1.0",
    allow_empty_targets: bool = False,
) -> tuple[Any, list[ActionReport]]:
    return apply_overlay(
        load_yaml(spec),
        overlay(*actions, version=version),
        name="ov.yaml",
        allow_empty_targets=allow_empty_targets,
    )


def fails(*actions: dict[str, Any], spec: str = SPEC, version: str = "1.1.0") -> OverlayError:
    with pytest.raises(OverlayError) as info:
        run(*actions, spec=spec, version=version)
    assert "\n" not in str(info.value)
    return info.value


# ------------------------------------------------------------------------------- update


def test_object_merge_is_recursive() -> None:
    doc, reports = run(
        {"target": "$.info", "update": {"contact": {"name": "Ops", "url": "u"}, "x-new": 1}}
    )
    assert plain(doc["info"]) == {
        "title": "Demo",
        "version": "1.0.0",
        "contact": {"name": "Ops", "email": "team@example.com", "url": "u"},
        "x-new": 1,
    }
    assert reports == [ActionReport("ov.yaml", 0, "update", "$.info", 1, "")]


def test_array_target_concatenates_an_array_value() -> None:
    doc, _ = run({"target": "$.tags", "update": ["b", "c"]})
    assert plain(doc["tags"]) == ["a", "b", "c"]


@pytest.mark.parametrize("value", [{"name": "new", "in": "query"}, "plain"], ids=["object", "str"])
def test_array_target_appends_a_single_value(value: Any) -> None:
    doc, _ = run({"target": "$.paths['/a'].get.parameters", "update": value})
    params = doc["paths"]["/a"]["get"]["parameters"]
    assert len(params) == 6
    assert plain(params[-1]) == value


def test_primitive_target_is_replaced() -> None:
    doc, reports = run({"target": "$.servers[*].url", "update": "https://new.example.com"})
    assert [s["url"] for s in doc["servers"]] == ["https://new.example.com"] * 2
    assert reports[0].nodes == 2


def test_nested_arrays_concatenate_inside_an_object_merge() -> None:
    # Overlay 1.1.0: "An array value ... is concatenated with an array value of the target".
    doc, _ = run({"target": "$.paths['/a'].get", "update": {"tags": ["y"], "summary": "A"}})
    assert plain(doc["paths"]["/a"]["get"]["tags"]) == ["x", "y"]
    assert doc["paths"]["/a"]["get"]["summary"] == "A"


def test_nested_null_replaces_a_primitive_and_is_inserted_when_new() -> None:
    doc, _ = run({"target": "$.info", "update": {"title": None, "x-none": None}})
    assert doc["info"]["title"] is None
    assert doc["info"]["x-none"] is None
    assert "x-none: null" in dump_yaml(doc)


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"contact": "Ops"}, "cannot merge a primitive into the object at $['info']['contact']"),
        ({"title": ["x"]}, "cannot merge an array into the primitive at $['info']['title']"),
        ({"contact": None}, "cannot merge null into the object at $['info']['contact']"),
        ({"contact": [1]}, "cannot merge an array into the object at $['info']['contact']"),
    ],
    ids=["object<-primitive", "primitive<-array", "object<-null", "object<-array"],
)
def test_nested_incompatible_values_are_errors(update: Any, message: str) -> None:
    assert message in fails({"target": "$.info", "update": update}).reason


def test_target_selecting_mixed_kinds_is_an_error() -> None:
    error = fails({"target": "$.info.*", "update": "x"})
    assert "different kinds" in error.reason
    assert "$['info']['contact'] is an object" in error.reason


@pytest.mark.parametrize(
    ("target", "value", "message"),
    [
        ("$.info", ["x"], "target selects objects but the update value is an array"),
        ("$.info", "x", "target selects objects but the update value is a primitive"),
        ("$.info.title", {"a": 1}, "target selects primitives but the update value is an object"),
        ("$.info.title", ["a"], "target selects primitives but the update value is an array"),
    ],
    ids=["object<-array", "object<-primitive", "primitive<-object", "primitive<-array"],
)
def test_incompatible_pairings_are_errors(target: str, value: Any, message: str) -> None:
    error = fails({"target": target, "update": value})
    assert error.reason == message
    assert error.index == 0
    assert error.target == target


def test_null_update_is_rejected() -> None:
    error = fails({"target": "$.info.title", "update": None})
    assert "update value is null" in error.reason
    assert "rejects" in error.reason


def test_replacing_a_primitive_root_is_an_error() -> None:
    error = fails({"target": "$", "update": "y"}, spec="just a string\n")
    assert "root cannot be replaced" in error.reason


# ------------------------------------------------------------------------------- remove


def test_remove_a_mapping_key() -> None:
    doc, reports = run({"target": "$.info.contact", "remove": True})
    assert "contact" not in doc["info"]
    assert reports[0].kind == "remove"
    assert reports[0].nodes == 1


def test_remove_several_items_of_one_sequence() -> None:
    doc, reports = run(
        {
            "target": "$.paths['/a'].get.parameters[?@.name != 'p1' && @.name != 'p4']",
            "remove": True,
        }
    )
    assert [p["name"] for p in doc["paths"]["/a"]["get"]["parameters"]] == ["p1", "p4"]
    assert reports[0].nodes == 3


def test_remove_a_node_and_its_descendant_together() -> None:
    # $..* selects /a and everything below it; the descendants go with their ancestor.
    doc, _ = run({"target": "$.paths['/a']..*", "remove": True})
    assert plain(doc["paths"]["/a"]) == {}


def test_remove_primitive_items() -> None:
    doc, _ = run({"target": "$.tags[?@ == 'a']", "remove": True})
    assert plain(doc["tags"]) == []


def test_removing_the_root_is_an_error() -> None:
    assert fails({"target": "$", "remove": True}).reason == "the root cannot be removed"


def test_remove_wins_over_update() -> None:
    doc, reports = run({"target": "$.tags", "update": ["z"], "remove": True})
    assert "tags" not in doc
    assert reports[0].kind == "remove"


def test_remove_wins_over_a_null_update() -> None:
    doc, _ = run({"target": "$.tags", "update": None, "remove": True})
    assert "tags" not in doc


def test_remove_then_update_replaces_an_array() -> None:
    doc, reports = run(
        {"target": "$.servers", "remove": True},
        {"target": "$", "update": {"servers": [{"url": "http://localhost"}]}},
    )
    assert plain(doc["servers"]) == [{"url": "http://localhost"}]
    assert [r.kind for r in reports] == ["remove", "update"]


def test_update_then_remove_order_is_respected() -> None:
    doc, _ = run(
        {"target": "$.info", "update": {"x-tmp": 1}},
        {"target": "$.info['x-tmp']", "remove": True},
    )
    assert "x-tmp" not in doc["info"]


# ------------------------------------------------------------------------------- copy


def test_copy_merges_the_source_into_the_target() -> None:
    doc, reports = run({"target": "$.paths['/b']", "copy": "$.paths['/a']"})
    b = doc["paths"]["/b"]
    assert b["get"]["summary"] == "B"
    assert plain(b["get"]["tags"]) == ["x"]
    assert len(b["get"]["parameters"]) == 5
    assert reports == [ActionReport("ov.yaml", 0, "copy", "$.paths['/b']", 1, "")]
    # A deep copy: editing the copy leaves the source alone.
    b["get"]["tags"].append("only-b")
    assert plain(doc["paths"]["/a"]["get"]["tags"]) == ["x"]


def test_copy_into_an_array_appends() -> None:
    doc, _ = run({"target": "$.tags", "copy": "$.paths['/a'].get.tags"})
    assert plain(doc["tags"]) == ["a", "x"]


@pytest.mark.parametrize(("source", "count"), [("$.nothing", 0), ("$.servers[*]", 2)])
def test_copy_source_must_select_exactly_one_node(source: str, count: int) -> None:
    error = fails({"target": "$.info", "copy": source})
    assert error.reason == f"copy {source} must select exactly one node, it selects {count}"


def test_copy_is_rejected_in_a_1_0_overlay() -> None:
    import jsonschema

    action = {"target": "$.paths['/b']", "copy": "$.paths['/a']"}
    # The official 1.0 schema itself forbids it ...
    schema = load_yaml(SCHEMA_DIR / "schema-1.0.yaml")
    assert not jsonschema.Draft202012Validator(schema).is_valid(overlay(action, version="1.0.0"))
    assert jsonschema.Draft202012Validator(load_yaml(SCHEMA_DIR / "schema-1.1.yaml")).is_valid(
        overlay(action, version="1.1.0")
    )
    # ... and the applier says why, before applying anything.
    error = fails(action, version="1.0.0")
    assert error.index is None
    assert "'copy' needs overlay 1.1.x" in error.reason


def test_update_and_copy_together_are_rejected() -> None:
    error = fails({"target": "$.info", "update": {"x": 1}, "copy": "$.paths['/a']"})
    assert "update and copy in one action are ambiguous" in error.reason


# ------------------------------------------------------------------------------- targets


def test_empty_target_is_an_error() -> None:
    error = fails({"target": "$.info", "update": {"x": 1}}, {"target": "$.nope", "update": {}})
    assert str(error) == "ov.yaml: actions[1] (target $.nope): target selects no nodes"
    assert (error.overlay, error.index, error.target) == ("ov.yaml", 1, "$.nope")
    assert error.reason == "target selects no nodes"


def test_allow_empty_targets_makes_an_empty_target_a_no_op() -> None:
    doc, reports = run({"target": "$.nope", "update": {"x": 1}}, allow_empty_targets=True)
    assert plain(doc) == plain(load_yaml(SPEC))
    assert reports[0].nodes == 0


@pytest.mark.parametrize("target", ["$.paths[", "$.paths.*.get[?@.x-oai-traits]", "$.a[?@.b =]"])
def test_invalid_jsonpath_is_an_error(target: str) -> None:
    error = fails({"target": target, "update": {"x": 1}})
    assert error.reason.startswith(f"invalid target JSONPath {target!r}: ")
    assert str(error).startswith(f"ov.yaml: actions[0] (target {target}): invalid target JSONPath")


def test_invalid_copy_jsonpath_is_an_error() -> None:
    error = fails({"target": "$.info", "copy": "$.info["})
    assert error.reason.startswith("invalid copy JSONPath")


def test_a_node_selected_twice_is_updated_once() -> None:
    doc, reports = run({"target": "$['tags', 'tags']", "update": "b"})
    assert plain(doc["tags"]) == ["a", "b"]
    assert reports[0].nodes == 1


def test_action_without_a_modifier_changes_nothing() -> None:
    doc, reports = run({"target": "$.info", "description": "just a note\nsecond line"})
    assert plain(doc) == plain(load_yaml(SPEC))
    assert reports == [ActionReport("ov.yaml", 0, "none", "$.info", 0, "just a note")]


def test_values_are_not_aliased_between_targets() -> None:
    doc, _ = run({"target": "$.paths.*.get", "update": {"x-meta": {"tags": ["t"]}}})
    a, b = doc["paths"]["/a"]["get"]["x-meta"], doc["paths"]["/b"]["get"]["x-meta"]
    assert a is not b
    a["tags"].append("only-a")
    assert plain(b) == {"tags": ["t"]}
    text = dump_yaml(doc)
    assert "&" not in text
    assert "*id" not in text


def test_overlay_object_is_not_consumed() -> None:
    ov = overlay({"target": "$.tags", "update": [{"k": "v"}]})
    doc, _ = apply_overlay(load_yaml(SPEC), ov, name="ov.yaml")
    doc["tags"][-1]["k"] = "changed"
    assert ov["actions"][0]["update"] == [{"k": "v"}]


# ------------------------------------------------------------------------------- overlays


def test_non_mapping_overlay_is_rejected() -> None:
    with pytest.raises(OverlayError, match="must be a mapping, this document is an array"):
        apply_overlay({}, ["x"], name="ov.yaml")


@pytest.mark.parametrize("version", ["1.2.0", "2.0.0", "1.1", None])
def test_unsupported_overlay_versions_are_rejected(version: Any) -> None:
    error = fails({"target": "$"}, version=version)
    assert "must be a 1.0.x or 1.1.x version string" in error.reason


def test_load_overlay_rejects_unreadable_yaml(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("overlay: 1.1.0\ninfo: [unclosed\n", encoding="utf-8")
    with pytest.raises(OverlayError) as info:
        load_overlay(path)
    assert str(info.value).startswith(f"{path}: invalid YAML: ")
    assert info.value.index is None


def test_load_overlay_rejects_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("overlay: 1.1.0\noverlay: 1.0.0\n", encoding="utf-8")
    with pytest.raises(OverlayError, match=r"invalid YAML: .*duplicate key"):
        load_overlay(path)


# ------------------------------------------------------------------------------- YAML


def test_quoting_survives_a_round_trip() -> None:
    spec = 'a: "1.6"\nb: "16:9"\nc: "02"\nd: "3.0"\ne: \'yes\'\n'
    doc, _ = run({"target": "$", "update": {"f": "1.6"}}, spec=spec)
    assert all(isinstance(doc[k], str) for k in "abcdef")
    text = dump_yaml(doc)
    for line in ['a: "1.6"', 'b: "16:9"', 'c: "02"', 'd: "3.0"', "e: 'yes'", "f: '1.6'"]:
        assert line in text
    # ...and a YAML 1.1 reader (PyYAML, as schemathesis uses) reads the same strings back.
    assert yaml.safe_load(text) == {
        "a": "1.6",
        "b": "16:9",
        "c": "02",
        "d": "3.0",
        "e": "yes",
        "f": "1.6",
    }


def test_plain_strings_a_yaml_1_1_reader_would_misread_get_quoted() -> None:
    doc = load_yaml("ratio: 16:9\nflag: on\nplain: hello\n")
    assert plain(doc) == {"ratio": "16:9", "flag": "on", "plain": "hello"}
    text = dump_yaml(doc)
    assert text == "ratio: '16:9'\nflag: 'on'\nplain: hello\n"
    assert yaml.safe_load(text) == plain(doc)  # YAML 1.1 would read 16:9 as 969, on as True


def test_number_like_keys_become_strings() -> None:
    spec = "responses:\n  200:\n    description: OK\n  02: x\n  1.5: y\n  true: z\n"
    doc = load_yaml(spec)
    # The source text is kept: `02` stays "02", not "2".
    assert list(doc["responses"]) == ["200", "02", "1.5", "true"]
    # Keys written in an overlay's YAML are strings too, so they merge with the spec's.
    ov = load_yaml(
        "overlay: 1.1.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.responses\n    update:\n      200: {summary: S}\n"
        "      404:\n        description: N\n"
    )
    doc, _ = apply_overlay(doc, ov, name="ov.yaml")
    assert plain(doc["responses"]["200"]) == {"description": "OK", "summary": "S"}
    assert list(doc["responses"]) == ["200", "02", "1.5", "true", "404"]
    text = dump_yaml(doc)
    assert "  '200':\n" in text
    assert "  '404':\n" in text


def test_timestamps_stay_strings() -> None:
    doc = load_yaml("d: 2024-01-01\nt: 2024-01-01T10:00:00Z\n")
    assert doc == {"d": "2024-01-01", "t": "2024-01-01T10:00:00Z"}
    assert type(doc["d"]) is str
    assert load_yaml(dump_yaml(doc)) == doc


def test_none_is_dumped_as_null() -> None:
    assert dump_yaml({"a": None, "b": [None]}) == "a: null\nb:\n  - null\n"


def test_dump_uses_the_vendor_indentation() -> None:
    text = dump_yaml(load_yaml("a:\n  b:\n  - c: 1\n    d: 2\n"))
    assert text == "a:\n  b:\n    - c: 1\n      d: 2\n"


def test_long_text_is_never_refolded() -> None:
    long = " ".join(f"word{i}" for i in range(400))
    text = dump_yaml({"description": long})
    assert text == f"description: {long}\n"
    assert load_yaml(text) == {"description": long}


def test_multiline_strings_are_literal_blocks() -> None:
    text = dump_yaml({"d": "line one\n  indented\nthree"})
    assert text.startswith("d: |-\n")
    assert load_yaml(text) == {"d": "line one\n  indented\nthree"}


def test_tab_led_folded_scalar_survives_a_round_trip() -> None:
    source = "d: >\n  folded\n  \tTab-led line\n  more\n"
    doc = load_yaml(source)
    assert doc["d"] == "folded\n\tTab-led line\nmore\n"
    text = dump_yaml(doc)
    assert load_yaml(text) == doc
    assert "d: |" in text


def test_plain_folded_scalar_keeps_its_style() -> None:
    source = "d: >-\n  one long line\n  folded here\n"
    assert dump_yaml(load_yaml(source)) == source


def test_dump_guard_detects_a_changed_round_trip() -> None:
    # An int key cannot survive: it would be read back as the string "200".
    with pytest.raises(YamlRoundTripError, match=r"round trip changed the data at \$"):
        dump_yaml({200: "x"})


def test_comments_and_key_order_are_kept() -> None:
    source = "# top\nb: 1  # why\na: 2\n"
    assert dump_yaml(load_yaml(source)) == source


# ------------------------------------------------------------------------------- command line

OVERLAY_OK = """\
overlay: 1.1.0
info: {title: ok, version: '1'}
actions:
  - target: $.info
    description: |-
      Set the title.
      More words.
    update:
      title: New
  - target: $.servers[?@.url == 'https://two.example.com']
    remove: true
"""

OVERLAY_BAD_ACTION = """\
overlay: 1.1.0
info: {title: bad, version: '1'}
actions:
  - target: $.info
    update: {x-ok: true}
  - target: $.paths['/nope'].post.tags
    update: [t]
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(OVERLAY_OK, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(OVERLAY_BAD_ACTION, encoding="utf-8")
    return tmp_path


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_success_writes_out_and_reports_each_action(files: Path) -> None:
    result = cli(files, "spec.yaml", "ok.yaml", "-o", "out.yaml")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "ok.yaml: actions[0] update 1 node: Set the title.",
        "ok.yaml: actions[1] remove 1 node: target $.servers[?@.url == 'https://two.example.com']",
    ]
    out = load_yaml(files / "out.yaml")
    assert out["info"]["title"] == "New"
    assert [s["url"] for s in out["servers"]] == ["https://one.example.com"]


def test_cli_broken_overlay_exits_1_with_one_line_and_writes_nothing(files: Path) -> None:
    result = cli(files, "spec.yaml", "bad.yaml", "-o", "out.yaml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "bad.yaml: actions[1] (target $.paths['/nope'].post.tags): target selects no nodes"
    ]
    assert not (files / "out.yaml").exists()
    assert sorted(p.name for p in files.iterdir()) == ["bad.yaml", "ok.yaml", "spec.yaml"]


def test_cli_second_overlay_failing_writes_nothing(files: Path) -> None:
    out = files / "out.yaml"
    out.write_text("previous: content\n", encoding="utf-8")
    result = cli(files, "spec.yaml", "ok.yaml", "bad.yaml", "-o", "out.yaml")
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("bad.yaml: actions[1] ")
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == "previous: content\n"


def test_cli_validates_every_overlay_before_applying(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "invalid.yaml").write_text(
        "overlay: 1.1.0\ninfo: {title: x, version: '1'}\nactions: []\n", encoding="utf-8"
    )
    out = files / "out.yaml"
    # bad.yaml would fail while applying, but the schema error of invalid.yaml comes first.
    assert (
        main(
            [
                str(files / "spec.yaml"),
                str(files / "bad.yaml"),
                str(files / "invalid.yaml"),
                "-o",
                str(out),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"{files / 'invalid.yaml'}: not a valid Overlay 1.1 document: at actions")
    assert not out.exists()


def test_cli_allow_empty_targets(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = files / "out.yaml"
    argv = [str(files / "spec.yaml"), str(files / "bad.yaml"), "-o", str(out)]
    assert main([*argv, "--allow-empty-targets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[1]
        == f"{files / 'bad.yaml'}: actions[1] update 0 nodes: target $.paths['/nope'].post.tags"
    )
    assert load_yaml(out)["info"]["x-ok"] is True


def test_cli_unreadable_spec(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = files / "out.yaml"
    assert main([str(files / "missing.yaml"), str(files / "ok.yaml"), "-o", str(out)]) == 1
    assert (
        capsys.readouterr().err
        == f"{files / 'missing.yaml'}: cannot read: No such file or directory\n"
    )
    assert not out.exists()


def test_cli_usage_error_exits_2(files: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main([str(files / "spec.yaml"), str(files / "ok.yaml")])  # no -o
    assert info.value.code == 2


def test_cli_output_is_the_dumped_document(files: Path) -> None:
    out = files / "out.yaml"
    assert main([str(files / "spec.yaml"), str(files / "ok.yaml"), "-o", str(out)]) == 0
    doc, _ = apply_overlay(load_yaml(SPEC), load_overlay(files / "ok.yaml"), name="ok.yaml")
    assert out.read_text(encoding="utf-8") == dump_yaml(doc)
    assert not list(files.glob(".out.yaml.*"))  # no temporary file left behind


def test_overlay_error_message_without_an_index() -> None:
    error = OverlayError("a.yaml", "bad\nthing")
    assert str(error) == "a.yaml: bad thing"
    assert (error.index, error.target, error.reason) == (None, None, "bad thing")


def test_line_breaks_a_block_would_normalise_are_escaped() -> None:
    data = {"crlf": "a\r\nb", "ls": "a\u2028b"}
    text = dump_yaml(data)
    assert 'crlf: "a\\r\\nb"' in text
    assert load_yaml(text) == data


def test_ruamel_defaults_are_left_alone() -> None:
    # Our key/timestamp/null/str handling lives in subclasses, not in ruamel's global tables.
    import datetime
    import io

    from ruamel.yaml import YAML

    assert load_yaml("d: 2024-01-01\n") == {"d": "2024-01-01"}
    assert isinstance(YAML().load("d: 2024-01-01\n")["d"], datetime.date)
    assert 200 in YAML().load("200: x\n")
    stream = io.StringIO()
    YAML().dump({"n": None}, stream)
    assert stream.getvalue() == "n:\n"


def test_cli_output_has_the_usual_permissions(files: Path) -> None:
    import os

    out = files / "out.yaml"
    assert main([str(files / "spec.yaml"), str(files / "ok.yaml"), "-o", str(out)]) == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
