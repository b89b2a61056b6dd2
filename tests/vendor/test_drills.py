"""Vendor-change drills: each takes a temp copy of the repository through `update_vendor.py`
with one realistic change of the vendor's documents, then checks what reached the diff, the
mock (built from the copy's spec), the SDK (with a transport that records the body) and the
generated client. See drillkit.py for how a drill is run once and shared.

Why the response drills start from a new operation: the two create operations' vendor response
schema is replaced whole by an overlay (defect 3), so a change there reaches nothing; a vendor
document whose responses the overlays keep (the model list of drill 4) is where a response
change shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.vendor.drillkit import (
    IMAGE_BODY,
    IMAGE_FILE,
    IMAGE_PATH,
    MODELS_PATH,
    OUTPUT_CONFIG_PROPERTIES,
    REQUEST_PROPERTIES,
    VIDEO_BODY,
    VIDEO_FILE,
    VIDEO_PATH,
    Drill,
    add_property,
    cli_help,
    page,
    run_script,
    shared_drill,
    shared_start,
    typed_params,
)

FIELD = "watermark_strength"  # a new optional request field (no vendor document has it)


def _vendor_text(repo: Path, name: str) -> str:
    return (repo / "openapi" / "vendor" / name).read_text(encoding="utf-8")


def _write(repo: Path, name: str, text: str) -> Path:
    path = repo / name
    path.write_text(text, encoding="utf-8")
    return path


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the document"
    return text.replace(old, new)


def _create_job(resource: str, path: str, good: dict[str, Any], bad: dict[str, Any]) -> Any:
    return lambda repo: {"job": "create", "resource": resource, "path": path, "good": good,
                         "bad": bad}  # fmt: skip


def _assert_mock_and_sdk(drill: Drill, field: str, sent: dict[str, Any]) -> None:
    """The mock accepts the good body and rejects the bad one with 400 naming the field; the
    SDK sent the good body and refused the bad one before sending."""
    mock = drill.probe["mock"]
    assert mock["good"]["status"] == 200, mock["good"]["text"]
    assert mock["bad"]["status"] == 400, mock["bad"]["text"]
    assert field.replace(".", "/") in mock["bad"]["text"]  # the mock names it as a pointer
    (body,) = drill.probe["sent"]  # only the good create reached the transport
    assert {k: body[k] for k in sent} == sent
    assert drill.probe["sdk_refused"] is not None and field in drill.probe["sdk_refused"]


# -- drill 1: a new optional request field at the top level -----------------------------------


def _top_level_field(repo: Path) -> list[Path]:
    text = add_property(
        _vendor_text(repo, IMAGE_FILE),
        REQUEST_PROPERTIES,
        5,
        FIELD,
        {"type": "integer", "description": "Strength of the visible watermark."},
    )
    return [_write(repo, "image-page.md", page(text))]


@pytest.fixture(scope="module")
def top_level(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    job = _create_job(
        "images", IMAGE_PATH, {**IMAGE_BODY, FIELD: 7}, {**IMAGE_BODY, FIELD: "seven"}
    )
    return shared_drill(tmp_path_factory, "top-level-field", _top_level_field, job)


def test_top_level_field_flows_through_as_compatible(top_level: Drill) -> None:
    assert top_level.returncode == 0, top_level.stderr
    assert top_level.diff_lines == [
        f"compatible  added     createImageTask request {FIELD}: integer"
    ]
    assert "1 contract change: 0 breaking, 1 compatible" in top_level.stdout


def test_top_level_field_reaches_the_mock_and_the_sdk(top_level: Drill) -> None:
    _assert_mock_and_sdk(top_level, FIELD, {FIELD: 7, "prompt": "a red fox"})


IMAGE_CONTROL = "client.images.create(model_name='GEM', model_version='3.0', prompt='x')"


def test_top_level_field_typed_params_accept_it(
    top_level: Drill, tmp_path_factory: pytest.TempPathFactory
) -> None:
    call = f"client.images.create(model_name='GEM', model_version='3.0', prompt='x', {FIELD}=7)"
    assert typed_params(tmp_path_factory, top_level, IMAGE_CONTROL, call).field_errors == []


def test_top_level_field_cli_has_the_option(top_level: Drill) -> None:
    assert f"--{FIELD.replace('_', '-')}" in cli_help(top_level, "image")


def test_the_surface_probes_pass_without_the_new_field(
    top_level: Drill, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The control of the two surface checks: the same probes without the new field are clean,
    so their failure today is about the field, not the probe."""
    call = f"client.images.create(model_name='GEM', model_version='3.0', prompt='x', {FIELD}=7)"
    assert typed_params(tmp_path_factory, top_level, IMAGE_CONTROL, call).control_errors == []
    assert "--enhance-prompt" in cli_help(top_level, "image")


# -- drill 2: a new optional field inside output_config ----------------------------------------


def _nested_field(repo: Path) -> list[Path]:
    text = add_property(
        _vendor_text(repo, VIDEO_FILE),
        OUTPUT_CONFIG_PROPERTIES,
        2,
        "frame_rate",
        {"type": "integer", "description": "Frames per second of the output video."},
    )
    return [_write(repo, "video-page.md", page(text))]


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    job = _create_job(
        "videos",
        VIDEO_PATH,
        {**VIDEO_BODY, "output_config": {"frame_rate": 24}},
        {**VIDEO_BODY, "output_config": {"frame_rate": "fast"}},
    )
    return shared_drill(tmp_path_factory, "nested-field", _nested_field, job)


def test_nested_field_flows_through_as_compatible(nested: Drill) -> None:
    assert nested.returncode == 0, nested.stderr
    assert nested.diff_lines == [
        "compatible  added     createVideoTask request output_config.frame_rate: integer"
    ]


def test_nested_field_reaches_the_mock_and_the_sdk(nested: Drill) -> None:
    _assert_mock_and_sdk(nested, "output_config.frame_rate", {"output_config": {"frame_rate": 24}})


def test_nested_field_typed_params_accept_it(
    nested: Drill, tmp_path_factory: pytest.TempPathFactory
) -> None:
    control = "client.videos.create(model_name='Kling', model_version='2.1', prompt='x')"
    call = (
        "client.videos.create(model_name='Kling', model_version='2.1', prompt='x', "
        "output_config={'frame_rate': 24})"
    )
    probe = typed_params(tmp_path_factory, nested, control, call)
    assert (probe.control_errors, probe.field_errors) == ([], [])


def test_nested_field_cli_has_the_option(nested: Drill) -> None:
    assert "--frame-rate" in cli_help(nested, "video")


# -- drill 4: a new read-only operation (a new vendor document plus a naming overlay) ----------

MODELS_DOCUMENT = """\
openapi: 3.0.1
info:
  title: ""
  description: ""
  version: 1.0.0
paths:
  /tencent-vod/v1/models:
    get:
      summary: Query models
      deprecated: false
      description: The models the gateway serves.
      tags:
        - Model list / Tencent AIGC models
      parameters:
        - name: limit
          in: query
          description: At most this many models.
          required: false
          schema:
            type: integer
            minimum: 1
            maximum: 100
      responses:
        '200':
          description: ""
          content:
            application/json:
              schema:
                type: object
                properties:
                  Response:
                    type: object
                    properties:
                      Models:
                        type: array
                        items:
                          type: object
                          properties:
                            ModelName:
                              type: string
                            ModelVersions:
                              type: array
                              items:
                                type: string
                            Kind:
                              type: string
                              enum:
                                - Image
                                - Video
                      RequestId:
                        type: string
      security: []
      x-run-in-apifox: https://app.apifox.com/web/project/5443236/apis/api-400000001-run
components:
  schemas: {}
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
servers:
  - url: https://api.chainhub.tech
    description: Production Environment
security:
  - bearer: []
"""

NAMING_OVERLAY = """\
overlay: 1.1.0
info:
  title: The model list operation
  version: 1.0.0
actions:
  - target: $.paths['/tencent-vod/v1/models'].get
    description: Defect 1 for the model list, an operationId (function list_models) and a summary.
    update:
      operationId: listModels
      summary: List the models the gateway serves
  - target: $.paths['/tencent-vod/v1/models'].get.tags
    description: Defect 1, the prose tag removed to set a short one.
    remove: true
  - target: $.paths['/tencent-vod/v1/models'].get
    description: Defect 1, short tag `catalog` (generated module api/catalog).
    update:
      tags: [catalog]
  - target: $.paths['/tencent-vod/v1/models'].get.security
    description: "Defect 5, the operation-level `security: []` switches the bearer scheme off."
    remove: true
"""

MODELS_ANSWER = {
    "Response": {
        "Models": [{"ModelName": "GEM", "ModelVersions": ["3.0"], "Kind": "Image"}],
        "RequestId": "r-1",
    }
}


def _new_operation(repo: Path) -> list[Path]:
    _write(repo, "overlays/15-model-list.yaml", NAMING_OVERLAY)
    return [_write(repo, "models-page.md", page(MODELS_DOCUMENT, "Query models"))]


def _models_job(answer: dict[str, Any]) -> Any:
    return lambda repo: {"job": "get", "path": MODELS_PATH, "good": {"limit": 5},
                         "bad": {"limit": "five"}, "answer": answer,
                         "module": "chainhub_aigc_client.api.catalog.list_models"}  # fmt: skip


@pytest.fixture(scope="module")
def new_operation(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    return shared_drill(
        tmp_path_factory, "new-operation", _new_operation, _models_job(MODELS_ANSWER)
    )


def test_new_operation_flows_through_as_compatible(new_operation: Drill) -> None:
    assert new_operation.returncode == 0, new_operation.stderr
    assert "import: models-page.md -> openapi/vendor/models.yaml (new vendor file)" in (
        new_operation.stdout
    )
    assert new_operation.diff_lines == [
        "compatible  operation listModels: added (GET /tencent-vod/v1/models)"
    ]
    assert "warning" not in new_operation.stdout  # every defect check still holds


def test_new_operation_is_served_by_the_mock_and_called_by_the_generated_client(
    new_operation: Drill,
) -> None:
    mock = new_operation.probe["mock"]
    # Accepted: routed and valid (answered 200, or 501 while the mock has no behaviour for it).
    assert mock["good"]["status"] not in (400, 404, 405), mock["good"]["text"]
    assert mock["bad"]["status"] == 400 and "limit" in mock["bad"]["text"], mock["bad"]["text"]
    assert new_operation.probe["urls"] == ["https://api.test/tencent-vod/v1/models?limit=5"]
    assert new_operation.probe["parsed"] == MODELS_ANSWER


# -- drills 3 and 7: response changes of the new operation -------------------------------------


def _with_model_list(repo: Path) -> None:
    """The start of drills 3 and 7: the model list imported and built (no generation: the
    update regenerates anyway)."""
    _new_operation(repo)
    for args in (("scripts/import_vendor.py", "models-page.md"), ("scripts/build_spec.py",)):
        result = run_script(repo, *args)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def model_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_start(tmp_path_factory, "model-list", _with_model_list)


def _response_enum_value(repo: Path) -> list[Path]:
    text = _replace_once(
        MODELS_DOCUMENT, "- Video\n", "- Video\n                                - Audio\n"
    )
    return [_write(repo, "models-page-v2.md", page(text, "Query models"))]


AUDIO_ANSWER = {
    "Response": {"Models": [{"ModelName": "Tone", "Kind": "Audio"}], "RequestId": "r-2"}
}


@pytest.fixture(scope="module")
def response_enum(tmp_path_factory: pytest.TempPathFactory, model_list: Path) -> Drill:
    job = _models_job(AUDIO_ANSWER)
    return shared_drill(tmp_path_factory, "response-enum", _response_enum_value, job, model_list)


def test_a_new_response_enum_value_is_breaking_and_parsed(response_enum: Drill) -> None:
    assert response_enum.returncode == 0, response_enum.stderr
    assert response_enum.diff_lines == [
        'breaking    enum      listModels response Response.Models[].Kind: added "Audio"'
    ]
    assert response_enum.probe["parsed"] == AUDIO_ANSWER  # the regenerated client reads it


def _removed_response_field(repo: Path) -> list[Path]:
    text = _replace_once(
        MODELS_DOCUMENT,
        "                            ModelVersions:\n"
        "                              type: array\n"
        "                              items:\n"
        "                                type: string\n",
        "",
    )
    return [_write(repo, "models-page-v2.md", page(text, "Query models"))]


@pytest.fixture(scope="module")
def removed_field(tmp_path_factory: pytest.TempPathFactory, model_list: Path) -> Drill:
    name = "removed-response-field"
    return shared_drill(tmp_path_factory, name, _removed_response_field, start=model_list)


def test_a_removed_response_field_is_breaking(removed_field: Drill) -> None:
    assert removed_field.returncode == 0, removed_field.stderr
    assert removed_field.diff_lines == [
        "breaking    removed   listModels response Response.Models[].ModelVersions"
    ]
    assert "1 contract change: 1 breaking, 0 compatible" in removed_field.stdout
    models = removed_field.repo / "generated" / "chainhub_aigc_client" / "models"
    generated = "".join(p.read_text(encoding="utf-8") for p in models.glob("list_models*.py"))
    assert "model_name" in generated and "model_versions" not in generated


# -- drill 5: the vendor fixes one of the 14 defects -------------------------------------------


def _defect_fixed_upstream(repo: Path) -> list[Path]:
    pages = []
    for name in (IMAGE_FILE, VIDEO_FILE):
        text = _replace_once(
            _vendor_text(repo, name),
            "                tasks_priority:\n                  type: string\n",
            "                tasks_priority:\n                  type: integer\n"
            "                  format: int32\n",
        )
        pages.append(_write(repo, f"{name}.md", page(text)))
    return pages


@pytest.fixture(scope="module")
def defect_fixed(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    job = _create_job(
        "images",
        IMAGE_PATH,
        {**IMAGE_BODY, "tasks_priority": 5},
        {**IMAGE_BODY, "tasks_priority": "5"},
    )
    return shared_drill(tmp_path_factory, "defect-fixed-upstream", _defect_fixed_upstream, job)


def test_a_defect_fixed_upstream_is_reported_with_its_redundant_action(
    defect_fixed: Drill,
) -> None:
    assert defect_fixed.returncode == 0, defect_fixed.stderr
    assert defect_fixed.diff_lines == []
    assert "no contract changes" in defect_fixed.stdout
    section = defect_fixed.stdout.split("vendor defects and overlays:\n", 1)[1]
    report = section.split("\n\n", 1)[0].splitlines()
    assert report == [
        "defect 7 (tasks_priority declared a string) is fixed upstream",
        "  overlays/30-number-types.yaml actions[0] is now redundant (it changes nothing): "
        "remove it",
    ]


def test_a_defect_fixed_upstream_still_reaches_the_mock_and_the_sdk(defect_fixed: Drill) -> None:
    _assert_mock_and_sdk(defect_fixed, "tasks_priority", {"tasks_priority": 5})


# -- drill 6: a renamed path makes overlays stale -------------------------------------------


def _renamed_path(repo: Path) -> list[Path]:
    text = _replace_once(
        _vendor_text(repo, IMAGE_FILE), f"  {IMAGE_PATH}:\n", "  /tencent-vod/v2/aigc-image:\n"
    )
    return [_write(repo, "image-page.md", page(text))]


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    return shared_drill(tmp_path_factory, "renamed-path", _renamed_path)


def test_a_renamed_path_fails_naming_every_stale_overlay_action(renamed: Drill) -> None:
    assert renamed.returncode == 1
    lines = renamed.stderr.splitlines()
    stale = [line for line in lines if "selects nothing" in line]
    assert (
        "vendor-update: overlays/11-operations.yaml: actions[0] "
        "(target $.paths['/tencent-vod/v1/aigc-image'].post): selects nothing in the new "
        "vendor documents: update the target or remove the action"
    ) in stale
    assert len({line.split(": actions[")[0] for line in stale}) > 1  # all, not the first only
    assert lines[-1].endswith("nothing changed (openapi/ and generated/ are as they were)")
    assert "contract diff" not in renamed.stdout


def test_a_renamed_path_leaves_openapi_and_generated_unchanged(renamed: Drill) -> None:
    assert renamed.digest_after == renamed.digest_before


# -- a change that the generator refuses: all or nothing after the build too -------------------


def _generator_refuses(repo: Path) -> list[Path]:
    # A number enum: openapi-python-client drops it with a warning, which --fail-on-warning
    # turns into a failure (NOTES.md), after the spec has been built and written.
    text = add_property(
        _vendor_text(repo, IMAGE_FILE),
        REQUEST_PROPERTIES,
        5,
        "quality_level",
        {"type": "number", "enum": "[1.5, 2.5]"},
    )
    return [_write(repo, "image-page.md", page(text))]


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> Drill:
    return shared_drill(tmp_path_factory, "generator-refuses", _generator_refuses)


def test_a_generator_failure_puts_everything_back(refused: Drill) -> None:
    assert refused.returncode == 1
    lines = refused.stderr.splitlines()
    assert lines[0].startswith("vendor-update: generate: openapi-python-client failed")
    assert lines[-1].endswith("nothing changed (openapi/ and generated/ are as they were)")
    assert "build: openapi/chainhub-aigc.yaml" in refused.stdout  # it got that far
    assert refused.digest_after == refused.digest_before
