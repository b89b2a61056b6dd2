"""SDK traffic through `prism proxy --errors` in front of the mock: Prism finds no violation.

    SDK -> Prism 5.16 proxy (--errors) -> relay (transparent unless told) -> mock

With `--errors`, Prism answers 500 (`.../prism/errors#VIOLATIONS`, the violations listed) in
place of any answer, or request, that breaks the spec, so a conforming exchange is one where
every answer reaches the SDK as the mock sent it. (The download follows the task's FileUrl,
which is no operation of the spec: it goes to the relay, past Prism.) The last test makes the
relay alter one 200 answer and checks that Prism catches it: before the `NullValue` form of
overlay 21-null-value.yaml, Prism validated no 200 answer at all and said nothing.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
)
from tests.data import BUILT_SPEC, IMAGE, MOCK_TOKEN, PNG_SIGNATURE, UNKNOWN_TASK_ID, VIDEO
from tests.tools.relay import Relay

_READY = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
VIOLATIONS = "https://stoplight.io/prism/errors#VIOLATIONS"


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    body: bytes
    violations_header: str | None


@dataclass
class Recorder(httpx.BaseTransport):
    """The SDK's transport: records every answer as the SDK received it."""

    inner: httpx.BaseTransport = field(default_factory=httpx.HTTPTransport)
    seen: list[Exchange] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        self.seen.append(
            Exchange(
                request.method,
                request.url.path,
                response.status_code,
                body,
                response.headers.get("sl-violations"),
            )
        )
        # The body is read (and decoded) here: hand it on without the headers that describe
        # the encoded bytes on the wire.
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    def close(self) -> None:
        self.inner.close()


@dataclass
class Proxied:
    url: str
    relay: Relay
    log: list[str]

    def client(self, recorder: Recorder, api_key: str = MOCK_TOKEN) -> Client:
        return Client(api_key=api_key, base_url=self.url, max_retries=0, transport=recorder)


@pytest.fixture(scope="module")
def proxied(prism: Path) -> Iterator[Proxied]:
    from chainhub_aigc.mock import MockConfig, MockServer

    config = MockConfig(tokens=frozenset({MOCK_TOKEN}), mode="deterministic", finish_after=1)
    with (
        MockServer(config, host="127.0.0.1", port=0) as mock,
        Relay(mock.base_url).running() as relay,
    ):
        command = [str(prism), "proxy", "--errors", "-h", "127.0.0.1", "-p", "0"]
        process = subprocess.Popen(
            [*command, str(BUILT_SPEC), relay.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        log: list[str] = []
        found: list[str] = []
        ready = threading.Event()

        def read() -> None:  # keep draining: a full pipe would stall Prism
            assert process.stdout is not None
            for line in process.stdout:
                log.append(line)
                match = _READY.search(line)
                if match and not ready.is_set():
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            # Generous: Node's start-up on a loaded 2-core machine; only a hang goes past it.
            if not ready.wait(120) or not found:
                pytest.fail("Prism did not start:\n" + "".join(log[-30:]))
            yield Proxied(found[0], relay, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            reader.join(timeout=5)


def _no_violations(recorder: Recorder) -> None:
    flagged = [
        f"{e.method} {e.path} -> {e.status}: {e.violations_header or e.body[:500]!r}"
        for e in recorder.seen
        if e.violations_header or VIOLATIONS.encode() in e.body
    ]
    assert not flagged, "Prism found violations:\n" + "\n".join(flagged)


def test_sdk_traffic_has_no_violations(proxied: Proxied, tmp_path: Path) -> None:
    recorder = Recorder()
    with proxied.client(recorder) as client:
        image = client.images.create(**IMAGE)
        video = client.videos.create(**VIDEO)
        assert client.tasks.get(image.task_id).status in ("WAITING", "PROCESSING")
        done = client.tasks.wait(image.task_id, timeout=60)
        assert client.tasks.wait(video.task_id, timeout=60).status == "FINISH"
        paths = done.download(tmp_path)
        assert [p.read_bytes()[:8] for p in paths] == [PNG_SIGNATURE]

        session = {**IMAGE, "session_id": "prism-proxy-once"}
        client.images.create(**session)
        with pytest.raises(BadRequestError) as bad:  # a valid request the mock refuses: 400
            client.images.create(**session)
        assert bad.value.status_code == 400
        with pytest.raises(NotFoundError) as missing:
            client.tasks.get(UNKNOWN_TASK_ID)
        assert missing.value.status_code == 404
    with proxied.client(Recorder(seen=recorder.seen), api_key="not-a-token") as stranger:
        with pytest.raises(AuthenticationError) as refused:
            stranger.tasks.get(image.task_id)
        assert refused.value.status_code == 401

    _no_violations(recorder)
    statuses = {(e.method, e.status) for e in recorder.seen}
    # Every kind of answer went through Prism's validation, the 200s included.
    assert {("POST", 200), ("GET", 200), ("POST", 400), ("GET", 404), ("GET", 401)} <= statuses


def _wrong_progress(path: str, answer: Any) -> Any:
    task = answer["Response"].get("AigcImageTask") if "/query/" in path else None
    if task is not None:
        task["Progress"] = "half"  # an integer in the spec
    return answer


def test_a_wrong_200_answer_is_caught(proxied: Proxied) -> None:
    recorder = Recorder()
    with proxied.client(recorder) as client:
        task = client.images.create(**IMAGE)
        proxied.relay.tamper = _wrong_progress
        try:
            with pytest.raises(InternalServerError) as caught:
                client.tasks.get(task.task_id)
        finally:
            proxied.relay.tamper = None
        assert client.tasks.get(task.task_id).task_id == task.task_id  # untouched again: clean
    assert caught.value.status_code == 500
    answer = recorder.seen[-2]
    assert (answer.method, answer.status) == ("GET", 500)
    problem = httpx.Response(500, content=answer.body).json()
    assert problem["type"] == VIOLATIONS
    locations = [".".join(map(str, v["location"])) for v in problem["validation"]]
    assert any(loc.endswith("AigcImageTask.Progress") for loc in locations), problem
