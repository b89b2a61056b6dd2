"""Every error class, raised from a real HTTP response (or transport failure), with its
attributes: request_id, status_code, body, response, code, message."""

from __future__ import annotations

import httpx
import pytest

from chainhub_aigc import errors
from chainhub_aigc.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChainhubError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
    TaskMayExistError,
    TencentAPIError,
    WaitTimeoutError,
)

from .conftest import (
    IMAGE_FIELDS,
    TASK_ID,
    FakeAPI,
    created,
    make_async_client,
    make_client,
    task_response,
    tencent_error,
)


def test_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, ChainhubError)
    for cls in (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        RateLimitError,
        InternalServerError,
        APIResponseValidationError,
        TencentAPIError,
    ):
        assert issubclass(cls, APIStatusError)
    assert issubclass(TaskMayExistError, TencentAPIError)
    for other in (TaskFailedError, WaitTimeoutError, RequestValidationError, APIStatusError):
        assert issubclass(other, ChainhubError)
    # The Tencent-bodied variants are both: except either catches them.
    pairs = {
        errors.TencentBadRequestError: BadRequestError,
        errors.TencentAuthenticationError: AuthenticationError,
        errors.TencentPermissionDeniedError: PermissionDeniedError,
        errors.TencentNotFoundError: NotFoundError,
        errors.TencentRateLimitError: RateLimitError,
        errors.TencentInternalServerError: InternalServerError,
    }
    for combined, status_cls in pairs.items():
        assert issubclass(combined, status_cls) and issubclass(combined, TencentAPIError)
    assert set(errors.__all__) >= {cls.__name__ for cls in pairs} | {"ChainhubError"}


STATUS_CASES = [
    (400, BadRequestError),
    (422, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (520, InternalServerError),  # not in http.HTTPStatus: the generated client would crash
    (599, InternalServerError),
    (409, APIStatusError),
    (413, APIStatusError),
    (302, APIStatusError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CASES)
def test_status_without_tencent_body(status: int, cls: type[APIStatusError]) -> None:
    api = FakeAPI(httpx.Response(status, text="<html>gateway says no</html>"))
    client = make_client(api, max_retries=0)
    with pytest.raises(cls) as caught:
        client.tasks.get(TASK_ID)
    error = caught.value
    assert type(error) is cls  # no Tencent body: not a TencentAPIError
    assert not isinstance(error, TencentAPIError)
    assert error.status_code == status
    assert error.body == "<html>gateway says no</html>"
    assert error.response is not None and error.response.status_code == status
    assert error.code is None
    assert f"HTTP {status}" in str(error) and "gateway says no" in str(error)


@pytest.mark.parametrize(("status", "cls"), STATUS_CASES)
def test_status_with_tencent_body(status: int, cls: type[APIStatusError]) -> None:
    api = FakeAPI(tencent_error("FailedOperation", "nope", status=status, request_id="rid-9"))
    client = make_client(api, max_retries=0)
    with pytest.raises(cls) as caught:
        client.tasks.get(TASK_ID)
    error = caught.value
    assert isinstance(error, TencentAPIError)
    assert error.code == "FailedOperation" and error.message == "nope"
    assert error.request_id == "rid-9" and error.status_code == status
    assert error.body["Response"]["Error"]["Code"] == "FailedOperation"
    assert "rid-9" in str(error) and "FailedOperation" in str(error)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("AuthFailure.SignatureFailure", AuthenticationError),
        ("UnauthorizedOperation", PermissionDeniedError),
        ("RequestLimitExceeded", RateLimitError),
        ("ResourceNotFound", NotFoundError),
        ("InvalidParameterValue.TaskId", NotFoundError),
        ("InternalError", InternalServerError),
        ("InvalidParameter", BadRequestError),
        ("InvalidParameterValue.SessionIdTooLong", BadRequestError),
        ("MissingParameter", BadRequestError),
        ("UnknownParameter", BadRequestError),
        ("LimitExceeded.Quota", TencentAPIError),
        ("FailedOperation.InvalidVodUser", TencentAPIError),
        ("SomethingNew.NeverSeen", TencentAPIError),
    ],
)
def test_200_with_tencent_error_is_classified_by_code(code: str, cls: type[Exception]) -> None:
    api = FakeAPI(tencent_error(code, "msg", status=200), fallback=lambda r: created())
    client = make_client(api, max_retries=0)
    with pytest.raises(TencentAPIError) as caught:
        client.images.create(**IMAGE_FIELDS)
    assert isinstance(caught.value, cls)
    assert caught.value.code == code and caught.value.status_code == 200
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"a string"',
        b'{"response": {}}',
        b'{"Response": "text"}',
        b'{"Response": null}',
        b'{"Response": {"Error": "bad"}}',
        b'{"Response": {"Error": {"Message": "no code"}}}',
        b"[" * 100_000,
    ],
)
def test_malformed_success_bodies_raise_a_typed_error(body: bytes) -> None:
    api = FakeAPI(httpx.Response(200, content=body))
    client = make_client(api, max_retries=0)
    with pytest.raises(APIResponseValidationError) as caught:
        client.tasks.get(TASK_ID)
    assert caught.value.status_code == 200
    assert caught.value.response is not None


def test_create_answer_without_task_id() -> None:
    api = FakeAPI(httpx.Response(200, json={"Response": {"RequestId": "r", "TaskId": None}}))
    with pytest.raises(APIResponseValidationError, match="TaskId") as caught:
        make_client(api).images.create(**IMAGE_FIELDS)
    assert caught.value.request_id == "r"


def test_request_id_from_header_when_body_has_none() -> None:
    api = FakeAPI(httpx.Response(503, text="busy", headers={"X-Request-Id": "hdr-7"}))
    with pytest.raises(InternalServerError) as caught:
        make_client(api, max_retries=0).tasks.get(TASK_ID)
    assert caught.value.request_id == "hdr-7"


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.RemoteProtocolError("disconnected"), APIConnectionError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
        (httpx.PoolTimeout("pool"), APITimeoutError),
        (httpx.UnsupportedProtocol("gopher"), APIConnectionError),
    ],
)
def test_transport_errors(exc: Exception, cls: type[APIConnectionError]) -> None:
    api = FakeAPI(exc)
    with pytest.raises(cls) as caught:
        make_client(api, max_retries=0).tasks.get(TASK_ID)
    assert type(caught.value) is cls
    assert caught.value.__cause__ is exc
    assert caught.value.status_code is None and caught.value.response is None


async def test_async_errors_match_sync() -> None:
    api = FakeAPI(
        tencent_error("ResourceNotFound", status=404),
        httpx.Response(520, text="?"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, content=b"{"),
    )
    client = make_async_client(api, max_retries=0)
    with pytest.raises(errors.TencentNotFoundError):
        await client.tasks.get(TASK_ID)
    with pytest.raises(InternalServerError):
        await client.tasks.get(TASK_ID)
    with pytest.raises(APITimeoutError):
        await client.tasks.get(TASK_ID)
    with pytest.raises(APIResponseValidationError):
        await client.tasks.get(TASK_ID)


def test_task_failed_error_carries_the_task() -> None:
    api = FakeAPI(
        task_response(
            "FINISH", err_code=40000, err_code_ext="ContentModerationFailed", message="blocked"
        )
    )
    with pytest.raises(TaskFailedError) as caught:
        make_client(api).tasks.wait(TASK_ID)
    error = caught.value
    assert error.task.is_failed and error.task_id == TASK_ID
    assert error.err_code == 40000 and error.err_code_ext == "ContentModerationFailed"
    assert error.message == "blocked" and error.request_id == "req-query"
    assert error.status_code == 200 and error.body == error.task.raw_json
    assert "ContentModerationFailed" in str(error) and "40000" in str(error)


def test_wait_timeout_error_carries_the_last_task() -> None:
    api = FakeAPI(fallback=lambda r: task_response("PROCESSING", progress=42))
    with pytest.raises(WaitTimeoutError) as caught:
        make_client(api).tasks.wait(TASK_ID, timeout=0)
    error = caught.value
    assert error.last_task is not None and error.last_task.progress == 42
    assert error.task_id == TASK_ID and error.timeout == 0
    assert "42%" in str(error) and "PROCESSING" in str(error)


def test_request_validation_error_is_raised_before_sending() -> None:
    api = FakeAPI()
    with pytest.raises(RequestValidationError) as caught:
        make_client(api).images.create(**IMAGE_FIELDS, tasks_priority=11)
    assert caught.value.field == "tasks_priority" and caught.value.rule == "outside -10..10"
    assert isinstance(caught.value, ValueError)
    assert api.requests == []
