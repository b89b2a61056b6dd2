"""The SDK against the real mock server on loopback (uvicorn in a thread): every method, sync
and async, every error the mock can produce, faults injected per request, real downloads."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from chainhub_aigc_client import AuthenticatedClient
from chainhub_aigc_client.api.images import create_image_task
from chainhub_aigc_client.models import CreateTaskResponse, ImageTaskRequest

from chainhub_aigc import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    AsyncTaskResult,
    AuthenticationError,
    BadRequestError,
    Client,
    CreatedTask,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    TaskFailedError,
    TaskMayExistError,
    TaskResult,
    TencentAPIError,
    WaitTimeoutError,
)
from chainhub_aigc.mock import MockServer
from tests.data import PNG_SIGNATURE, UNKNOWN_TASK_ID

from .conftest import (
    IMAGE_FIELDS,
    MOCK_TOKEN,
    VIDEO_FIELDS,
    AsyncFirstAttemptFault,
    FirstAttemptFault,
    Sleeps,
)


def live(server: Any, sleeps: Sleeps | None = None, **kwargs: Any) -> Client:
    kwargs.setdefault("api_key", MOCK_TOKEN)
    kwargs.setdefault("poll_interval", 0)
    kwargs.setdefault("sleep", sleeps if sleeps is not None else Sleeps())
    kwargs.setdefault("rate_limits", None)  # these count the SDK's sleeps (pacing: tests/batch)
    return Client(base_url=server.base_url, **kwargs)


def alive(server: Any, sleeps: Sleeps | None = None, **kwargs: Any) -> AsyncClient:
    kwargs.setdefault("api_key", MOCK_TOKEN)
    kwargs.setdefault("poll_interval", 0)
    kwargs.setdefault("sleep", (sleeps or Sleeps()).async_sleep)
    kwargs.setdefault("rate_limits", None)  # these count the SDK's sleeps (pacing: tests/batch)
    return AsyncClient(base_url=server.base_url, **kwargs)


def faulty(server: Any, fault: str, **kwargs: Any) -> Client:
    """Every request carries the fault (retries included)."""
    return live(server, default_headers={"X-Mock-Fault": fault}, **kwargs)


def check_png(path: Path, size: int | None, md5: str | None) -> None:
    """The downloaded file is the PNG the mock described (it always sends Size and Md5)."""
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert size is not None and len(data) == size
    assert md5 and hashlib.md5(data).hexdigest() == md5


# -- every method, sync ------------------------------------------------------------------------


def test_sync_methods(mock_server: Any, tmp_path: Path) -> None:
    with live(mock_server) as client:
        created = client.images.create(**IMAGE_FIELDS, session_context="ctx-1")
        assert isinstance(created, CreatedTask)
        assert "-AigcImageTask-" in created.task_id and created.request_id
        first = client.tasks.get(created.task_id)
        assert first.status == "WAITING" and not first.is_done
        assert first.session_id == created.session_id and first.session_context == "ctx-1"
        seen: list[tuple[str | None, int | None]] = []
        result = client.tasks.wait(
            created, on_progress=lambda t: seen.append((t.status, t.progress))
        )
        assert isinstance(result, TaskResult) and result.task.is_success
        assert seen[-1] == ("FINISH", 100) and len(seen) >= 2
        (file,) = result.files
        assert file.url is not None and file.url.startswith(mock_server.base_url)
        assert file.expires_at is not None
        (path,) = result.download(tmp_path)
        assert path == tmp_path / f"{created.task_id}-0.png"
        check_png(path, file.size, file.md5)

        video = client.videos.generate(
            **VIDEO_FIELDS, output_config={"duration": 5, "resolution": "720P"}
        )
        assert video.task.task_type == "AigcVideoTask" and video.files[0].duration == 5
        (clip,) = video.download(tmp_path)
        assert clip.suffix == ".mp4" and clip.stat().st_size == video.files[0].size

        again = client.tasks.result(client.tasks.get(video.task_id))
        assert again.task.is_success
        video_created = client.videos.create(**VIDEO_FIELDS)
        assert "-AigcVideoTask-" in video_created.task_id
        image = client.images.generate(**IMAGE_FIELDS, output_config={"aspect_ratio": "16:9"})
        assert image.task.is_success


async def test_async_methods(mock_server: Any, tmp_path: Path) -> None:
    async with alive(mock_server) as client:
        created = await client.images.create(**IMAGE_FIELDS)
        task = await client.tasks.get(created.task_id)
        assert task.status == "WAITING"
        progress: list[int | None] = []

        async def on_progress(task: Any) -> None:
            progress.append(task.progress)

        result = await client.tasks.wait(created.task_id, on_progress=on_progress)
        assert isinstance(result, AsyncTaskResult) and progress[-1] == 100
        (path,) = await result.download(tmp_path)
        check_png(path, result.files[0].size, result.files[0].md5)
        video = await client.videos.generate(**VIDEO_FIELDS, output_config={"duration": 10})
        assert video.task.is_success and video.files[0].duration == 10
        (clip,) = await video.download(tmp_path / "v")
        assert clip.stat().st_size == video.files[0].size
        assert (await client.videos.create(**VIDEO_FIELDS)).task_id
        assert (await client.images.generate(**IMAGE_FIELDS)).task.is_success
        assert client.tasks.result(await client.tasks.get(video.task_id)).task.is_success


# -- every error the mock can produce -----------------------------------------------------------


def _created(server: MockServer) -> CreatedTask:
    with live(server) as client:
        return client.images.create(**IMAGE_FIELDS)


def _wrong_token(server: MockServer) -> None:
    with live(server, api_key="wrong-token") as bad, pytest.raises(AuthenticationError) as caught:
        bad.images.create(**IMAGE_FIELDS)
    assert isinstance(caught.value, TencentAPIError) and caught.value.status_code == 401
    assert caught.value.code is not None and caught.value.code.startswith("AuthFailure")
    assert caught.value.request_id


def _unknown_task(server: MockServer) -> None:
    with live(server) as client, pytest.raises(NotFoundError) as caught:
        client.tasks.get(UNKNOWN_TASK_ID)
    assert caught.value.status_code == 404 and caught.value.code == "ResourceNotFound"


def _schema_rejects(server: MockServer) -> None:
    # The SDK's own checks pass; the mock's schema still rejects (extra_body is unchecked).
    with live(server) as client, pytest.raises(BadRequestError) as caught:
        client.images.create(**IMAGE_FIELDS, extra_body={"session_id": "s" * 60})
    assert caught.value.code == "InvalidParameterValue.SessionIdTooLong"


def _reused_session_id(server: MockServer) -> None:
    created = _created(server)
    assert created.session_id is not None
    with live(server) as client, pytest.raises(BadRequestError) as caught:
        client.images.create(**IMAGE_FIELDS, session_id=created.session_id)  # the caller's reuse
    assert not isinstance(caught.value, TaskMayExistError)
    assert caught.value.code == "InvalidParameterValue.SessionId"
    assert created.session_id in str(caught.value)


def _rate_limited(server: MockServer) -> None:
    task_id = _created(server).task_id
    with (
        faulty(server, "rate-limit;retry-after=0", max_retries=0) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.tasks.get(task_id)
    assert caught.value.status_code == 429 and caught.value.code == "RequestLimitExceeded"


def _retry_after_beyond_the_cap(server: MockServer) -> None:
    task_id = _created(server).task_id
    sleeps = Sleeps()
    with (
        faulty(server, "rate-limit;retry-after=120", sleep=sleeps) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.tasks.get(task_id)
    assert caught.value.status_code == 429
    assert sleeps.calls == []  # beyond the 60 s cap: raised at once, without sleeping


def _status_520(server: MockServer) -> None:
    task_id = _created(server).task_id
    with (
        faulty(server, "unavailable;status=520", max_retries=1) as client,
        pytest.raises(InternalServerError) as caught,
    ):
        client.tasks.get(task_id)
    assert caught.value.status_code == 520


def _dropped_connection(server: MockServer) -> None:
    task_id = _created(server).task_id
    with (
        faulty(server, "drop", max_retries=1) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.tasks.get(task_id)
    assert not isinstance(caught.value, APITimeoutError) and caught.value.status_code is None


def _read_timeout(server: MockServer) -> None:
    task_id = _created(server).task_id
    with (
        faulty(server, "latency;seconds=1", timeout=0.1, max_retries=0) as client,
        pytest.raises(APITimeoutError),
    ):
        client.tasks.get(task_id)


def _task_failed(server: MockServer) -> None:
    with faulty(server, "task-fail;code=ContentModerationFailed") as client:
        failing = client.images.create(**IMAGE_FIELDS)
    with live(server) as client, pytest.raises(TaskFailedError) as caught:
        client.tasks.wait(failing.task_id)
    assert caught.value.err_code_ext == "ContentModerationFailed" and caught.value.err_code
    assert caught.value.task.is_failed and caught.value.task_id == failing.task_id


def _wait_timeout(server: MockServer) -> None:
    fresh = _created(server)
    with live(server) as client, pytest.raises(WaitTimeoutError) as caught:
        client.tasks.wait(fresh.task_id, timeout=0)
    assert caught.value.last_task is not None and caught.value.last_task.status == "WAITING"


@pytest.mark.parametrize(
    "scenario",
    [
        _wrong_token,
        _unknown_task,
        _schema_rejects,
        _reused_session_id,
        _rate_limited,
        _retry_after_beyond_the_cap,
        _status_520,
        _dropped_connection,
        _read_timeout,
        _task_failed,
        _wait_timeout,
    ],
    ids=lambda scenario: scenario.__name__.strip("_"),
)
def test_errors_from_the_mock(
    mock_server: MockServer, scenario: Callable[[MockServer], None]
) -> None:
    scenario(mock_server)


@pytest.mark.parametrize(
    ("fault", "pause"),
    [("rate-limit;retry-after=1", 1.0), ("unavailable", 0.5), ("drop", 0.5)],
)
def test_retries_against_the_mock(mock_server: Any, fault: str, pause: float) -> None:
    sleeps = Sleeps()
    transport = FirstAttemptFault(fault)  # each distinct request fails once, then succeeds
    http = httpx.Client(transport=transport)
    with live(mock_server, sleeps, http_client=http, jitter=lambda: 0.0) as client:
        created = client.images.create(**IMAGE_FIELDS)
        assert client.tasks.get(created.task_id).status == "WAITING"
    http.close()
    assert sleeps.calls == [pause, pause]
    assert mock_server.state.session_creates[str(created.session_id)] == 1  # no duplicate


def test_a_lost_query_answer_is_retried(mock_server: Any) -> None:
    with live(mock_server) as client:
        created = client.images.create(**IMAGE_FIELDS)
    http = httpx.Client(transport=FirstAttemptFault("lost-response"))
    with live(mock_server, http_client=http) as client:
        assert client.tasks.get(created.task_id).task_id == created.task_id
    http.close()


def test_lost_response_becomes_task_may_exist(mock_server: Any) -> None:
    """The first attempt creates the task and loses the answer; the retry is a duplicate."""
    http = httpx.Client(transport=FirstAttemptFault("lost-response"))
    sleeps = Sleeps()
    with (
        live(mock_server, sleeps, http_client=http) as client,
        pytest.raises(TaskMayExistError) as caught,
    ):
        client.images.create(**IMAGE_FIELDS)
    http.close()
    session_id = caught.value.session_id
    assert session_id.startswith("chainhub-") and session_id in str(caught.value)
    assert mock_server.state.session_creates[session_id] == 2  # the first create + the retry
    made = [t for t in mock_server.state.tasks.values() if t.session_id == session_id]
    assert len(made) == 1  # exactly one task, and the error named it
    assert len(sleeps.calls) == 1


async def test_async_faults_against_the_mock(mock_server: Any) -> None:
    sleeps = Sleeps()
    http = httpx.AsyncClient(transport=AsyncFirstAttemptFault("drop"))
    async with alive(mock_server, sleeps, http_client=http) as client:
        created = await client.images.create(**IMAGE_FIELDS)
        assert (await client.tasks.get(created.task_id)).status == "WAITING"
    await http.aclose()
    assert len(sleeps.calls) == 2  # one retry each
    http = httpx.AsyncClient(transport=AsyncFirstAttemptFault("lost-response"))
    async with alive(mock_server, http_client=http) as client:
        with pytest.raises(TaskMayExistError):
            await client.videos.create(**VIDEO_FIELDS)
    await http.aclose()
    async with alive(mock_server, api_key="nope") as client:
        with pytest.raises(AuthenticationError):
            await client.tasks.get(created.task_id)


def test_the_generated_client_works_against_the_mock(mock_server: Any) -> None:
    with AuthenticatedClient(base_url=mock_server.base_url, token=MOCK_TOKEN) as generated:
        response = create_image_task.sync_detailed(
            client=generated,
            body=ImageTaskRequest(prompt="p", model_name="GEM", model_version="3.0"),
        )
    assert response.status_code == 200
    assert isinstance(response.parsed, CreateTaskResponse)
    assert isinstance(response.parsed.response.task_id, str)
