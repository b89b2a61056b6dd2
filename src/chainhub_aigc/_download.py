"""The I/O half of downloads: the disk (directory, part file, rename, fsync, unlink) and the
two streaming loops.

The decisions (names, size check, retries, which file goes where) are in
``_core.download_op``, which yields effects; here they are carried out. A part file lives in
the target directory (so the final ``os.replace`` is atomic), is fsynced before it is renamed,
and is deleted on any failure, so a download leaves either the whole file or nothing.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import secrets
from pathlib import Path

import httpx

from ._core import DOWNLOAD_CHUNK, Commit, Discard, Fetch, Fetched, MakeDirectory


class PartFile:
    """``<stem>.<random>.part`` in the target directory, created exclusively."""

    def __init__(self, directory: Path, stem: str) -> None:
        self.path = directory / f"{stem}.{secrets.token_hex(4)}.part"
        # 0o666 & ~umask, like any file the user creates (mkstemp would force 0o600).
        fd = os.open(
            self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
        )
        self._file = os.fdopen(fd, "wb")
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self.size += len(chunk)

    def commit(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


FileEffect = MakeDirectory | Commit | Discard


def perform_file_effect(effect: FileEffect) -> None:
    """Carry out a disk effect (the same for both drivers: local and short); an OSError
    propagates, for the driver to throw back into the operation."""
    if isinstance(effect, MakeDirectory):
        effect.directory.mkdir(parents=True, exist_ok=True)
    elif isinstance(effect, Commit):
        try:
            os.replace(effect.part, effect.target)
        except OSError:
            _unlink(effect.part)
            raise
        _fsync_dir(effect.target.parent)
    else:
        _unlink(effect.part)


def _unlink(part: Path) -> None:
    with contextlib.suppress(OSError):
        part.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible on every platform; the rename is still atomic
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _request(http: httpx.Client | httpx.AsyncClient, effect: Fetch) -> httpx.Request:
    request = http.build_request(
        "GET", effect.url, headers=dict(effect.headers), timeout=effect.timeout
    )
    # The file hosts are not the API: never send them a key, even one an injected
    # httpx client carries as a default header.
    request.headers.pop("Authorization", None)
    request.headers.pop("Proxy-Authorization", None)
    return request


def _total(effect: Fetch, response: httpx.Response) -> int | None:
    """The expected length for progress reports: MetaData.Size, else Content-Length."""
    if effect.expected_size is not None:
        return effect.expected_size
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


def fetch_sync(http: httpx.Client, effect: Fetch) -> Fetched:
    part: PartFile | None = None
    try:
        response = http.send(_request(http, effect), stream=True, follow_redirects=True)
        try:
            if response.status_code != 200:
                return Fetched(
                    status_code=response.status_code,
                    retry_after=response.headers.get("retry-after"),
                )
            part = PartFile(effect.directory, effect.stem)
            total = _total(effect, response)
            for chunk in response.iter_bytes(DOWNLOAD_CHUNK):
                part.write(chunk)
                if effect.on_bytes is not None:
                    effect.on_bytes(effect.index, part.size, total)
            part.commit()
            return Fetched(
                status_code=200,
                part=part.path,
                size=part.size,
                content_type=response.headers.get("content-type"),
            )
        finally:
            response.close()
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        if part is not None:
            part.discard()
        return Fetched(error=exc)
    except BaseException:
        if part is not None:
            part.discard()
        raise


async def fetch_async(http: httpx.AsyncClient, effect: Fetch) -> Fetched:
    part: PartFile | None = None
    try:
        response = await http.send(_request(http, effect), stream=True, follow_redirects=True)
        try:
            if response.status_code != 200:
                return Fetched(
                    status_code=response.status_code,
                    retry_after=response.headers.get("retry-after"),
                )
            part = PartFile(effect.directory, effect.stem)
            # Chunks are written synchronously: local disk writes of 64 KiB do not stall the
            # loop noticeably, and the final fsync is one call per file.
            total = _total(effect, response)
            async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK):
                part.write(chunk)
                if effect.on_bytes is not None:
                    outcome = effect.on_bytes(effect.index, part.size, total)
                    if inspect.isawaitable(outcome):
                        await outcome
            part.commit()
            return Fetched(
                status_code=200,
                part=part.path,
                size=part.size,
                content_type=response.headers.get("content-type"),
            )
        finally:
            await response.aclose()
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        if part is not None:
            part.discard()
        return Fetched(error=exc)
    except BaseException:  # cancellation included: no half files
        if part is not None:
            part.discard()
        raise
