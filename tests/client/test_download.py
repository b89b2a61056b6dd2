"""result.download(dir): streamed to disk in chunks, atomic (a .part file, fsync, rename; no
leftovers on failure), size-checked, retried from scratch, sensibly named, never authenticated."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chainhub_aigc import Client, DownloadError, TaskResult
from chainhub_aigc._core import DOWNLOAD_CHUNK

from .conftest import (
    TASK_ID,
    TOKEN,
    FakeAPI,
    Sleeps,
    file_info,
    make_async_client,
    make_client,
    task_response,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def route(files: dict[str, Callable[[httpx.Request], httpx.Response]], task: httpx.Response) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "api.test":
            return task
        return files[request.url.path](request)

    return handler


def finished_result(
    tmp_files: dict[str, Callable[[httpx.Request], httpx.Response]],
    infos: list[dict[str, Any]],
    sleeps: Sleeps | None = None,
    task_id: str = TASK_ID,
    **kwargs: Any,
) -> tuple[TaskResult, FakeAPI]:
    api = FakeAPI(fallback=route(tmp_files, task_response("FINISH", files=infos, task_id=task_id)))
    client = make_client(api, sleeps, **kwargs)
    return client.tasks.wait(task_id), api


def test_download_streams_chunks_to_a_part_file_then_renames(tmp_path: Path) -> None:
    chunks = 8
    observed: list[tuple[int, bool]] = []

    def body() -> Iterator[bytes]:
        for index in range(chunks):
            parts = list(tmp_path.glob("*.part"))
            written = sum(p.stat().st_size for p in parts)
            observed.append((written, any(tmp_path.glob("*.png"))))
            yield bytes([index]) * DOWNLOAD_CHUNK

    files = {"/a.png": lambda r: httpx.Response(200, content=body())}
    result, _ = finished_result(files, [file_info("https://cdn.test/a.png", FileType="png")])
    paths = result.download(tmp_path)
    assert paths == [tmp_path / f"{TASK_ID}-0.png"]
    # Before each new chunk, every earlier chunk was already on disk, in the part file only.
    assert observed == [(i * DOWNLOAD_CHUNK, False) for i in range(chunks)]
    data = paths[0].read_bytes()
    assert len(data) == chunks * DOWNLOAD_CHUNK and data[-1] == chunks - 1
    assert list(tmp_path.glob("*.part")) == []


def _broken(after: int) -> Iterator[bytes]:
    yield PNG[:after]
    raise httpx.ReadError("connection reset mid-body")


def test_failure_mid_stream_leaves_nothing(tmp_path: Path, sleeps: Sleeps) -> None:
    files = {"/a.png": lambda r: httpx.Response(200, content=_broken(1000))}
    result, api = finished_result(files, [file_info("https://cdn.test/a.png")], sleeps)
    with pytest.raises(DownloadError, match="connection reset") as caught:
        result.download(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert caught.value.url == "https://cdn.test/a.png"
    downloads = [r for r in api.requests if r.url.host == "cdn.test"]
    assert len(downloads) == 3 and sleeps.calls == [0.5, 1.0]  # retried, from scratch


def test_broken_transfer_is_retried_and_succeeds(tmp_path: Path, sleeps: Sleeps) -> None:
    attempts: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        if len(attempts) == 1:
            return httpx.Response(200, content=_broken(500))
        return httpx.Response(200, content=PNG)

    result, _ = finished_result(
        {"/a.png": serve},
        [file_info("https://cdn.test/a.png", MetaData={"Size": len(PNG)})],
        sleeps,
    )
    (path,) = result.download(tmp_path)
    assert path.read_bytes() == PNG
    assert "Range" not in attempts[1].headers  # from scratch
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert sleeps.calls == [0.5]


def test_size_mismatch_is_an_error_and_leaves_no_file(tmp_path: Path, sleeps: Sleeps) -> None:
    files = {"/a.png": lambda r: httpx.Response(200, content=PNG[:100])}
    infos = [file_info("https://cdn.test/a.png", MetaData={"Size": len(PNG)})]
    result, _ = finished_result(files, infos, sleeps)
    with pytest.raises(DownloadError, match=f"100 bytes, MetaData.Size says {len(PNG)}"):
        result.download(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_size_match_and_unknown_size(tmp_path: Path) -> None:
    files = {
        "/a.png": lambda r: httpx.Response(200, content=PNG),
        "/b.png": lambda r: httpx.Response(200, content=b"tiny"),
    }
    infos = [
        file_info("https://cdn.test/a.png", MetaData={"Size": len(PNG)}),
        file_info("https://cdn.test/b.png", MetaData=None),
    ]
    result, _ = finished_result(files, infos)
    first, second = result.download(tmp_path)
    assert first.read_bytes() == PNG and second.read_bytes() == b"tiny"


@pytest.mark.parametrize(
    ("info", "headers", "name"),
    [
        ({"FileType": "png"}, {}, "-0.png"),
        ({"FileType": "MP4"}, {}, "-0.mp4"),
        ({"FileType": "image/webp"}, {}, "-0.webp"),
        ({"FileType": ""}, {}, "-0.jpeg"),  # from the URL path
        ({}, {"Content-Type": "image/png"}, "-0.png"),
        ({}, {"Content-Type": "video/mp4; charset=binary"}, "-0.mp4"),
        ({}, {}, "-0.bin"),
        ({"FileType": "not a type!"}, {"Content-Type": "image/png"}, "-0.png"),
    ],
)
def test_file_names(
    tmp_path: Path, info: dict[str, Any], headers: dict[str, str], name: str
) -> None:
    url = (
        "https://cdn.test/vod/output.jpeg?sign=s"
        if info.get("FileType") == ""
        else ("https://cdn.test/vod/output?sign=s")
    )
    files = {"/vod/output.jpeg": lambda r: httpx.Response(200, content=b"x", headers=headers)}
    files["/vod/output"] = files["/vod/output.jpeg"]
    result, _ = finished_result(files, [file_info(url, **info)])
    (path,) = result.download(tmp_path)
    assert path.name == TASK_ID + name


def test_hostile_task_ids_cannot_escape_the_directory(tmp_path: Path) -> None:
    files = {"/a.png": lambda r: httpx.Response(200, content=b"x")}
    result, _ = finished_result(
        files, [file_info("https://cdn.test/a.png", FileType="png")], task_id="../../etc/passwd"
    )
    (path,) = result.download(tmp_path / "out")
    assert path.parent == tmp_path / "out" and path.name == "_.._etc_passwd-0.png"


def test_downloads_never_send_the_api_key(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PNG)

    infos = [file_info("https://cdn.test/a.png"), file_info("https://api.test/files/b.png")]
    files = {"/a.png": serve}
    api = FakeAPI(
        task_response("FINISH", files=infos),
        fallback=lambda r: serve(r) if r.url.path == "/files/b.png" else files[r.url.path](r),
    )
    # Even an injected httpx client carrying a key as a default header must not leak it.
    http = httpx.Client(transport=api.transport, headers={"Authorization": f"Bearer {TOKEN}"})
    with Client(api_key=TOKEN, base_url="https://api.test", http_client=http) as client:
        result = client.tasks.wait(TASK_ID)
        result.download(tmp_path)
    assert api.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"  # the API call
    assert len(seen) == 2
    for request in seen:  # same host as the API or not: no key
        assert "Authorization" not in request.headers
        assert request.headers["Accept-Encoding"] == "identity"
        assert request.headers["User-Agent"].startswith("chainhub-aigc/")
    http.close()


def test_http_errors(tmp_path: Path, sleeps: Sleeps) -> None:
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return (
            httpx.Response(503, headers={"Retry-After": "2"})
            if len(calls) == 1
            else (httpx.Response(200, content=PNG))
        )

    files = {"/gone.png": lambda r: httpx.Response(404, text="expired"), "/flaky.png": flaky}
    result, api = finished_result(files, [file_info("https://cdn.test/flaky.png")], sleeps)
    (path,) = result.download(tmp_path)
    assert path.read_bytes() == PNG and sleeps.calls == [2.0]
    result, api = finished_result(files, [file_info("https://cdn.test/gone.png?sign=SECRET")])
    with pytest.raises(DownloadError) as caught:
        result.download(tmp_path / "x")
    assert caught.value.status_code == 404 and "SECRET" not in str(caught.value)
    assert len([r for r in api.requests if r.url.host == "cdn.test"]) == 1  # not retried


def test_missing_url_and_bad_directory(tmp_path: Path) -> None:
    result, _ = finished_result({}, [{"FileId": "387702", "StorageMode": "Permanent"}])
    with pytest.raises(DownloadError, match=r"no FileUrl.*387702"):
        result.download(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result, _ = finished_result({}, [file_info()])
    with pytest.raises(DownloadError, match="cannot create"):
        result.download(blocker / "sub")


def test_no_files_means_no_paths(tmp_path: Path) -> None:
    result, _ = finished_result({}, [])
    assert result.download(tmp_path) == []


def test_progress_callbacks(tmp_path: Path) -> None:
    files = {"/a.png": lambda r: httpx.Response(200, content=iter([PNG[:5000], PNG[5000:]]))}
    result, _ = finished_result(
        files, [file_info("https://cdn.test/a.png", MetaData={"Size": len(PNG)})]
    )
    progress: list[tuple[int, int, int | None]] = []
    done: list[tuple[int, Path, int]] = []
    (path,) = result.download(
        tmp_path,
        on_bytes=lambda i, n, total: progress.append((i, n, total)),
        on_file=lambda i, p, size: done.append((i, p, size)),
    )
    assert progress[-1] == (0, len(PNG), len(PNG))
    assert [n for _, n, _ in progress] == sorted(n for _, n, _ in progress)
    assert done == [(0, path, len(PNG))]


def test_files_are_created_with_the_umask(tmp_path: Path) -> None:
    files = {"/a.png": lambda r: httpx.Response(200, content=b"x")}
    result, _ = finished_result(files, [file_info("https://cdn.test/a.png")])
    (path,) = result.download(tmp_path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


async def test_async_download(tmp_path: Path, sleeps: Sleeps) -> None:
    attempts: list[int] = []

    def serve(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            return httpx.Response(200, content=_async_broken())
        return httpx.Response(200, content=_async_body())

    infos = [file_info("https://cdn.test/a.png", FileType="png", MetaData={"Size": len(PNG)})]
    api = FakeAPI(fallback=route({"/a.png": serve}, task_response("FINISH", files=infos)))
    client = make_async_client(api, sleeps)
    result = await client.tasks.wait(TASK_ID)
    seen: list[int] = []

    async def on_bytes(index: int, done: int, total: int | None) -> None:
        seen.append(done)

    (path,) = await result.download(tmp_path, on_bytes=on_bytes)
    assert path.read_bytes() == PNG and path.name == f"{TASK_ID}-0.png"
    assert list(tmp_path.glob("*.part")) == [] and seen[-1] == len(PNG)
    assert len(attempts) == 2 and sleeps.calls == [0.5]

    api.fallback = route(
        {"/a.png": lambda r: httpx.Response(200, content=_async_broken())},
        task_response("FINISH", files=infos),
    )
    result = await client.with_options(max_retries=0).tasks.wait(TASK_ID)
    with pytest.raises(DownloadError):
        await result.download(tmp_path / "fail")
    assert list((tmp_path / "fail").iterdir()) == []


async def _async_body() -> Any:
    yield PNG[:3000]
    yield PNG[3000:]


async def _async_broken() -> Any:
    yield PNG[:3000]
    raise httpx.ReadError("reset")
