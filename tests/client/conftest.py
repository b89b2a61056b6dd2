"""Shared fixtures of the SDK tests: a scripted fake API behind httpx.MockTransport, response
builders, clients with recorded (never real) sleeps, and the live mock server on loopback.

The data these tests share with the rest of the suite is defined in tests.data; the names the
SDK tests import from here are re-exported below."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from chainhub_aigc import AsyncClient, Client
from tests.data import IMAGE, VIDEO
from tests.data import MOCK_TOKEN as MOCK_TOKEN
from tests.data import TASK_ID as TASK_ID
from tests.data import VIDEO_TASK_ID as VIDEO_TASK_ID

IMAGE_FIELDS = IMAGE  # the keyword arguments of images.create
VIDEO_FIELDS = VIDEO

TOKEN = "sk-live-TOPSECRET-0123456789"
BASE_URL = "https://api.test"
FILE_URL = "https://files.test/vod/aigcImageGenFile.png?t=abc&sign=xyz"

Handler = Callable[[httpx.Request], httpx.Response]
ScriptItem = httpx.Response | Exception | Handler


class FakeAPI:
    """Answers requests from a script (in order), then from ``fallback``; records them all.

    A script item is an httpx.Response, an exception to raise (a transport error), or a
    function of the request.
    """

    def __init__(self, *script: ScriptItem, fallback: Handler | None = None) -> None:
        self.script: list[ScriptItem] = list(script)
        self.fallback = fallback
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.script:
            item = self.script.pop(0)
        elif self.fallback is not None:
            item = self.fallback
        else:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        if isinstance(item, Exception):
            raise item
        if isinstance(item, httpx.Response):
            return item
        return item(request)

    def add(self, *items: ScriptItem) -> FakeAPI:
        self.script.extend(items)
        return self

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.method == "POST"]

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]


def created(task_id: str = TASK_ID, request_id: str = "req-create") -> httpx.Response:
    return httpx.Response(200, json={"Response": {"TaskId": task_id, "RequestId": request_id}})


def tencent_error(
    code: str,
    message: str = "something went wrong",
    *,
    status: int = 200,
    request_id: str = "req-error",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}}
    return httpx.Response(status, json=body, headers=headers)


def file_info(url: str = FILE_URL, **extra: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "FileUrl": url,
        "ExpireTime": "2026-01-05T12:03:57Z",
        "StorageMode": "Temporary",
    }
    info.update(extra)
    return info


def task_body(
    status: str | None = "PROCESSING",
    *,
    progress: int | None = None,
    task_type: str = "AigcImageTask",
    task_id: str = TASK_ID,
    err_code: Any = 0,
    err_code_ext: Any = "",
    message: Any = "",
    files: list[dict[str, Any]] | None = None,
    request_id: str = "req-query",
    nulls: bool = True,
    **inner_extra: Any,
) -> dict[str, Any]:
    inner: dict[str, Any] = {
        "TaskId": task_id,
        "Status": "FINISH" if status == "FINISH" else "PROCESSING",
        "ErrCode": err_code,
        "ErrCodeExt": err_code_ext,
        "Message": message,
        "Progress": progress if progress is not None else (100 if status == "FINISH" else 0),
        "Output": {"FileInfos": files if files is not None else []},
        "SessionId": "chainhub-session",
        "SessionContext": "",
    }
    inner.update(inner_extra)
    response: dict[str, Any] = {
        "Status": status,
        "TaskType": task_type,
        "RequestId": request_id,
        "CreateTime": "2025-12-29T12:03:30Z",
        "BeginProcessTime": "0000-00-00T00:00:00Z",
        "FinishTime": "0000-00-00T00:00:00Z",
        task_type: inner,
    }
    if nulls:  # real answers carry ~45 other *Task keys, all null
        for name in ("AigcVideoTask", "AigcImageTask", "TranscodeTask", "SnapshotByTimeOffsetTask"):
            response.setdefault(name, None)
        for index in range(41):
            response[f"UnknownFutureTask{index}"] = None
    return {"Response": response}


def task_response(status: str | None = "PROCESSING", **kwargs: Any) -> httpx.Response:
    return httpx.Response(200, json=task_body(status, **kwargs))


class Sleeps:
    """A recording sleep: tests never sleep for real."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    """A monotonic clock that only moves when the recorded sleep is called."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_client(api: FakeAPI, sleeps: Sleeps | None = None, **kwargs: Any) -> Client:
    kwargs.setdefault("api_key", TOKEN)
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("sleep", sleeps if sleeps is not None else Sleeps())
    kwargs.setdefault("rate_limits", None)  # these count the SDK's sleeps (pacing: tests/batch)
    kwargs.setdefault("jitter", lambda: 0.0)
    return Client(transport=api.transport, **kwargs)


def make_async_client(api: FakeAPI, sleeps: Sleeps | None = None, **kwargs: Any) -> AsyncClient:
    kwargs.setdefault("api_key", TOKEN)
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("sleep", (sleeps or Sleeps()).async_sleep)
    kwargs.setdefault("rate_limits", None)  # these count the SDK's sleeps (pacing: tests/batch)
    kwargs.setdefault("jitter", lambda: 0.0)
    return AsyncClient(transport=api.transport, **kwargs)


# -- the live mock ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def mock_server() -> Iterator[Any]:
    """The mock server on loopback, deterministic: a task finishes after 2 queries."""
    from chainhub_aigc.mock import MockConfig, MockServer

    config = MockConfig(
        tokens=frozenset({MOCK_TOKEN}),
        mode="deterministic",
        finish_after=2,
        fault_rate=0.0,
        faults=(),
        seed=0,
    )
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server


class FirstAttemptFault(httpx.BaseTransport):
    """Adds ``X-Mock-Fault`` to the first request of each distinct body (the first attempt of
    a create), so that the retry goes through clean."""

    def __init__(self, fault: str, inner: httpx.BaseTransport | None = None) -> None:
        self.fault = fault
        self.inner = inner or httpx.HTTPTransport()
        self.seen: set[bytes] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        key = request.method.encode() + request.url.raw_path + request.content
        if key not in self.seen:
            self.seen.add(key)
            request.headers["X-Mock-Fault"] = self.fault
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncFirstAttemptFault(httpx.AsyncBaseTransport):
    """The async twin of FirstAttemptFault."""

    def __init__(self, fault: str) -> None:
        self.fault = fault
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: set[bytes] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        key = request.method.encode() + request.url.raw_path + request.content
        if key not in self.seen:
            self.seen.add(key)
            request.headers["X-Mock-Fault"] = self.fault
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
