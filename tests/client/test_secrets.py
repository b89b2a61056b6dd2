"""The API key never shows: not in a repr or str, not in a log line (any logger, DEBUG), not in
an exception's text, not even when the server echoes it back in an error message."""

from __future__ import annotations

import logging
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainhub_aigc import AsyncClient, ChainhubError, Client
from chainhub_aigc._config import Secret

from .conftest import (
    IMAGE_FIELDS,
    MOCK_TOKEN,
    TASK_ID,
    TOKEN,
    FakeAPI,
    FirstAttemptFault,
    created,
    file_info,
    make_async_client,
    make_client,
    task_response,
    tencent_error,
)


def assert_clean(text: str, token: str = TOKEN) -> None:
    assert token not in text
    if len(token) > 20:
        assert token[6:20] not in text  # not even a recognisable piece


def everything_about(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    parts += getattr(error, "__notes__", [])
    for name in ("message", "code", "request_id", "status_code", "task_id", "url", "field"):
        parts.append(repr(getattr(error, name, None)))
    parts.append(repr(getattr(error, "body", None)))  # the data, not only the text
    for task in (getattr(error, "task", None), getattr(error, "last_task", None)):
        if task is not None:
            parts += [repr(task), repr(task.message), repr(task.raw_json)]
    response = getattr(error, "response", None)
    if response is not None:
        parts.append(repr(response))
        parts.append(repr(response.request.headers))
    return "\n".join(parts)


def test_reprs_and_strs(tmp_path: Path) -> None:
    client = Client(api_key=TOKEN)
    async_client = AsyncClient(api_key=TOKEN)
    for thing in (
        client,
        async_client,
        client.with_options(max_retries=0),
        client._options,
        Secret(TOKEN),
        client.images,
        client.tasks,
    ):
        assert_clean(repr(thing))
        assert_clean(str(thing))
    assert_clean(repr(vars(client)))
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(client._options.api_key)


def test_logs_and_errors_of_a_run_with_retries_and_failures(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    echo = f"invalid token Bearer {TOKEN}"
    api = FakeAPI(
        httpx.Response(429, text="", headers={"Retry-After": "1"}),
        httpx.ConnectError("refused"),
        created(),
        httpx.Response(503, text=f"upstream rejected {TOKEN}"),
        tencent_error("AuthFailure.SignatureFailure", echo, status=401),
        httpx.Response(200, text=f"<html>{TOKEN}</html>"),
        tencent_error("InvalidParameterValue.SessionId", echo, status=400),
        task_response("FINISH", err_code=1, message=f"bad key {TOKEN}"),
        task_response("FINISH", files=[file_info("https://cdn.test/a.png")]),
        httpx.Response(500, text=TOKEN),
        httpx.Response(500, text=TOKEN),
        httpx.Response(500, text=TOKEN),
    )
    client = make_client(api, max_retries=2)
    errors: list[BaseException] = []
    calls: list[Callable[[], object]] = [
        lambda: client.images.create(**IMAGE_FIELDS),
        lambda: client.with_options(max_retries=0).tasks.get(TASK_ID),
        lambda: client.tasks.get(TASK_ID),
        lambda: client.tasks.get(TASK_ID),
        lambda: client.images.create(**IMAGE_FIELDS, session_id="s"),
        lambda: client.tasks.wait(TASK_ID),
        lambda: client.tasks.wait(TASK_ID).download(tmp_path),
        lambda: client.images.create(**IMAGE_FIELDS, session_id="x" * 99),
    ]
    for call in calls:
        try:
            call()
        except ChainhubError as error:
            errors.append(error)
    assert len(errors) >= 6
    for raised in errors:
        assert_clean(everything_about(raised))
    assert caplog.records, "the run logged nothing?"
    assert_clean(caplog.text)
    for record in caplog.records:
        assert_clean(record.getMessage())
        assert_clean(repr(record.args))
    assert any("retrying" in r.getMessage() for r in caplog.records)
    # The key was really sent, only to the API.
    assert all(
        r.headers["Authorization"] == f"Bearer {TOKEN}"
        for r in api.requests
        if r.url.host == "api.test"
    )


def test_a_key_echoed_in_a_successful_answer_is_scrubbed_from_the_task() -> None:
    """The server echoes the key inside task data (e.g. a prompt that quoted it): the Task view,
    its raw_json and the generated model never carry it."""
    api = FakeAPI(task_response("FINISH", message=f"used {TOKEN}", files=[file_info()]))
    task = make_client(api).tasks.get(TASK_ID)
    assert_clean(repr(task) + repr(task.message) + repr(task.raw_json) + repr(task.raw))
    assert task.message == "used ***"


async def test_async_errors_are_clean() -> None:
    api = FakeAPI(
        tencent_error("AuthFailure.SignatureFailure", f"no {TOKEN}", status=401),
        httpx.ReadTimeout("timed out"),
    )
    client = make_async_client(api, max_retries=0)
    for _ in range(2):
        with pytest.raises(ChainhubError) as caught:
            await client.tasks.get(TASK_ID)
        assert_clean(everything_about(caught.value))


def test_live_run_logs_are_clean(mock_server: Any, caplog: pytest.LogCaptureFixture) -> None:
    """Over a real socket (httpcore's debug logs included), with faults and a bad key."""
    caplog.set_level(logging.DEBUG)
    http = httpx.Client(transport=FirstAttemptFault("unavailable"))
    with Client(
        api_key=MOCK_TOKEN,
        base_url=mock_server.base_url,
        http_client=http,
        poll_interval=0,
        sleep=lambda s: None,
    ) as client:
        result = client.images.generate(**IMAGE_FIELDS)
        assert result.task.is_success
    http.close()
    assert any("retrying" in r.getMessage() for r in caplog.records)
    with (
        Client(api_key=TOKEN, base_url=mock_server.base_url) as bad,
        pytest.raises(ChainhubError) as caught,
    ):
        bad.tasks.get(result.task_id)
    assert_clean(everything_about(caught.value))
    assert_clean(caplog.text)
    assert_clean(caplog.text, MOCK_TOKEN)
