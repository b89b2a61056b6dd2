"""Items 1-3 of issue 10: an answer or a file can hold neither the memory nor the disk.

API answers are read with a cap (`max_response_bytes`, 10 MB by default) on the decoded
bytes; downloads stop past `MetaData.Size` (or `max_bytes`) at once, are not retried, and leave
nothing. Memory is measured in a subprocess (peak RSS growth during the call)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from chainhub_aigc import AsyncClient
from chainhub_aigc.errors import APIResponseValidationError, DownloadError
from tests.client.conftest import file_info, task_body
from tests.data import TASK_ID
from tests.hostile.conftest import KEY, run_measured, sdk_client
from tests.hostile.server import HostileServer, Scenario, gzip_bomb, json_body, respond, stream

GROWTH_LIMIT_MB = 100
GET_TASK = f"client.tasks.get({TASK_ID!r})"
BOMB_DECODED = 200 * 1024 * 1024  # without the cap, decoding it alone passes the limit


OVERSIZED: dict[str, Scenario] = {
    "endless, no Content-Length": stream(None, content_length=False),
    "endless, chunked": stream(None, chunked=True),
    "endless, Content-Length 1 TB": stream(None, content_length=10**12),
    "endless, Content-Length lies (1000)": stream(None, content_length=1000),
    "50 MB, no Content-Length": stream(50 * 1024 * 1024, content_length=False),
    "gzip bomb (200 MB decoded)": gzip_bomb(BOMB_DECODED),
    "deflate bomb (200 MB decoded)": gzip_bomb(BOMB_DECODED, encoding="deflate"),
}


def test_an_oversized_answer_ends_in_a_validation_error_with_bounded_memory(
    hostile: HostileServer,
) -> None:
    """Each answer in turn, sync then async, measured in one subprocess (one import)."""
    hostile.script(*OVERSIZED.values(), *OVERSIZED.values())
    sync_calls = [GET_TASK] * len(OVERSIZED)
    async_calls = [f"asyncio.run(aclient.tasks.get({TASK_ID!r}))"] * len(OVERSIZED)
    setup = (
        "import asyncio\n"
        "client = Client(api_key=KEY, base_url=URL, max_retries=0)\n"
        "aclient = AsyncClient(api_key=KEY, base_url=URL, max_retries=0)"
    )
    results = run_measured(hostile, sync_calls + async_calls, setup=setup)
    names = [f"sync: {name}" for name in OVERSIZED] + [f"async: {name}" for name in OVERSIZED]
    for name, measured in zip(names, results, strict=True):
        assert measured.error is not None, name
        assert measured.error.startswith("APIResponseValidationError"), (name, measured.error)
        assert measured.growth_mb < GROWTH_LIMIT_MB, (name, measured.growth_mb)
        assert measured.elapsed < 10, (name, measured.elapsed)
    assert hostile.errors == []


def test_the_cap_is_configurable_and_counts_decoded_bytes(hostile: HostileServer) -> None:
    body = task_body("PROCESSING", message="x" * 5000)
    size = len(json.dumps(body))
    hostile.fallback = json_body(body)
    assert sdk_client(hostile, max_response_bytes=size).tasks.get(TASK_ID).message == "x" * 5000
    with pytest.raises(APIResponseValidationError, match=r"max_response_bytes \(1000\b"):
        sdk_client(hostile, max_response_bytes=1000).tasks.get(TASK_ID)
    # a body that is small compressed and large decoded is over the cap too
    hostile.fallback = gzip_bomb(1_000_000)
    with pytest.raises(APIResponseValidationError, match="decoded"):
        sdk_client(hostile, max_response_bytes=100_000).tasks.get(TASK_ID)
    assert len(hostile.requests) == 3  # never retried


def test_an_encoding_that_was_not_asked_for_is_refused(hostile: HostileServer) -> None:
    hostile.fallback = respond(200, b"\x00" * 100, headers=[("Content-Encoding", "br")])
    with pytest.raises(APIResponseValidationError, match="Content-Encoding 'br'"):
        sdk_client(hostile).tasks.get(TASK_ID)
    assert hostile.requests[0].header("accept-encoding") == "gzip, deflate"


# -- downloads ---------------------------------------------------------------------------------


def _finished(server: HostileServer, **meta: int) -> Scenario:
    info = file_info(f"{server.url}/vod/out.png", FileType="png", MetaData=meta)
    return json_body(task_body("FINISH", files=[info]))


def _file_requests(server: HostileServer) -> int:
    return sum(1 for request in server.requests if request.path == "/vod/out.png")


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(stream(None, content_length=False), id="endless"),
        pytest.param(stream(None, chunked=True), id="endless-chunked"),
        pytest.param(stream(10**9, content_length=10**9), id="declared-1GB"),
    ],
)
def test_a_download_stops_past_its_size_and_leaves_nothing(
    hostile: HostileServer, tmp_path: Path, scenario: Scenario
) -> None:
    hostile.script(_finished(hostile, Size=1000))
    hostile.fallback = scenario
    client = sdk_client(hostile, max_retries=2)
    result = client.tasks.result(client.tasks.get(TASK_ID))
    start = time.monotonic()
    with pytest.raises(DownloadError, match=r"larger than MetaData.Size \(1000 bytes\)"):
        result.download(tmp_path / "out")
    assert time.monotonic() - start < 5
    assert list((tmp_path / "out").iterdir()) == []  # no file, no .part
    assert _file_requests(hostile) == 1  # not retried: it would be as large again
    # the client stopped reading: the server could not push more than its socket buffers
    assert hostile.exchanges[-1].bytes_sent < 64 * 1024 * 1024


def test_max_bytes_bounds_a_download_without_size(hostile: HostileServer, tmp_path: Path) -> None:
    hostile.script(_finished(hostile), stream(None, content_length=False))
    client = sdk_client(hostile)
    result = client.tasks.result(client.tasks.get(TASK_ID))
    with pytest.raises(DownloadError, match=r"stopped at \d+ bytes: larger than max_bytes"):
        result.download(tmp_path, max_bytes=100_000)
    assert list(tmp_path.iterdir()) == []
    # within the cap, the same download succeeds
    hostile.script(stream(50_000, headers=[("Content-Type", "image/png")]))
    paths = result.download(tmp_path, max_bytes=100_000)
    assert [path.stat().st_size for path in paths] == [50_000]


async def test_an_async_download_stops_past_its_size(
    hostile: HostileServer, tmp_path: Path
) -> None:
    hostile.script(_finished(hostile, Size=1000))
    hostile.fallback = stream(None, content_length=False)
    async with AsyncClient(api_key=KEY, base_url=hostile.url, max_retries=2) as client:
        result = client.tasks.result(await client.tasks.get(TASK_ID))
        with pytest.raises(DownloadError, match=r"larger than MetaData\.Size"):
            await result.download(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert _file_requests(hostile) == 1
