"""Faults over a real socket (MockServer: uvicorn on 127.0.0.1), observed by a raw httpx client.

Per request with `X-Mock-Fault`, and by seeded rate (reproducible). Timing: only "at least the
injected latency" is asserted, never an upper bound.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import httpx
import pytest

from chainhub_aigc.mock import MockConfig, MockServer
from tests.data import AUTH, IMAGE, IMAGE_PATH, MOCK_TOKEN, QUERY_PATH

DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ConnectError)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(MockConfig(), host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def http(server: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as client:
        yield client


def create(http: httpx.Client, fault: str | None = None, **fields: object) -> httpx.Response:
    headers = {"X-Mock-Fault": fault} if fault else {}
    return http.post(IMAGE_PATH, json={**IMAGE, **fields}, headers=headers)


def test_the_server_listens_on_loopback(server: MockServer) -> None:
    assert server.base_url == f"http://127.0.0.1:{server.port}" and server.port > 0


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def uvicorn_errors(server: MockServer) -> Iterator[list[logging.LogRecord]]:
    """What uvicorn logs (it does not propagate to the root logger, so caplog misses it)."""
    handler = _Records()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_drop_closes_the_connection_without_a_response(
    http: httpx.Client, server: MockServer, uvicorn_errors: list[logging.LogRecord]
) -> None:
    before = len(server.state.tasks)
    with pytest.raises(DROPPED):
        create(http, "drop", session_id="drop-1")
    with pytest.raises(DROPPED):
        http.get(QUERY_PATH + "x", headers={"X-Mock-Fault": "drop"})
    assert len(server.state.tasks) == before  # nothing was created
    assert "drop-1" not in server.state.session_creates
    assert create(http, session_id="drop-1").status_code == 200  # the server goes on
    with pytest.raises(DROPPED):
        create(http, "lost-response")
    # The clean path: the transport was aborted, uvicorn saw no application error (no
    # "Exception in ASGI application", no "returned without starting response").
    assert [r.getMessage() for r in uvicorn_errors] == []


def test_drop_is_seen_by_a_raw_socket_as_no_bytes_at_all(server: MockServer) -> None:
    import socket

    body = json.dumps(IMAGE).encode()
    request = (
        f"POST {IMAGE_PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {MOCK_TOKEN}".encode()
        + b"\r\nContent-Type: application/json\r\nX-Mock-Fault: drop\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        try:
            received = sock.recv(65536)
        except ConnectionResetError:
            received = b""
    assert received == b""


def test_lost_response_creates_the_task_then_drops(http: httpx.Client, server: MockServer) -> None:
    with pytest.raises(DROPPED):
        create(http, "lost-response", session_id="lost-1")
    made = [t for t in server.state.tasks.values() if t.session_id == "lost-1"]
    assert len(made) == 1
    assert server.state.session_creates["lost-1"] == 1
    # A retry with the same session_id is the duplicate the SDK must recognise.
    retry = create(http, session_id="lost-1")
    assert retry.status_code == 400
    assert retry.json()["Response"]["Error"]["Code"] == "InvalidParameterValue.SessionId"
    assert server.state.session_creates["lost-1"] == 2
    assert len([t for t in server.state.tasks.values() if t.session_id == "lost-1"]) == 1


def test_rate_limit_with_retry_after(http: httpx.Client, server: MockServer) -> None:
    before = len(server.state.tasks)
    for fault, retry_after in (("rate-limit", "1"), ("rate-limit;retry-after=2", "2")):
        response = create(http, fault)
        assert response.status_code == 429
        assert response.headers["retry-after"] == retry_after
        assert response.json()["Response"]["Error"]["Code"] == "RequestLimitExceeded"
    assert len(server.state.tasks) == before  # refused before anything happened


@pytest.mark.parametrize("fault, status", [("unavailable", 503), ("unavailable;status=500", 500)])
def test_unavailable(http: httpx.Client, fault: str, status: int) -> None:
    for response in (
        create(http, fault),
        http.get(QUERY_PATH + "x", headers={"X-Mock-Fault": fault}),
    ):
        assert response.status_code == status
        assert response.json()["Response"]["Error"]["Code"] == "InternalError"


def test_latency_is_at_least_the_injected_delay(http: httpx.Client) -> None:
    started = time.monotonic()
    response = create(http, "latency;seconds=0.3")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


def test_latency_then_another_fault(http: httpx.Client) -> None:
    started = time.monotonic()
    response = create(http, "latency;seconds=0.2, rate-limit;retry-after=3")
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 429 and response.headers["retry-after"] == "3"


def test_task_fail_over_the_wire(http: httpx.Client) -> None:
    task_id = create(http, "task-fail;code=TaskTimeout").json()["Response"]["TaskId"]
    answers = [http.get(QUERY_PATH + task_id).json()["Response"] for _ in range(3)]
    task = answers[-1]["AigcImageTask"]
    assert answers[-1]["Status"] == "FINISH"
    assert task["ErrCode"] != 0 and task["ErrCodeExt"] == "TaskTimeout" and task["Message"]
    assert task["Output"]["FileInfos"] == []


def test_faults_on_file_downloads(http: httpx.Client) -> None:
    task_id = create(http).json()["Response"]["TaskId"]
    for _ in range(3):
        answer = http.get(QUERY_PATH + task_id).json()["Response"]
    url = answer["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    assert httpx.get(url).status_code == 200
    assert httpx.get(url, headers={"X-Mock-Fault": "unavailable"}).status_code == 503
    with pytest.raises(DROPPED):
        httpx.get(url, headers={"X-Mock-Fault": "drop"})


# --- rate-based faults ---------------------------------------------------------------------


def _outcomes(config: MockConfig, count: int = 40) -> list[str]:
    outcomes = []
    with (
        MockServer(config) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http,
    ):
        for _ in range(count):
            try:
                outcomes.append(str(create(http).status_code))
            except DROPPED:
                outcomes.append("dropped")
        # Never on the spec or the mock's own routes.
        for path in ("/openapi.json", "/_mock/tasks"):
            assert http.get(path).status_code == 200
    return outcomes


def test_rate_based_faults_are_reproducible_with_a_seed() -> None:
    config = MockConfig(fault_rate=0.5, faults=("rate-limit", "unavailable", "drop"), seed=7)
    first = _outcomes(config)
    assert first == _outcomes(config)
    assert {"200", "429", "503", "dropped"} <= set(first)
    assert 8 <= first.count("200") <= 32  # about half
    other = _outcomes(MockConfig(fault_rate=0.5, faults=config.faults, seed=8))
    assert other != first


def test_a_rate_of_one_hits_every_api_request() -> None:
    config = MockConfig(fault_rate=1.0, faults=("task-fail",), seed=1)
    with (
        MockServer(config) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http,
    ):
        task_id = create(http).json()["Response"]["TaskId"]
        answers = [http.get(QUERY_PATH + task_id) for _ in range(3)]
        assert all(a.status_code == 200 for a in answers)  # task-fail does not apply to queries
        assert answers[-1].json()["Response"]["AigcImageTask"]["ErrCodeExt"]


@pytest.mark.parametrize("fault_files", [False, True])
def test_rate_based_faults_reach_files_only_when_asked(fault_files: bool) -> None:
    config = MockConfig(fault_rate=1.0, faults=("unavailable",), seed=1, fault_files=fault_files)
    # A request that names its faults is not drawn for: `latency;seconds=0` gets through.
    clean = {"X-Mock-Fault": "latency;seconds=0"}
    with (
        MockServer(config) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=10) as http,
    ):
        assert create(http).status_code == 503
        assert http.get(QUERY_PATH + "x").status_code == 503
        assert http.get("/openapi.json").status_code == 200
        task_id = http.post(IMAGE_PATH, json=IMAGE, headers=clean).json()["Response"]["TaskId"]
        for _ in range(3):
            answer = http.get(QUERY_PATH + task_id, headers=clean).json()["Response"]
        url = answer["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
        assert httpx.get(url).status_code == (503 if fault_files else 200)


def test_two_servers_at_once_and_restart_rules() -> None:
    with MockServer() as one, MockServer() as two:
        assert one.port != two.port
        assert httpx.get(one.base_url + "/openapi.json").status_code == 200
        assert httpx.get(two.base_url + "/openapi.json").status_code == 200
        with pytest.raises(RuntimeError, match="already running"):
            one.start()
    one.stop()  # idempotent
