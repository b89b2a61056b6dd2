"""Items 12 and 13 of issue 10: bad data from the server.

Whatever a server answers, only a ChainhubError escapes the SDK; a task that finishes without
error and without files is reported when files were asked for; a status the API does not
document is surfaced (one warning per wait, and ``Task.unknown_status``), not waited on in
silence."""

from __future__ import annotations

import contextlib
import json
import logging

import pytest

from chainhub_aigc import AsyncClient
from chainhub_aigc.errors import (
    APIConnectionError,
    APIResponseValidationError,
    ChainhubError,
    NoOutputError,
    TaskFailedError,
    WaitTimeoutError,
)
from chainhub_aigc.types import CreatedTask, Task
from tests.client.conftest import created, file_info, task_body
from tests.data import IMAGE, TASK_ID
from tests.hostile.conftest import KEY, sdk_client
from tests.hostile.server import (
    HostileServer,
    ReceivedRequest,
    Responder,
    Scenario,
    json_body,
    json_text,
    nested,
    respond,
)


def _raw(data: bytes) -> Scenario:
    async def scenario(request: ReceivedRequest, out: Responder) -> None:
        await out.send(data)

    return scenario


DEEP = 100_000
BAD_ANSWERS: dict[str, Scenario] = {
    "lists nested 100k deep": json_text("[" * DEEP + "]" * DEEP),
    "objects nested 100k deep": json_text('{"a":' * DEEP + "1" + "}" * DEEP),
    "unclosed nesting": json_text("[" * DEEP),
    "deep in a Response": json_text('{"Response": {"TaskId": ' + "[" * DEEP + "]" * DEEP + "}}"),
    "near the parser's limit": json_body(
        {"Response": {"Status": "FINISH", "AigcImageTask": nested("x", 900)}}
    ),
    "not HTTP": _raw(b"SSH-2.0-OpenSSH_9.6\r\n"),
    "status 999": _raw(b"HTTP/1.1 999 Odd\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
    "no status code": _raw(b"HTTP/1.1 OK\r\n\r\n"),
    "garbage header": _raw(b"HTTP/1.1 200 OK\r\n\x00\x01: \xff\r\n\r\n{}"),
    "body shorter than its length": respond(200, b"{}", content_length=100),
    "invalid gzip": respond(200, b"not gzip", headers=[("Content-Encoding", "gzip")]),
    "truncated gzip": respond(
        200, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", headers=[("Content-Encoding", "gzip")]
    ),
    "chunked garbage": respond(
        200, b"zz\r\n{}\r\n", headers=[("Transfer-Encoding", "chunked")], content_length=False
    ),
    "not UTF-8": json_text(b'{"Response": {"Status": "\xff\xfe"}}'.decode("latin-1")),
    "NaN and huge numbers": json_text(
        '{"Response": {"Status": NaN, "AigcImageTask": {"Progress": 1e999, "ErrCode": '
        + "9" * 5000
        + "}}}"
    ),
    "closed at once": _raw(b""),
}


@pytest.mark.parametrize("name", list(BAD_ANSWERS))
def test_only_chainhub_errors_escape_whatever_the_answer(hostile: HostileServer, name: str) -> None:
    hostile.fallback = BAD_ANSWERS[name]
    client = sdk_client(hostile, timeout=5)
    for call in (lambda: client.tasks.get(TASK_ID), lambda: client.get("/anything")):
        # a clean error is what this test wants; any other exception fails it
        with contextlib.suppress(ChainhubError):
            call()


async def test_only_chainhub_errors_escape_async(hostile: HostileServer) -> None:
    hostile.script(*BAD_ANSWERS.values())
    async with AsyncClient(api_key=KEY, base_url=hostile.url, max_retries=0, timeout=5) as c:
        for _name in BAD_ANSWERS:
            with contextlib.suppress(ChainhubError):
                await c.tasks.get(TASK_ID)


def test_deep_nesting_is_a_validation_error_and_short_bodies_a_connection_error(
    hostile: HostileServer,
) -> None:
    hostile.script(
        BAD_ANSWERS["lists nested 100k deep"], BAD_ANSWERS["body shorter than its length"]
    )
    client = sdk_client(hostile)
    with pytest.raises(APIResponseValidationError, match=r"not JSON|nested too deeply"):
        client.tasks.get(TASK_ID)
    with pytest.raises(APIConnectionError):
        client.tasks.get(TASK_ID)


# -- item 13 ----------------------------------------------------------------------------------


def test_a_finish_without_files_is_reported_when_files_were_asked_for(
    hostile: HostileServer,
) -> None:
    hostile.script(json_body(json.loads(created().content)))
    hostile.fallback = json_body(task_body("FINISH", files=[]))
    client = sdk_client(hostile, poll_interval=0.01)
    with pytest.raises(NoOutputError, match=f"task {TASK_ID} finished without error") as caught:
        client.images.generate(**IMAGE, timeout=10)
    assert isinstance(caught.value, TaskFailedError) and caught.value.task_id == TASK_ID
    assert caught.value.task.err_code == 0 and caught.value.task.files == ()
    # waiting on the CreatedTask says the same; a bare id gets the task, files empty
    created_task = CreatedTask(task_id=TASK_ID, request_id=None, session_id=None)
    with pytest.raises(NoOutputError):
        client.tasks.wait(created_task, timeout=10)
    assert client.tasks.wait(TASK_ID, timeout=10).files == ()
    # with files, the same FINISH is a success
    hostile.script(json_body(json.loads(created().content)))
    hostile.fallback = json_body(task_body("FINISH", files=[file_info()]))
    assert client.images.generate(**IMAGE, timeout=10).task.is_success


def test_an_unknown_status_is_warned_once_and_shown_to_on_progress(
    hostile: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    progress = iter(range(1, 100))
    hostile.fallback = json_body(lambda request: task_body("PAUSED", progress=next(progress)))
    seen: list[Task] = []
    caplog.set_level(logging.WARNING, logger="chainhub_aigc")
    client = sdk_client(hostile, poll_interval=0.05)
    with pytest.raises(WaitTimeoutError):
        client.tasks.wait(TASK_ID, timeout=1, on_progress=seen.append)
    warnings = [r.getMessage() for r in caplog.records if "PAUSED" in r.getMessage()]
    assert len(hostile.requests) >= 3 and len(seen) >= 3  # several polls...
    assert len(warnings) == 1  # ...one warning
    assert "not one the API documents" in warnings[0] and TASK_ID in warnings[0]
    assert all(task.unknown_status == "PAUSED" for task in seen)
    assert task_body("PROCESSING")["Response"]["Status"] == "PROCESSING"
    assert Task(TASK_ID, None, "PROCESSING").unknown_status is None
