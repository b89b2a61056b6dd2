"""The generated client (`chainhub_aigc_client`) against the live mock over loopback.

The happy paths (create an image and a video, query until FINISH, download the file) and
every error the spec documents (400 naming the field, 401, 404, 413, 429 with Retry-After,
5XX), each parsed by the generated models.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from chainhub_aigc_client import AuthenticatedClient
from chainhub_aigc_client.api.images import create_image_task
from chainhub_aigc_client.api.tasks import get_task
from chainhub_aigc_client.api.videos import create_video_task
from chainhub_aigc_client.models import (
    AigcImageTask,
    AigcImageTaskInput,
    AigcTaskInputOutputConfig,
    AigcTaskOutput,
    AigcVideoTask,
    AigcVideoTaskInput,
    CreateTaskResponse,
    ErrorResponse,
    ImageOutputConfig,
    ImageTaskRequest,
    MediaMetaData,
    StorageMode,
    TaskDetailResponse,
    VideoOutputConfig,
    VideoTaskRequest,
)

from chainhub_aigc.mock import MockConfig, MockServer
from tests.data import IMAGE, PNG_SIGNATURE, VIDEO

TOKEN = "contract-token"
MAX_POLLS = 10


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    config = MockConfig(tokens=frozenset({TOKEN}), mode="deterministic", finish_after=2)
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def client(server: MockServer) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(base_url=server.base_url, token=TOKEN, timeout=httpx.Timeout(10)) as c:
        yield c


def _image(**fields: Any) -> ImageTaskRequest:
    return ImageTaskRequest(**IMAGE, **fields)


def _poll(client: AuthenticatedClient, task_id: str) -> tuple[TaskDetailResponse, list[str]]:
    statuses = []
    for _ in range(MAX_POLLS):
        answer = get_task.sync_detailed(task_id, client=client)
        assert answer.status_code == 200, answer.content
        assert isinstance(answer.parsed, TaskDetailResponse)
        status = answer.parsed.response.status
        statuses.append(str(status))
        if status == "FINISH":
            return answer.parsed, statuses
    raise AssertionError(f"no FINISH after {MAX_POLLS} polls: {statuses}")


def test_image_task_end_to_end(client: AuthenticatedClient, server: MockServer) -> None:
    request = _image(
        output_config=ImageOutputConfig(storage_mode=StorageMode.TEMPORARY, aspect_ratio="16:9"),
        session_id="contract-image-1",
        session_context='{"user": 1}',
        tasks_priority=10,
    )
    created = create_image_task.sync_detailed(client=client, body=request)
    assert created.status_code == 200
    assert isinstance(created.parsed, CreateTaskResponse)
    task_id = created.parsed.response.task_id
    assert isinstance(task_id, str) and "-AigcImageTask-" in task_id

    detail, statuses = _poll(client, task_id)
    assert statuses == ["WAITING", "PROCESSING", "FINISH"]
    answer = detail.response
    assert answer.task_type == "AigcImageTask"
    task = answer.aigc_image_task
    assert isinstance(task, AigcImageTask)
    assert task.task_id == task_id and task.progress == 100 and task.err_code == 0
    assert task.session_id == "contract-image-1" and task.session_context == '{"user": 1}'
    assert isinstance(task.input_, AigcImageTaskInput) and task.input_.prompt == IMAGE["prompt"]
    assert isinstance(task.output, AigcTaskOutput)
    files = task.output.file_infos
    assert isinstance(files, list) and len(files) == 1
    info = files[0]
    assert info.file_type == "png" and info.storage_mode == "Temporary"

    download = httpx.get(str(info.file_url), timeout=10)
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/png"
    assert download.content.startswith(PNG_SIGNATURE)
    assert isinstance(info.meta_data, MediaMetaData)
    assert info.meta_data.size == len(download.content)
    assert server.state.tasks[task_id].queries == 3


def test_video_task_end_to_end(client: AuthenticatedClient) -> None:
    request = VideoTaskRequest(
        **VIDEO,
        output_config=VideoOutputConfig(duration=10.0, media_name="car", resolution="1080P"),
    )
    created = create_video_task.sync_detailed(client=client, body=request)
    assert created.status_code == 200 and isinstance(created.parsed, CreateTaskResponse)
    task_id = str(created.parsed.response.task_id)
    assert "-AigcVideoTask-" in task_id

    detail, _ = _poll(client, task_id)
    task = detail.response.aigc_video_task
    assert isinstance(task, AigcVideoTask) and isinstance(task.input_, AigcVideoTaskInput)
    assert isinstance(task.input_.output_config, AigcTaskInputOutputConfig)
    assert task.input_.output_config.duration == 10.0
    assert isinstance(task.output, AigcTaskOutput) and isinstance(task.output.file_infos, list)
    info = task.output.file_infos[0]
    assert info.file_type == "mp4" and info.media_name == "car"
    download = httpx.get(str(info.file_url), timeout=10)
    assert download.status_code == 200
    assert download.headers["content-type"] == "video/mp4"
    assert download.content[4:8] == b"ftyp"


def _error(answer: Any, status: int) -> tuple[str, str]:
    assert answer.status_code == status, answer.content
    assert isinstance(answer.parsed, ErrorResponse), answer.content
    error = answer.parsed.response.error
    assert answer.parsed.response.request_id
    return str(error.code), str(error.message)


def test_400_names_every_field(client: AuthenticatedClient) -> None:
    # The generated models do not enforce limits: the mock must.
    body = _image(tasks_priority=11, session_id="s" * 51)
    code, message = _error(create_image_task.sync_detailed(client=client, body=body), 400)
    assert code == "InvalidParameterValue"
    assert "/tasks_priority: 11 is greater than the maximum of 10" in message
    assert "/session_id:" in message and "longer than 50 characters" in message


def test_400_on_a_repeated_session_id(client: AuthenticatedClient) -> None:
    body = _image(session_id="contract-repeat")
    assert create_image_task.sync_detailed(client=client, body=body).status_code == 200
    code, message = _error(create_image_task.sync_detailed(client=client, body=body), 400)
    assert code == "InvalidParameterValue.SessionId" and "contract-repeat" in message


def test_401_with_a_wrong_token(server: MockServer) -> None:
    with AuthenticatedClient(base_url=server.base_url, token="wrong") as bad:
        answer = create_image_task.sync_detailed(client=bad, body=_image())
    code, _ = _error(answer, 401)
    assert code == "AuthFailure.SignatureFailure"


def test_404_for_an_unknown_task(client: AuthenticatedClient) -> None:
    answer = get_task.sync_detailed("1392336703-AigcImageTask-" + "0" * 32 + "t", client=client)
    code, _ = _error(answer, 404)
    assert code == "ResourceNotFound"


def test_413_for_a_body_over_10_mb(client: AuthenticatedClient) -> None:
    answer = create_image_task.sync_detailed(
        client=client, body=_image(negative_prompt="x" * 11_000_000)
    )
    code, _ = _error(answer, 413)
    assert code == "RequestSizeLimitExceeded"


def test_429_with_retry_after(client: AuthenticatedClient) -> None:
    limited = client.with_headers({"X-Mock-Fault": "rate-limit;retry-after=7"})
    answer = create_image_task.sync_detailed(client=limited, body=_image())
    code, _ = _error(answer, 429)
    assert code == "RequestLimitExceeded"
    assert answer.headers["Retry-After"] == "7"
    query = get_task.sync_detailed("x", client=limited)
    assert query.status_code == 429 and query.headers["Retry-After"] == "7"


@pytest.mark.parametrize("fault, status", [("unavailable", 503), ("unavailable;status=502", 502)])
def test_5xx(client: AuthenticatedClient, fault: str, status: int) -> None:
    failing = client.with_headers({"X-Mock-Fault": fault})
    code, _ = _error(
        create_video_task.sync_detailed(
            client=failing,
            body=VideoTaskRequest(**VIDEO),
        ),
        status,
    )
    assert code == "InternalError"
    code, _ = _error(get_task.sync_detailed("any", client=failing), status)
    assert code == "InternalError"
