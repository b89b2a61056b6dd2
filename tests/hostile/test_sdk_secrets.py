"""Items 8-11 of issue 10: the key never leaves through a side channel.

A server echoes the key (in a header, JSON-escaped, nested deep in a body): it must appear in
no error text, attribute or pickle, no Task field, no log line. The key travels in clear to no
other machine without an opt-in, and downloads carry no credential at all."""

from __future__ import annotations

import gc
import json
import logging
import pickle
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import ChainhubError, ConfigurationError, DownloadError, TaskFailedError
from chainhub_aigc.types import Task
from tests.client.conftest import file_info, task_body
from tests.data import TASK_ID
from tests.hostile.conftest import KEY, assert_no_key, key_forms, sdk_client
from tests.hostile.server import (
    HostileServer,
    ReceivedRequest,
    bearer_key,
    json_escaped_slashes,
    json_escaped_unicode,
    json_text,
    nested,
    redirect,
    stream,
)

ECHO_HEADERS = ("X-Request-Id", "X-Tc-Requestid", "Set-Cookie", "X-Whatever")


def _echo_headers(request: ReceivedRequest) -> list[tuple[str, str]]:
    return [(name, f"echo {bearer_key(request)}") for name in ECHO_HEADERS]


def _echoing_body(status: str | None, error: bool) -> Any:
    """A body with the key plain, `\\/`-escaped, `\\u`-escaped, as a key and nested deep."""

    def text(request: ReceivedRequest) -> str:
        key = bearer_key(request)
        plain, slashes, unicode = key, json_escaped_slashes(key), json_escaped_unicode(key)
        upper = unicode.upper().replace("\\U", "\\u")
        deep = json.dumps(nested(f"@@{plain}@@", 100)).replace(f"@@{plain}@@", unicode)
        inner = (
            f'"Message": "bad key {slashes}", "ErrCodeExt": "{unicode}", '
            f'"SessionContext": "{upper}", '
            f'"TaskId": "{TASK_ID}", "Status": "FINISH", "ErrCode": 7, "Deep": {deep}, '
            f'"{slashes}": 1, "Output": {{"FileInfos": []}}'
        )
        if error:
            return (
                f'{{"Response": {{"Error": {{"Code": "AuthFailure.{slashes}", '
                f'"Message": "key {unicode} is wrong"}}, "RequestId": "{plain}"}}}}'
            )
        return (
            f'{{"Response": {{"Status": "{status}", "TaskType": "AigcImageTask", '
            f'"RequestId": "{unicode}", "AigcImageTask": {{{inner}}}}}}}'
        )

    return text


def _error_surfaces(error: BaseException) -> list[tuple[str, str]]:
    surfaces = [("str", str(error)), ("repr", repr(error)), ("args", repr(error.args))]
    surfaces.append(("notes", repr(getattr(error, "__notes__", []))))
    if isinstance(error, ChainhubError):
        surfaces.append(("request_id", repr(error.request_id)))
        surfaces.append(("message", repr(error.message)))
        surfaces.append(("body", json.dumps(error.body)))
        if error.response is not None:
            surfaces.append(("response.headers", repr(error.response.headers.multi_items())))
            surfaces.append(("response.content", error.response.content.decode("latin-1")))
            surfaces.append(("response.request", repr(error.response.request.headers)))
    surfaces.append(("pickle", pickle.dumps(error).decode("latin-1")))
    return surfaces


def _task_surfaces(task: Task) -> list[tuple[str, str]]:
    return [
        ("repr", repr(task)),
        ("raw_json", json.dumps(task.raw_json)),
        ("fields", repr([getattr(task, name) for name in task.__dataclass_fields__])),
        ("pickle", pickle.dumps(task).decode("latin-1")),
    ]


@pytest.mark.parametrize("status_code", [200, 401, 500])
def test_an_echoed_key_reaches_no_error_and_no_log(
    hostile: HostileServer, caplog: pytest.LogCaptureFixture, status_code: int
) -> None:
    hostile.fallback = json_text(
        _echoing_body(None, error=True), status_code, headers=_echo_headers
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ChainhubError) as caught:
        sdk_client(hostile, max_retries=1, max_retry_after=0).tasks.get(TASK_ID)
    for what, text in _error_surfaces(caught.value):
        assert_no_key(text, what)
    assert caplog.records, "the DEBUG log is empty: nothing was checked"
    for record in caplog.records:
        assert_no_key(record.getMessage(), f"log line of {record.name}")
    assert "***" in str(caught.value)  # the scrub left a mark where the key was


def test_an_echoed_key_reaches_no_task_field(hostile: HostileServer) -> None:
    hostile.fallback = json_text(_echoing_body("PROCESSING", error=False), headers=_echo_headers)
    task = sdk_client(hostile).tasks.get(TASK_ID)
    assert task.message == "bad key ***" and task.err_code_ext == "***"
    for what, text in _task_surfaces(task):
        assert_no_key(text, what)
    assert task.response is not None
    assert_no_key(repr(task.response.headers.multi_items()), "Task.response headers")


def test_a_failed_task_and_its_error_pickle_without_the_key(hostile: HostileServer) -> None:
    hostile.fallback = json_text(_echoing_body("FINISH", error=False), headers=_echo_headers)
    with pytest.raises(TaskFailedError) as caught:
        sdk_client(hostile).tasks.wait(TASK_ID, timeout=5)
    pickled = pickle.dumps(caught.value)
    assert b"Bearer" not in pickled and b"authorization" not in pickled.lower()
    assert_no_key(pickled, "the pickled TaskFailedError")
    again = pickle.loads(pickled)
    assert isinstance(again, TaskFailedError) and again.task_id == TASK_ID
    assert again.task == caught.value.task
    # what was sent did carry the key: the test would see it if it were kept
    assert hostile.requests[0].header("authorization") == f"Bearer {KEY}"


def test_a_key_in_a_body_too_deep_to_parse_is_still_scrubbed(hostile: HostileServer) -> None:
    hostile.fallback = json_text(
        lambda request: "[" * 100_000 + json.dumps(bearer_key(request)) + "]" * 100_000
    )
    with pytest.raises(ChainhubError) as caught:
        sdk_client(hostile).get("/anything")
    for what, text in _error_surfaces(caught.value):
        assert_no_key(text, what)


# -- item 10: no key in clear to another machine ------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://api.example.com", "http://10.0.0.8:8080", "http://[2001:db8::1]"]
)
def test_http_to_another_machine_needs_an_opt_in(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINHUB_ALLOW_INSECURE_HTTP", raising=False)
    with pytest.raises(ConfigurationError, match="allow_insecure_http=True") as caught:
        Client(api_key=KEY, base_url=url)
    assert "CHAINHUB_ALLOW_INSECURE_HTTP=1" in str(caught.value)
    assert Client(api_key=KEY, base_url=url, allow_insecure_http=True).base_url == url
    monkeypatch.setenv("CHAINHUB_ALLOW_INSECURE_HTTP", "1")
    assert Client(api_key=KEY, base_url=url).base_url == url


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000", "http://127.8.9.10", "http://[::1]:9", "http://localhost"]
)
def test_http_to_loopback_needs_no_opt_in(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINHUB_ALLOW_INSECURE_HTTP", raising=False)
    assert Client(api_key=KEY, base_url=url).base_url == url


# -- item 11: downloads carry no credential -----------------------------------------------------


def test_a_download_carries_no_credential_of_an_injected_client(
    hostile: HostileServer, tmp_path: Path
) -> None:
    info = file_info(f"{hostile.url}/vod/first.png", FileType="png")
    hostile.script(
        json_text(json.dumps(task_body("FINISH", files=[info]))),
        redirect(f"{hostile.url}/vod/second.png"),
        stream(100, headers=[("Content-Type", "image/png"), ("Set-Cookie", "host=planted")]),
    )
    http = httpx.Client(
        auth=("user", "http-client-password"),
        headers={"X-Api-Key": "header-secret"},
        cookies={"session": "cookie-secret"},
    )
    with http:
        client = Client(api_key=KEY, base_url=hostile.url, http_client=http)
        paths = client.tasks.result(client.tasks.get(TASK_ID)).download(tmp_path)
    assert [path.stat().st_size for path in paths] == [100]
    api, *files = hostile.requests
    assert api.header("authorization") == f"Bearer {KEY}"  # the API gets the key...
    assert [request.path for request in files] == ["/vod/first.png", "/vod/second.png"]
    for request in files:  # ...the file hosts, redirect included, get nothing
        sent = repr(request.headers)
        for secret in (KEY, "http-client-password", "header-secret", "cookie-secret", "Basic"):
            assert secret not in sent
        assert request.header("cookie") is None and request.header("authorization") is None


def test_a_download_refuses_a_redirect_from_https_to_http(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path.startswith("/tencent-vod"):
            info = file_info("https://files.test/vod/out.png", FileType="png")
            return httpx.Response(200, json=task_body("FINISH", files=[info]))
        return httpx.Response(302, headers={"Location": "http://files.test/vod/out.png"})

    client = Client(
        api_key=KEY, base_url="https://api.test", transport=httpx.MockTransport(handler)
    )
    result = client.tasks.result(client.tasks.get(TASK_ID))
    with pytest.raises(DownloadError, match="refused: redirect from https to http"):
        result.download(tmp_path, max_bytes=10_000)
    assert seen == [
        f"https://api.test/tencent-vod/v1/query/{TASK_ID}",
        "https://files.test/vod/out.png",
    ]
    assert list(tmp_path.iterdir()) == []


def test_key_forms_are_distinct() -> None:
    """The helper's forms differ from each other: each assertion above checks four things."""
    assert len(set(key_forms())) == 4


def test_the_log_scrub_knows_a_key_after_an_equal_secret_is_collected(
    hostile: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Secrets of one key compare equal: a scrub keyed by value would keep only the first one
    # and forget the key once that one is collected, while a later client still uses it.
    first = sdk_client(hostile)
    client = sdk_client(hostile)  # the same key, while the first client still lives
    del first
    gc.collect()
    hostile.fallback = json_text(_echoing_body(None, error=True), 401, headers=_echo_headers)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ChainhubError):
        client.tasks.get(TASK_ID)
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    for record in caplog.records:
        assert_no_key(record.getMessage(), f"log line of {record.name}")
