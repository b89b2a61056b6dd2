"""Tasks, in-process: ids, the query answer's shape (API.md section 2), progress in both modes,
session_id deduplication, output files, task failures, the admin routes, bounded tables."""

from __future__ import annotations

import asyncio
import calendar
import re
import time
from typing import Any

import pytest

from chainhub_aigc.mock import MockConfig
from chainhub_aigc.mock.state import MockState
from tests.data import IMAGE, IMAGE_PATH, MOCK_TOKEN, PNG_SIGNATURE, QUERY_PATH, VIDEO, VIDEO_PATH

from .conftest import InProcess, MakeClient

IMAGE_ID = re.compile(r"^1392336703-AigcImageTask-[0-9a-f]{32}t$")
VIDEO_ID = re.compile(r"^1392336703-AigcVideoTask-[0-9a-f]{32}t$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UNSET = "0000-00-00T00:00:00Z"


def seconds(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


async def test_task_ids_look_real(client: InProcess) -> None:
    image_ids = {await client.create() for _ in range(20)}
    video_id = await client.create(VIDEO_PATH)
    assert len(image_ids) == 20 and all(IMAGE_ID.match(i) for i in image_ids)
    assert VIDEO_ID.match(video_id)


async def test_create_answer_is_task_id_and_request_id(client: InProcess) -> None:
    response = await client.http.post(IMAGE_PATH, json=IMAGE)
    assert response.json()["Response"].keys() == {"TaskId", "RequestId"}


async def test_deterministic_progress_with_the_default_two_queries(client: InProcess) -> None:
    task_id = await client.create()
    first, second, third, fourth = [await client.query(task_id) for _ in range(4)]
    assert [a["Status"] for a in (first, second, third, fourth)] == [
        "WAITING",
        "PROCESSING",
        "FINISH",
        "FINISH",
    ]
    progress = [a["AigcImageTask"]["Progress"] for a in (first, second, third)]
    assert progress == [0, 50, 100]
    assert [a["AigcImageTask"]["Status"] for a in (first, second, third)] == [
        "PROCESSING",
        "PROCESSING",
        "FINISH",
    ]
    assert first["BeginProcessTime"] == UNSET and first["FinishTime"] == UNSET
    assert second["BeginProcessTime"] != UNSET and second["FinishTime"] == UNSET
    assert TIME.match(third["FinishTime"]) and third["FinishTime"] == fourth["FinishTime"]
    assert seconds(third["CreateTime"]) <= seconds(third["BeginProcessTime"])
    assert seconds(third["BeginProcessTime"]) <= seconds(third["FinishTime"])


@pytest.mark.parametrize(
    "finish_after, statuses, progress",
    [
        (0, ["FINISH"], [100]),
        (1, ["WAITING", "FINISH"], [0, 100]),
        (4, ["WAITING", "PROCESSING", "PROCESSING", "PROCESSING", "FINISH"], [0, 25, 50, 75, 100]),
    ],
)
async def test_deterministic_progress_rises(
    make_client: MakeClient, finish_after: int, statuses: list[str], progress: list[int]
) -> None:
    client = make_client(MockConfig(finish_after=finish_after))
    task_id = await client.create()
    answers = [await client.query(task_id) for _ in statuses]
    assert [a["Status"] for a in answers] == statuses
    assert [a["AigcImageTask"]["Progress"] for a in answers] == progress


async def test_timed_mode_finishes_after_the_time(make_client: MakeClient) -> None:
    # 2 s: the WAITING window (a tenth) is 200 ms, wide enough for the first query even on a
    # loaded 2-core CI machine; no assertion depends on how fast the loop below runs.
    client = make_client(MockConfig(mode="timed", finish_after=2.0))
    task_id = await client.create()
    other = await client.create()  # never queried until the end
    seen = []
    for _ in range(400):  # bounded; ends as soon as FINISH is seen
        answer = await client.query(task_id)
        seen.append((answer["Status"], answer["AigcImageTask"]["Progress"]))
        if answer["Status"] == "FINISH":
            break
        await asyncio.sleep(0.05)
    assert seen[0] == ("WAITING", 0)
    assert seen[-1] == ("FINISH", 100)
    assert any(status == "PROCESSING" for status, _ in seen)
    progress = [p for _, p in seen]
    assert progress == sorted(progress)
    # Queries do not drive the timed mode: the unqueried task, created just after, finishes too.
    await asyncio.sleep(0.1)
    assert (await client.query(other))["Status"] == "FINISH"


async def test_query_answer_shape_for_an_image(client: InProcess) -> None:
    task_id = await client.create(
        negative_prompt="blur",
        enhance_prompt="Enabled",
        file_infos=[{"type": "Url", "url": "https://x/1.png", "text": "a house"}],
        output_config={"aspect_ratio": "16:9", "person_generation": "AllowAdult"},
        session_id="shape-1",
        session_context='{"user": "1"}',
        tasks_priority=3,
        ext_info="{}",
    )
    answer = await client.finish(task_id)
    assert list(answer)[:6] == [
        "Status",
        "TaskType",
        "RequestId",
        "CreateTime",
        "BeginProcessTime",
        "FinishTime",
    ]
    assert answer["TaskType"] == "AigcImageTask"
    assert answer["AigcVideoTask"] is None and answer["ProcedureTask"] is None
    nulls = [key for key, value in answer.items() if key.endswith("Task") and value is None]
    assert len(nulls) >= 5
    task = answer["AigcImageTask"]
    assert task["TaskId"] == task_id and task["Status"] == "FINISH" and task["Progress"] == 100
    assert task["ErrCode"] == 0 and task["ErrCodeExt"] == "" and task["Message"] == ""
    assert task["SessionId"] == "shape-1" and task["SessionContext"] == '{"user": "1"}'
    assert task["Input"] == {
        "ModelName": "GEM",
        "ModelVersion": "3.0",
        "Prompt": "a red fox",
        "NegativePrompt": "blur",
        "EnhancePrompt": "Enabled",
        "FileInfos": [{"Type": "Url", "Url": "https://x/1.png", "Text": "a house"}],
        "OutputConfig": {
            "AspectRatio": "16:9",
            "PersonGeneration": "AllowAdult",
            "StorageMode": "Temporary",
        },
    }
    (info,) = task["Output"]["FileInfos"]
    assert info["FileType"] == "png" and info["StorageMode"] == "Temporary"
    assert info["FileUrl"].startswith("http://mock.test/") and info["FileUrl"].endswith(".png")
    # 16:9 asked, no resolution: the smallest 16:9 size with a short side of at least 64 px
    assert info["MetaData"]["Width"] == 128 and info["MetaData"]["Height"] == 72
    assert seconds(info["ExpireTime"]) - seconds(answer["FinishTime"]) == 7 * 24 * 3600


async def test_query_answer_for_a_video_and_without_optional_fields(client: InProcess) -> None:
    task_id = await client.create(
        VIDEO_PATH,
        output_config={"duration": 8, "media_name": "car", "enhance_switch": "Enabled"},
        last_frame_url="https://x/last.png",
    )
    answer = await client.finish(task_id)
    assert answer["TaskType"] == "AigcVideoTask" and answer["AigcImageTask"] is None
    task = answer["AigcVideoTask"]
    assert task["SessionId"] == "" and task["SessionContext"] == ""
    assert task["Input"]["LastFrameUrl"] == "https://x/last.png"
    assert task["Input"]["OutputConfig"] == {
        "Duration": 8,
        "MediaName": "car",
        "EnhanceSwitch": "Enabled",
        "StorageMode": "Temporary",
    }
    (info,) = task["Output"]["FileInfos"]
    assert info["FileType"] == "mp4" and info["MediaName"] == "car"
    assert info["MetaData"]["Duration"] == 8 and info["MetaData"]["Container"] == "mp4"
    assert task["Output"]["Usage"]["OutputSeconds"] == 8
    # Without output_config the default StorageMode is still echoed (as in API.md's example).
    plain = await client.finish(await client.create())
    assert plain["AigcImageTask"]["Input"]["OutputConfig"] == {"StorageMode": "Temporary"}


async def test_permanent_storage_has_a_file_id(client: InProcess) -> None:
    task_id = await client.create(output_config={"storage_mode": "Permanent"})
    (info,) = (await client.finish(task_id))["AigcImageTask"]["Output"]["FileInfos"]
    assert info["StorageMode"] == "Permanent" and info["FileId"].isdigit()


# --- files ---------------------------------------------------------------------------------


async def test_files_are_served_after_finish_only(client: InProcess) -> None:
    task_id = await client.create()
    path = f"/_mock/files/{task_id}/aigcImageGenFile.png"
    assert (await client.http.get(path)).status_code == 404  # never queried yet
    await client.query(task_id)
    assert (await client.http.get(path)).status_code == 404  # WAITING
    answer = await client.finish(task_id)
    url = answer["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    assert url == "http://mock.test" + path
    client.http.headers.pop("Authorization")  # like a CDN URL: no token needed
    response = await client.http.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    size = answer["AigcImageTask"]["Output"]["FileInfos"][0]["MetaData"]["Size"]
    assert size == len(response.content) == int(response.headers["content-length"])
    assert (await client.http.get(url.replace(".png", ".jpg"))).status_code == 404
    assert (
        await client.http.get(f"/_mock/files/x{task_id}/aigcImageGenFile.png")
    ).status_code == 404


async def test_video_file(client: InProcess) -> None:
    answer = await client.finish(await client.create(VIDEO_PATH))
    url = answer["AigcVideoTask"]["Output"]["FileInfos"][0]["FileUrl"]
    response = await client.http.get(url)
    assert response.status_code == 200 and response.headers["content-type"] == "video/mp4"
    assert response.content[4:8] == b"ftyp"


async def test_file_urls_follow_the_requests_base_url(make_client: MakeClient) -> None:
    client = make_client(base_url="http://127.0.0.1:9123")
    answer = await client.finish(await client.create())
    url = answer["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    assert url.startswith("http://127.0.0.1:9123/_mock/files/")


# --- session_id ----------------------------------------------------------------------------


async def test_a_repeated_session_id_is_rejected(client: InProcess) -> None:
    first = await client.create(session_id="dup")
    response = await client.http.post(VIDEO_PATH, json={**VIDEO, "session_id": "dup"})
    assert response.status_code == 400
    error = response.json()["Response"]["Error"]
    assert error["Code"] == "InvalidParameterValue.SessionId" and "'dup'" in error["Message"]
    state = client.mock.state
    assert list(state.tasks) == [first]
    assert state.session_creates == {"dup": 2}
    assert state.sessions["dup"].task_id == first and state.sessions["dup"].creates == 2


async def test_empty_or_missing_session_ids_are_not_deduplicated(client: InProcess) -> None:
    for _ in range(3):
        await client.create(session_id="")
        await client.create()
    assert len(client.mock.state.tasks) == 6
    assert client.mock.state.session_creates == {}


def test_the_dedup_window_is_three_days_and_bounded() -> None:
    state = MockState(MockConfig(max_sessions=3))
    day = 24 * 3600.0
    assert state.claim_session("a", now=0.0)
    assert not state.claim_session("a", now=3 * day - 1)
    assert state.claim_session("a", now=3 * day + 1)  # the window has passed
    for name in ("b", "c", "d"):
        assert state.claim_session(name, now=3 * day + 2)
    assert list(state.sessions) == ["b", "c", "d"]  # "a" pushed out by the bound
    assert state.claim_session("a", now=3 * day + 3)


async def test_tasks_are_bounded(make_client: MakeClient) -> None:
    client = make_client(MockConfig(max_tasks=2))
    first, second, third = [await client.create() for _ in range(3)]
    assert list(client.mock.state.tasks) == [second, third]
    assert (await client.http.get(QUERY_PATH + first)).status_code == 404


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, err_code, ext, message",
    [
        ("task-fail", 40000, "ContentModerationFailed", "compliance"),
        ("task-fail;code=ModelGenerateFailed", 70000, "ModelGenerateFailed", "model"),
        ("task-fail;code=Custom;errcode=123;message=boom", 123, "Custom", "boom"),
    ],
)
async def test_task_fail(
    client: InProcess, header: str, err_code: int, ext: str, message: str
) -> None:
    response = await client.http.post(IMAGE_PATH, json=IMAGE, headers={"X-Mock-Fault": header})
    assert response.status_code == 200
    task_id = response.json()["Response"]["TaskId"]
    answer = await client.query(task_id)
    assert answer["AigcImageTask"]["ErrCode"] == 0  # not finished: no failure yet
    answer = await client.finish(task_id)
    task = answer["AigcImageTask"]
    assert answer["Status"] == "FINISH" and task["Status"] == "FINISH"
    assert task["ErrCode"] == err_code and task["ErrCodeExt"] == ext
    assert message in task["Message"].lower() or message in task["Message"]
    assert task["Output"]["FileInfos"] == []
    file_path = f"/_mock/files/{task_id}/aigcImageGenFile.png"
    assert (await client.http.get(file_path)).status_code == 404


async def test_task_fail_on_a_query_is_ignored(client: InProcess) -> None:
    task_id = await client.create()
    response = await client.http.get(QUERY_PATH + task_id, headers={"X-Mock-Fault": "task-fail"})
    assert response.status_code == 200
    assert (await client.finish(task_id))["AigcImageTask"]["ErrCode"] == 0


@pytest.mark.parametrize(
    "header",
    [
        "bogus",
        "rate-limit;retry-after=x",
        "latency;seconds=31",
        "latency;seconds=-1",
        "drop;x=1",
        "unavailable;status=404",
        "task-fail;code=",
        ";",
        "latency;seconds",
    ],
)
async def test_a_bad_fault_header_is_400(client: InProcess, header: str) -> None:
    response = await client.http.post(IMAGE_PATH, json=IMAGE, headers={"X-Mock-Fault": header})
    assert response.status_code == 400
    error = response.json()["Response"]["Error"]
    assert error["Code"] == "InvalidParameter" and error["Message"].startswith("X-Mock-Fault:")
    assert client.mock.state.tasks == {}


async def test_drop_in_process_raises(client: InProcess) -> None:
    from chainhub_aigc.mock import MockConnectionDropped

    with pytest.raises(MockConnectionDropped):
        await client.http.post(IMAGE_PATH, json=IMAGE, headers={"X-Mock-Fault": "drop"})
    with pytest.raises(MockConnectionDropped):
        await client.http.post(
            IMAGE_PATH,
            json={**IMAGE, "session_id": "lost"},
            headers={"X-Mock-Fault": "lost-response"},
        )
    assert [t.session_id for t in client.mock.state.tasks.values()] == ["lost"]


# --- admin ---------------------------------------------------------------------------------


async def test_admin_tasks_and_reset(client: InProcess) -> None:
    task_id = await client.create(session_id="admin-1")
    await client.http.post(IMAGE_PATH, json={**IMAGE, "session_id": "admin-1"})
    await client.query(task_id)
    listing = (await client.http.get("/_mock/tasks")).json()
    (task,) = listing["Tasks"]
    assert task["TaskId"] == task_id and task["SessionId"] == "admin-1"
    assert task["Queries"] == 1 and task["Creates"] == 2 and not task["Failed"]
    assert listing["SessionCreates"] == {"admin-1": 2}
    assert listing["Config"]["Mode"] == "deterministic"
    reset = await client.http.post("/_mock/reset")
    assert reset.status_code == 200 and reset.json() == {"Reset": True}
    assert (await client.http.get("/_mock/tasks")).json()["Tasks"] == []
    assert (
        await client.http.post(IMAGE_PATH, json={**IMAGE, "session_id": "admin-1"})
    ).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("mode", "fast", ValueError),
        ("finish_after", -1, ValueError),
        ("fault_rate", 1.5, ValueError),
        ("faults", ("explode",), ValueError),
        ("latency", 99, ValueError),
        ("tokens", MOCK_TOKEN, TypeError),  # a str, not a frozenset
        ("max_tasks", 0, ValueError),
    ],
)
def test_config_is_checked(field: str, value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=field) as caught:  # the one-line message names the field
        MockConfig(**{field: value})
    assert "\n" not in str(caught.value)


def test_all_fault_kinds_are_drawn_when_none_are_named() -> None:
    assert MockConfig(faults=()).rate_faults[0] == "rate-limit"
