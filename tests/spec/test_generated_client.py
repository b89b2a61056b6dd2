"""The client generated from the built spec: its names, and that it parses the real answers of
API.md into typed models; the client generated from the vendor's spec fails on the same answer
(the demonstration of why the overlays exist)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chainhub_aigc_client import AuthenticatedClient
from chainhub_aigc_client.api.images import create_image_task
from chainhub_aigc_client.api.tasks import get_task
from chainhub_aigc_client.api.videos import create_video_task
from chainhub_aigc_client.models import (
    AigcImageTask,
    AigcImageTaskInput,
    AigcTaskOutput,
    CreateTaskResponse,
    FileInfoType,
    ImageTaskRequest,
    StorageMode,
    Switch,
    TaskDetailResponse,
    TaskOutputFile,
)
from chainhub_aigc_client.types import Unset

from scripts.build_spec import bundle
from scripts.overlay import dump_yaml, load_yaml
from tests.data import BUILT_SPEC, VENDOR_DIR

# API.md section 2, verbatim.
CREATE_ANSWER = {
    "Response": {
        "TaskId": "1392336703-AigcImageTask-47965947a83db42af4b1e3a74c243531t",
        "RequestId": "f50d7667-72d8-46bb-a7e3-0613588971b6",
    }
}
QUERY_ANSWER: dict[str, Any] = {
    "Response": {
        "Status": "FINISH",
        "TaskType": "AigcImageTask",
        "RequestId": "12082802-fe37-410e-ae20-0cf14e91e018",
        "CreateTime": "2025-12-29T12:03:30Z",
        "BeginProcessTime": "2025-12-29T12:03:30Z",
        "FinishTime": "2025-12-29T12:03:43Z",
        "AigcImageTask": {
            "TaskId": "1392336703-AigcImageTask-47965947a83db42af4b1e3a74c243531t",
            "Status": "FINISH",
            "Progress": 100,
            "Input": {
                "Prompt": "pig",
                "ModelName": "GEM",
                "ModelVersion": "2.5",
                "OutputConfig": {"StorageMode": "Temporary"},
                "EnhancePrompt": "Enabled",
                "NegativePrompt": "blur, distorted",
            },
            "Output": {
                "FileInfos": [
                    {
                        "FileUrl": "http://251000800.vod2.myqcloud.com/1a168d62vodcq251000800/ef0aa3215145403710877804273/aigcImageGenFile.png",
                        "ExpireTime": "2026-01-05T12:03:57Z",
                        "StorageMode": "Temporary",
                    }
                ]
            },
        },
    }
}


def test_generated_api_has_the_operation_names() -> None:
    for module, function in (
        (create_image_task, "create_image_task"),
        (create_video_task, "create_video_task"),
        (get_task, "get_task"),
    ):
        assert module.__name__.rsplit(".", 1)[-1] == function
        for call in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            assert callable(getattr(module, call))


def test_generated_functions_take_no_header_arguments() -> None:
    """Defect 5 and 6: no authorization=/content_type= arguments, and the body is required."""
    import inspect

    signature = inspect.signature(create_image_task.sync_detailed)
    assert set(signature.parameters) == {"client", "body"}
    assert signature.parameters["body"].default is inspect.Parameter.empty


@pytest.mark.parametrize(
    "name",
    [
        "ImageTaskRequest", "VideoTaskRequest", "ImageOutputConfig", "VideoOutputConfig",
        "ImageFileInfo", "VideoFileInfo", "CreateTaskResponse", "TaskDetailResponse",
        "AigcImageTask", "AigcVideoTask", "TaskOutputFile", "TencentError",
    ],
)  # fmt: skip
def test_generated_model_names(name: str) -> None:
    models = importlib.import_module("chainhub_aigc_client.models")
    assert getattr(models, name).__name__ == name


def test_enum_members_have_stable_names() -> None:
    assert {m.name: m.value for m in Switch} == {"ENABLED": "Enabled", "DISABLED": "Disabled"}
    assert FileInfoType.FILE.value == "File" and StorageMode.PERMANENT.value == "Permanent"


def test_create_answer_parses_into_typed_model() -> None:
    parsed = CreateTaskResponse.from_dict(CREATE_ANSWER)
    assert parsed.response.task_id == CREATE_ANSWER["Response"]["TaskId"]
    assert parsed.response.request_id == CREATE_ANSWER["Response"]["RequestId"]
    assert isinstance(parsed.response.error, Unset)


def test_query_answer_parses_into_typed_models() -> None:
    parsed = TaskDetailResponse.from_dict(QUERY_ANSWER)
    detail = parsed.response
    assert (detail.status, detail.task_type) == ("FINISH", "AigcImageTask")
    task = detail.aigc_image_task
    assert isinstance(task, AigcImageTask)
    assert (task.status, task.progress) == ("FINISH", 100)
    assert isinstance(task.input_, AigcImageTaskInput)
    assert task.input_.model_version == "2.5"  # a string, not the number 2.5
    assert isinstance(task.output, AigcTaskOutput) and isinstance(task.output.file_infos, list)
    files = task.output.file_infos
    assert isinstance(files[0], TaskOutputFile) and isinstance(files[0].file_url, str)
    assert files[0].file_url.endswith("aigcImageGenFile.png")
    assert files[0].expire_time == "2026-01-05T12:03:57Z"


def test_query_answer_with_null_tasks_and_unknown_fields_parses() -> None:
    """Real answers carry ~45 other `*Task` keys set to null and fields no SDK defines."""
    answer = {"Response": {**QUERY_ANSWER["Response"], "EditMediaTask": None, "NewField": {"x": 1}}}
    answer["Response"]["AigcVideoTask"] = None
    answer["Response"]["FinishTime"] = "0000-00-00T00:00:00Z"
    detail = TaskDetailResponse.from_dict(answer).response
    assert detail.aigc_video_task is None
    assert detail.additional_properties["EditMediaTask"] is None
    assert detail.finish_time == "0000-00-00T00:00:00Z"


def test_vendor_request_example_round_trips_through_the_request_model() -> None:
    spec = load_yaml(BUILT_SPEC)
    example = spec["paths"]["/tencent-vod/v1/aigc-image"]["post"]["requestBody"]["content"][
        "application/json"
    ]["example"]
    request = ImageTaskRequest.from_dict(dict(example))
    assert request.tasks_priority == 10
    assert request.to_dict()["output_config"]["aspect_ratio"] == "1:1"


def test_authenticated_client_repr_hides_the_token() -> None:
    """The pinned client template: neither the token nor the headers dict reach repr()."""
    client = AuthenticatedClient(base_url="http://127.0.0.1:9", token="sk-secret-token")
    client.get_httpx_client()  # puts the Authorization header into the headers dict
    assert "sk-secret-token" not in repr(client)
    assert client.get_httpx_client().timeout.read == 60.0


@pytest.fixture(scope="module")
def vendor_client(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The client openapi-python-client makes of the vendor documents as published."""
    tmp = tmp_path_factory.mktemp("vendor-client")
    documents = [(p.name, load_yaml(p)) for p in sorted(VENDOR_DIR.glob("*.yaml"))]
    spec = tmp / "vendor.yaml"
    spec.write_text(dump_yaml(bundle(documents)), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(spec),
         "--meta", "none", "--output-path", str(tmp / "vendor_client")],
        cwd=tmp, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (tmp / "vendor_client" / "models").is_dir(), result.stdout + result.stderr
    return tmp


def test_vendor_client_fails_on_the_real_create_answer(vendor_client: Path) -> None:
    sys.path.insert(0, str(vendor_client))
    try:
        models = importlib.import_module("vendor_client.models")
        (response_model,) = [
            getattr(models, n) for n in models.__all__ if n.endswith("AigcImageResponse200")
        ]
        with pytest.raises(KeyError, match="status"):
            response_model.from_dict(CREATE_ANSWER)
    finally:
        sys.path.remove(str(vendor_client))
        for name in [m for m in sys.modules if m.startswith("vendor_client")]:
            del sys.modules[name]
