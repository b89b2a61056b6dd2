"""The mock under clients that misbehave on purpose: slow or unfinished requests, endless
headers, huge prompts that fill the task store, unauthenticated calls to the mock-only routes,
latency faults stacked to hang a request.

Connection-level behaviour needs the mock's own server (MockServer: uvicorn on 127.0.0.1) and
raw sockets; the rest runs in process. Timing assertions are either generous upper bounds that
only a hang breaks, or lower bounds that follow from the clocks (a connection cannot be closed
for its request's deadline before that deadline has passed).
"""

from __future__ import annotations

import json
import logging
import resource
import selectors
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from chainhub_aigc.mock import MockConfig, MockServer, MockTask
from chainhub_aigc.mock import server as server_module
from chainhub_aigc.mock.config import MAX_LATENCY
from chainhub_aigc.mock.server import MAX_HEAD_BYTES
from chainhub_aigc.mock.state import RECORD_OVERHEAD_BYTES, TaskFailure, record_bytes
from tests.conftest import RunMockCli
from tests.data import AUTH, IMAGE, IMAGE_PATH, MOCK_TOKEN, QUERY_PATH
from tests.mock.conftest import InProcess, MakeClient

SLACK = 5.0  # seconds: beyond a deadline, what only a hang (not a busy machine) would exceed

# Requests cut short at each stage (a connection that sends nothing at all is the fourth kind).
PARTIAL_LINE = b"POST /tencent-vod/v1/aigc-im"
PARTIAL_HEADERS = b"POST " + IMAGE_PATH.encode() + b" HTTP/1.1\r\nHost: mock\r\nContent-Ty"
PARTIAL_BODY = (
    b"POST " + IMAGE_PATH.encode() + b" HTTP/1.1\r\nHost: mock\r\n"
    b"Authorization: Bearer " + MOCK_TOKEN.encode() + b"\r\n"
    b"Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
    b'{"model_name": "GEM", "pro'
)
HALF_OPEN_KINDS = (b"", PARTIAL_LINE, PARTIAL_HEADERS, PARTIAL_BODY)


def request_bytes(body: bytes, *extra: str) -> bytes:
    """A whole create request, as raw bytes."""
    head = [
        f"POST {IMAGE_PATH} HTTP/1.1",
        "Host: mock",
        f"Authorization: Bearer {MOCK_TOKEN}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *extra,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def read_response(sock: socket.socket, timeout: float = 30.0) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 answer with a Content-Length."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(v) for k, _, v in (x.partition(":") for x in lines) if k.lower() == "content-length"
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed mid-body"
        body += chunk
    return int(lines[0].split()[1]), body[:length]


@dataclass
class Watched:
    """A client socket left half-open, and what the server did with it."""

    sock: socket.socket
    sent: bytes
    opened: float
    received: bytes = b""
    closed: float | None = None


@dataclass
class Watch:
    connections: list[Watched] = field(default_factory=list)

    def open(self, port: int, sent: bytes) -> None:
        opened = time.monotonic()  # before connecting: the server cannot have seen it earlier
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if sent:
            sock.sendall(sent)
        sock.setblocking(False)
        self.connections.append(Watched(sock, sent, opened))

    def still_open(self) -> int:
        """How many the server has not closed yet (reads what is there, without waiting)."""
        self.wait_closed(deadline=time.monotonic())
        return sum(1 for c in self.connections if c.closed is None)

    def wait_closed(self, deadline: float) -> None:
        """Read every connection until the server closes it, or the deadline passes."""
        selector = selectors.DefaultSelector()  # epoll: no limit on descriptor numbers
        for watched in self.connections:
            if watched.closed is None:
                selector.register(watched.sock, selectors.EVENT_READ, watched)
        try:
            while selector.get_map():
                timeout = max(0.0, deadline - time.monotonic())
                events = selector.select(timeout)
                if not events:
                    return
                for key, _ in events:
                    watched = key.data
                    try:
                        chunk = watched.sock.recv(65536)
                    except ConnectionResetError:
                        chunk = b""
                    if chunk:
                        watched.received += chunk
                    else:
                        watched.closed = time.monotonic()
                        selector.unregister(watched.sock)
        finally:
            selector.close()

    def close(self) -> None:
        for watched in self.connections:
            watched.sock.close()


@pytest.fixture
def watch() -> Iterator[Watch]:
    watch = Watch()
    yield watch
    watch.close()


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def uvicorn_errors() -> Iterator[list[logging.LogRecord]]:
    """What uvicorn logs at WARNING and above (it does not propagate to the root logger)."""
    handler = _Records()
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def descriptors_for(wanted: int) -> int:
    """How many half-open connections this process can hold, up to `wanted`: both ends live
    here (the server runs in a thread), so two descriptors each, plus a margin for the rest.
    The soft limit is raised towards the hard one when it is too low."""
    margin = 256
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * wanted + margin
    if soft != resource.RLIM_INFINITY and soft < needed:
        soft = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft == resource.RLIM_INFINITY:
        return wanted
    return min(wanted, (soft - margin) // 2)


def assert_timed_out(watched: Watched, timeout: float) -> None:
    """Closed by the server, not before the deadline; a 408 in the envelope when part of a
    request came, nothing at all when nothing did."""
    assert watched.closed is not None, f"still open: sent {watched.sent!r}"
    assert watched.closed - watched.opened >= timeout
    if not watched.sent:
        assert watched.received == b""
        return
    head, _, body = watched.received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), watched.received[:80]
    error = json.loads(body)["Response"]["Error"]
    assert error["Code"] == "InvalidRequest" and f"{timeout:g} seconds" in error["Message"]


# --- item 16: a whole request within the deadline, or the connection is closed ---------------


def test_a_thousand_half_open_connections_neither_block_a_client_nor_stay_open(
    watch: Watch, uvicorn_errors: list[logging.LogRecord]
) -> None:
    count = descriptors_for(1000)
    assert count >= 200, f"the descriptor limit leaves room for {count} connections only"
    timeout = 3.0
    with MockServer(MockConfig(request_timeout=timeout)) as server:
        for i in range(count):
            watch.open(server.port, HALF_OPEN_KINDS[i % len(HALF_OPEN_KINDS)])
        started = time.monotonic()
        with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as http:
            created = http.post(IMAGE_PATH, json=IMAGE)
            answered = time.monotonic() - started
            assert created.status_code == 200
            assert answered < SLACK
            # ... while every half-open connection was still held (none past its deadline yet).
            held = watch.still_open()
            assert time.monotonic() < watch.connections[0].opened + timeout, "too slow to tell"
            assert held == count
            watch.wait_closed(deadline=watch.connections[-1].opened + timeout + SLACK)
            for watched in watch.connections:
                assert_timed_out(watched, timeout)
            # And the server goes on.
            task_id = created.json()["Response"]["TaskId"]
            assert http.get(QUERY_PATH + task_id).status_code == 200
    assert [r.getMessage() for r in uvicorn_errors] == []


@pytest.fixture(params=["httptools", "h11"])
def protocol(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each of the HTTP implementations the mock can run on (httptools when installed)."""
    implementation: str = request.param
    monkeypatch.setattr(server_module, "http_implementation", lambda: implementation)
    return implementation


def test_every_stage_of_an_unfinished_request_times_out(
    protocol: str, watch: Watch, uvicorn_errors: list[logging.LogRecord]
) -> None:
    timeout = 1.0
    with MockServer(MockConfig(request_timeout=timeout)) as server:
        for sent in HALF_OPEN_KINDS * 3:
            watch.open(server.port, sent)
        # A request dripped a byte at a time: activity does not move the deadline.
        opened = time.monotonic()
        dripper = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        drip = iter(PARTIAL_HEADERS + b"X-Filler: " + b"a" * 1000)
        try:
            while True:
                dripper.sendall(bytes([next(drip)]))
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass
        dripped = time.monotonic() - opened
        assert timeout <= dripped < timeout + SLACK
        dripper.close()
        watch.wait_closed(deadline=time.monotonic() + timeout + SLACK)
        for watched in watch.connections:
            assert_timed_out(watched, timeout)
    assert [r.getMessage() for r in uvicorn_errors] == []


def test_slow_clients_that_finish_in_time_are_answered(protocol: str) -> None:
    timeout = 1.0
    body = json.dumps(IMAGE).encode()
    request = request_bytes(body)
    piece = len(request) // 4 + 1
    with (
        MockServer(MockConfig(request_timeout=timeout)) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        for start in range(0, len(request), piece):  # in pieces, well within the deadline
            sock.sendall(request[start : start + piece])
            time.sleep(timeout / 20)
        assert read_response(sock)[0] == 200
        # Idle between two requests is keep-alive time, not the next request's.
        time.sleep(timeout * 1.5)
        sock.sendall(request)
        assert read_response(sock)[0] == 200


def test_time_the_server_takes_does_not_count_against_the_client(protocol: str) -> None:
    timeout = 0.5
    # A body far past the server's read buffer: uvicorn stops reading until the app takes it,
    # and the app takes it only after the injected latency, longer than the deadline.
    big = json.dumps({**IMAGE, "prompt": "x" * 2_000_000}).encode()
    slow = f"X-Mock-Fault: latency;seconds={timeout * 2}"
    with MockServer(MockConfig(request_timeout=timeout)) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(request_bytes(big, slow))
            assert read_response(sock)[0] == 200
        # The same for a client that waits for `100 Continue` before sending its body.
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            body = json.dumps(IMAGE).encode()
            request = request_bytes(body, slow, "Expect: 100-continue")
            sock.sendall(request[: -len(body)])
            sock.settimeout(30)
            assert sock.recv(1024).startswith(b"HTTP/1.1 100 ")
            sock.sendall(body)
            assert read_response(sock)[0] == 200


def test_headers_past_the_head_bound_are_refused(protocol: str) -> None:
    # httptools: the mock's bound (431, in the envelope); h11: its own 16 KB (uvicorn's 400).
    expected = b"HTTP/1.1 431 " if protocol == "httptools" else b"HTTP/1.1 400 "
    head = b"GET /openapi.json HTTP/1.1\r\nHost: mock\r\nX-Long: "
    with MockServer(MockConfig()) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(head + b"a" * (MAX_HEAD_BYTES + 1 - len(head)))
            sock.settimeout(10)
            assert sock.recv(65536).startswith(expected)
        # Endless headers: the connection is cut once past the bound, long before the client
        # could send the amount it tries (the kernels' buffers take a few megabytes).
        limit = 1000 * MAX_HEAD_BYTES
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(head)
            sent = 0
            try:
                while sent < limit:
                    sock.sendall(b"a" * 65536)
                    sent += 65536
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert sent < limit


def test_request_timeout_is_checked() -> None:
    for value in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="request_timeout"):
            MockConfig(request_timeout=value)


# --- item 17: the task store is bounded in bytes ---------------------------------------------


async def test_the_store_forgets_the_oldest_tasks_past_its_byte_bound(
    make_client: MakeClient,
) -> None:
    prompt = "x" * 100_000
    budget = 350_000  # three such tasks fit, not four
    client = make_client(MockConfig(max_store_bytes=budget))
    ids = [await client.create(prompt=prompt) for _ in range(6)]
    state = client.mock.state
    assert list(state.tasks) == ids[-3:]
    assert state.tasks.bytes <= budget
    assert state.tasks.bytes == sum(t.store_bytes for t in state.tasks.values())
    for task_id in ids[:3]:
        response = await client.http.get(QUERY_PATH + task_id)
        assert response.status_code == 404
        assert response.json()["Response"]["Error"]["Code"] == "ResourceNotFound"
    for task_id in ids[-3:]:
        assert (await client.query(task_id))["AigcImageTask"]["Input"]["Prompt"] == prompt
    # A task larger than the whole budget is kept alone: the newest always answers.
    huge = await client.create(prompt="y" * 400_000)
    assert list(state.tasks) == [huge] and state.tasks.bytes > budget
    assert (await client.query(huge))["AigcImageTask"]["TaskId"] == huge
    listing = (await client.http.get("/_mock/tasks")).json()
    assert listing["StoreBytes"] == state.tasks.bytes
    assert listing["Config"]["MaxStoreBytes"] == budget
    await client.http.post("/_mock/reset")
    assert state.tasks.bytes == 0


async def test_an_evicted_tasks_file_is_gone_too(make_client: MakeClient) -> None:
    client = make_client(MockConfig(max_store_bytes=250_000))
    first = await client.create(prompt="x" * 100_000)
    url = (await client.finish(first))["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    assert (await client.http.get(url)).status_code == 200
    await client.create(prompt="x" * 100_000)
    await client.create(prompt="x" * 100_000)
    assert first not in client.mock.state.tasks
    assert (await client.http.get(url)).status_code == 404


def test_the_record_overhead_covers_the_longest_short_fields() -> None:
    """The cheap estimate of a task's weight is not below what it weighs: short fields at the
    spec's longest, in the widest characters, every number set."""
    task = MockTask.new(
        task_id="1392336703-AigcVideoTask-" + "f" * 32 + "t",
        task_type="AigcVideoTask",
        operation_id="createVideoTask",
        input_json="{}",
        task_fields_json="{}",
        storage_mode="Permanent",
        media_name="\U0001f600" * 64,
        duration=10.5,
        session_id="\U0001f600" * 50,
        created_wall=time.time(),
        created_mono=time.monotonic(),
        failure=TaskFailure(70000, "E" * 100, "M" * 1000),
    )
    task.queries, task.begin_wall, task.finish_wall = 10**9, time.time(), time.time()
    measured = record_bytes(task.record)
    assert task.store_bytes >= measured
    assert task.store_bytes - RECORD_OVERHEAD_BYTES == 2 + 2 + 100 + 1000  # the long texts


def _memory_mb(pid: int) -> dict[str, int]:
    """VmRSS (now) and VmHWM (peak) of a process, in MB."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) // 1024
    return found


def test_huge_prompts_do_not_grow_the_servers_memory_past_the_store_bound(
    run_mock_cli: RunMockCli,
) -> None:
    """Creates with 9.9 MB prompts: before the byte bound, each one stayed in memory (the echo
    of its request), about 10 MB of RSS per create. Now the peak grows by at most the store's
    bound plus what one request in flight takes (its body passes through a few copies: bytes,
    text, parsed value, echo)."""
    store_mb, creates, in_flight_mb = 24, 10, 70
    body = json.dumps({**IMAGE, "prompt": "x" * 9_900_000}).encode()
    with (
        run_mock_cli("--max-store-bytes", f"{store_mb}M") as mock,
        httpx.Client(base_url=mock.url, headers=AUTH, timeout=60) as http,
    ):
        http.get("/openapi.json")
        before = _memory_mb(mock.process.pid)["VmRSS"]
        ids = []
        for _ in range(creates):
            response = http.post(
                IMAGE_PATH, content=body, headers={"content-type": "application/json"}
            )
            assert response.status_code == 200, response.text[:200]
            ids.append(response.json()["Response"]["TaskId"])
        growth = _memory_mb(mock.process.pid)["VmHWM"] - before
        assert growth < store_mb + in_flight_mb, f"peak RSS grew by {growth} MB"
        oldest = http.get(QUERY_PATH + ids[0])
        assert oldest.status_code == 404
        assert oldest.json()["Response"]["Error"]["Code"] == "ResourceNotFound"
        assert http.get(QUERY_PATH + ids[-1]).status_code == 200
        assert http.get(QUERY_PATH + ids[-2]).status_code == 200


def test_max_store_bytes_is_checked() -> None:
    with pytest.raises(ValueError, match="max_store_bytes"):
        MockConfig(max_store_bytes=0)


# --- item 18: /_mock/* needs the token; stacked latency is capped as a sum ------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/_mock/tasks", 200),
        ("POST", "/_mock/reset", 200),
        ("POST", "/_mock/tasks", 405),
        ("DELETE", "/_mock/reset", 405),
        ("GET", "/_mock/nothing/here", 404),
        ("GET", "/_mock/", 404),
    ],
)
async def test_mock_routes_answer_only_with_the_token(
    client: InProcess, method: str, path: str, status: int
) -> None:
    task_id = await client.create()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": MOCK_TOKEN}):
        client.http.headers.pop("Authorization", None)
        response = await client.http.request(method, path, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
        error = response.json()["Response"]
        assert error["Error"]["Code"] == "AuthFailure.SignatureFailure" and error["RequestId"]
        assert MOCK_TOKEN not in response.text and "Tasks" not in response.text
    assert list(client.mock.state.tasks) == [task_id]  # an unauthenticated reset did nothing
    response = await client.http.request(method, path, headers=AUTH)
    assert response.status_code == status
    if status == 405:
        assert response.headers["allow"] in ("GET", "POST")


async def test_output_files_stay_public(client: InProcess) -> None:
    """Like a CDN URL: the SDK downloads with no credentials."""
    task_id = await client.create()
    url = (await client.finish(task_id))["AigcImageTask"]["Output"]["FileInfos"][0]["FileUrl"]
    client.http.headers.pop("Authorization")
    assert (await client.http.get(url)).status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        f"latency;seconds={MAX_LATENCY}, latency;seconds={MAX_LATENCY}",
        ", ".join([f"latency;seconds={MAX_LATENCY / 3 + 0.1:.1f}"] * 3),
        ", ".join(["latency"] * 31),  # the configured 1 s each: 31 s in all
    ],
)
async def test_stacked_latency_faults_are_capped_as_a_sum(
    make_client: MakeClient, header: str
) -> None:
    client = make_client(MockConfig(latency=1.0))
    task_id = await client.create()
    await client.finish(task_id)
    url = f"/_mock/files/{task_id}/aigcImageGenFile.png"
    started = time.monotonic()
    for path, method in ((IMAGE_PATH, "POST"), (QUERY_PATH + task_id, "GET"), (url, "GET")):
        body = IMAGE if method == "POST" else None
        response = await client.http.request(
            method, path, json=body, headers={"X-Mock-Fault": header}
        )
        assert response.status_code == 400, response.text
        message = response.json()["Response"]["Error"]["Message"]
        assert message.startswith("X-Mock-Fault: latency") and f"{MAX_LATENCY:g} seconds" in message
    assert time.monotonic() - started < SLACK  # refused, not slept
    assert list(client.mock.state.tasks) == [task_id]


async def test_stacked_latency_within_the_cap_is_slept_in_full(make_client: MakeClient) -> None:
    client = make_client(MockConfig(latency=0.1))
    started = time.monotonic()
    response = await client.http.post(
        IMAGE_PATH, json=IMAGE, headers={"X-Mock-Fault": "latency;seconds=0.2, latency"}
    )
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
