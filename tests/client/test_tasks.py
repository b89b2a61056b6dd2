"""The Task view: forward-compatible parsing of query answers (unknown fields, null siblings,
unknown statuses, "0000-00-00T00:00:00Z", wrong types) and its done/failed/success logic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from chainhub_aigc_client.models import TaskDetailResponse

from chainhub_aigc import OutputFile, Task, parse_time
from chainhub_aigc._core import ApiReply, build_task
from chainhub_aigc._spec import load_spec

from .conftest import (
    TASK_ID,
    VIDEO_TASK_ID,
    FakeAPI,
    file_info,
    make_async_client,
    make_client,
    task_body,
    task_response,
)


def view(body: Any, status: int = 200) -> Task:
    response = httpx.Response(status)  # the body goes in directly: it may hold NaN, inf
    return build_task(ApiReply(response, body, body["Response"], "rid"), TASK_ID)


def test_the_specs_example_answer() -> None:
    spec = load_spec()
    example = spec["paths"]["/tencent-vod/v1/query/{task_id}"]["get"]["responses"]["200"][
        "content"
    ]["application/json"]["example"]
    api = FakeAPI(httpx.Response(200, json=example))
    task = make_client(api).tasks.get(TASK_ID)
    assert task.task_id == TASK_ID
    assert task.task_type == "AigcImageTask"
    assert task.status == "FINISH" and task.task_status == "FINISH"
    assert task.progress == 100
    assert task.is_done and task.is_success and not task.is_failed
    assert task.request_id == "12082802-fe37-410e-ae20-0cf14e91e018"
    assert task.create_time == "2025-12-29T12:03:30Z"
    (file,) = task.files
    assert file.url is not None and file.url.endswith("aigcImageGenFile.png")
    assert file.expire_time == "2026-01-05T12:03:57Z"
    assert file.expires_at == datetime(2026, 1, 5, 12, 3, 57, tzinfo=UTC)
    assert file.storage_mode == "Temporary" and file.size is None
    assert isinstance(task.raw, TaskDetailResponse)
    assert task.raw_json == example
    assert task.status_code == 200 and task.response is not None


def test_null_siblings_unknown_fields_and_zero_times() -> None:
    body = task_body(
        "FINISH",
        files=[
            file_info(
                ExpireTime="0000-00-00T00:00:00Z",
                FileType="png",
                FileId="",
                MediaName="fox",
                ClassId=0,
                MetaData={
                    "Size": 1234,
                    "Width": 1024,
                    "Height": 768,
                    "Duration": 0.0,
                    "Container": "png",
                    "Md5": "abc",
                    "VideoStreamSet": None,
                    "BrandNewThing": {"x": [1, 2]},
                },
                SomethingNew="ignored",
            )
        ],
        BrandNewInnerField={"deep": None},
    )
    body["Response"]["BrandNewTopLevel"] = [1, "two", None]
    task = view(body)
    assert task.is_success
    (file,) = task.files
    assert file == OutputFile(
        url=file.url,
        file_type="png",
        file_id="",
        storage_mode="Temporary",
        media_name="fox",
        class_id=0,
        expire_time="0000-00-00T00:00:00Z",
        size=1234,
        width=1024,
        height=768,
        duration=0.0,
        container="png",
        md5="abc",
    )
    assert file.expires_at is None
    assert task.begin_process_time == "0000-00-00T00:00:00Z"


@pytest.mark.parametrize(
    ("status", "err_code", "err_code_ext", "done", "failed", "success"),
    [
        ("WAITING", 0, "", False, False, False),
        ("PROCESSING", 0, "", False, False, False),
        ("FINISH", 0, "", True, False, True),
        ("FINISH", None, None, True, False, True),
        ("FINISH", 40000, "", True, True, False),
        ("FINISH", 0, "ModelGenerateFailed", True, True, False),
        ("FINISH", 70000, "TaskTimeout", True, True, False),
        ("ABORTED", 0, "", True, True, False),
        ("QUEUED_SOMEWHERE_NEW", 0, "", False, False, False),
        ("", 0, "", False, False, False),
        (None, 0, "", False, False, False),
        ("finish", 0, "", False, False, False),  # statuses are exact
    ],
)
def test_done_failed_success(
    status: str | None,
    err_code: Any,
    err_code_ext: Any,
    done: bool,
    failed: bool,
    success: bool,
) -> None:
    task = view(task_body(status, err_code=err_code, err_code_ext=err_code_ext))
    assert (task.is_done, task.is_failed, task.is_success) == (done, failed, success)
    assert task.status == status


def test_video_task() -> None:
    body = task_body(
        "FINISH",
        task_type="AigcVideoTask",
        task_id=VIDEO_TASK_ID,
        files=[file_info("https://v.test/a.mp4", FileType="mp4", MetaData={"Duration": 5.5})],
        Usage={"InputTokens": 3},
    )
    task = view(body)
    assert task.task_type == "AigcVideoTask" and task.task_id == VIDEO_TASK_ID
    assert task.files[0].duration == 5.5 and task.files[0].file_type == "mp4"


def test_missing_task_type_finds_the_one_task_object() -> None:
    body = task_body("PROCESSING", progress=40)
    del body["Response"]["TaskType"]
    task = view(body)
    assert task.task_type is None and task.progress == 40


def test_unknown_task_type() -> None:
    body = {
        "Response": {
            "Status": "PROCESSING",
            "TaskType": "AigcAudioTask",
            "AigcAudioTask": {"TaskId": "x-AigcAudioTask-1t", "Progress": 10},
            "AigcImageTask": None,
        }
    }
    task = view(body)
    assert task.task_type == "AigcAudioTask" and task.task_id == "x-AigcAudioTask-1t"
    assert task.progress == 10


def test_waiting_task_without_inner_object() -> None:
    task = view({"Response": {"Status": "WAITING", "RequestId": "r"}})
    assert task.task_id == TASK_ID and task.status == "WAITING" and task.progress is None
    assert task.files == () and not task.is_done


@pytest.mark.parametrize(
    "inner",
    [
        {"Progress": "50%", "ErrCode": "zero", "Status": 7, "Output": "nothing"},
        {"Progress": True, "ErrCode": [], "ErrCodeExt": {}, "Output": {"FileInfos": "x"}},
        {"Progress": 1e308 * 10, "ErrCode": float("nan"), "Output": {"FileInfos": [1, None]}},
        {"Progress": 10**400, "ErrCode": -(10**30), "Message": 5},
        {"Output": {"FileInfos": [{"FileUrl": 3, "MetaData": "big", "ClassId": "1"}]}},
        {
            "Output": {
                "FileInfos": [{"MetaData": {"Size": -5, "Width": "wide", "Duration": 10**400}}]
            }
        },
    ],
)
def test_wrong_types_never_crash(inner: dict[str, Any]) -> None:
    body = {"Response": {"Status": "FINISH", "TaskType": "AigcImageTask", "AigcImageTask": inner}}
    task = view(body)
    assert task.status == "FINISH"
    assert task.progress is None or isinstance(task.progress, int)
    assert task.err_code is None or isinstance(task.err_code, int)
    for file in task.files:
        assert file.url is None or isinstance(file.url, str)
        assert file.size is None or file.size >= 0


def test_numbers_in_strings_and_floats() -> None:
    body = task_body("FINISH", progress=None, err_code="0")
    body["Response"]["AigcImageTask"]["Progress"] = 100.0
    task = view(body)
    assert task.progress == 100 and task.err_code == 0 and task.is_success


def test_session_fields() -> None:
    body = task_body("PROCESSING", SessionId="s-1", SessionContext='{"user": 1}')
    task = view(body)
    assert task.session_id == "s-1" and task.session_context == '{"user": 1}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05T12:03:57Z", datetime(2026, 1, 5, 12, 3, 57, tzinfo=UTC)),
        ("2026-01-05T12:03:57.250Z", datetime(2026, 1, 5, 12, 3, 57, 250000, tzinfo=UTC)),
        ("2026-01-05T20:03:57+08:00", datetime(2026, 1, 5, 12, 3, 57, tzinfo=UTC)),
        ("2026-01-05 12:03:57", datetime(2026, 1, 5, 12, 3, 57, tzinfo=UTC)),
        ("0000-00-00T00:00:00Z", None),
        ("2026-13-45T99:00:00Z", None),
        ("", None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_parse_time(text: str | None, expected: datetime | None) -> None:
    assert parse_time(text) == expected


def test_task_is_frozen_and_repr_is_short() -> None:
    task = view(task_body("FINISH", files=[file_info()]))
    with pytest.raises(AttributeError):
        task.status = "x"  # type: ignore[misc]
    assert "raw_json" not in repr(task) and "UnknownFutureTask" not in repr(task)


def test_get_accepts_a_created_task_or_a_task() -> None:
    api = FakeAPI(fallback=lambda r: task_response("WAITING"))
    client = make_client(api)
    task = client.tasks.get(TASK_ID)
    again = client.tasks.get(task)
    assert again.task_id == TASK_ID
    assert api.requests[1].url.path.endswith(TASK_ID)


async def test_async_get() -> None:
    api = FakeAPI(task_response("PROCESSING", progress=30))
    task = await make_async_client(api).tasks.get(TASK_ID)
    assert task.progress == 30 and task.status == "PROCESSING"
    assert api.requests[0].method == "GET"


def test_task_id_is_url_quoted() -> None:
    api = FakeAPI(task_response("WAITING"))
    make_client(api).tasks.get("a/b?c")
    assert api.requests[0].url.raw_path.endswith(b"/query/a%2Fb%3Fc")
