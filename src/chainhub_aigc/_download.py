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

from ._core import (
    DOWNLOAD_CHUNK,
    Commit,
    Discard,
    Fetch,
    Fetched,
    MakeDirectory,
    RedirectRefused,
)


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


MAX_REDIRECTS = 5


def _request(url: httpx.URL, effect: Fetch) -> httpx.Request:
    """A file request built here, not by the client: none of an injected client's default
    headers, cookies or auth reach a file host (the Options' headers carry no credential)."""
    return httpx.Request(
        "GET", url, headers=dict(effect.headers), extensions={"timeout": effect.timeout.as_dict()}
    )


def _next_url(url: httpx.URL, response: httpx.Response) -> httpx.URL:
    """Where a redirect goes; refuses https -> http (and anything but http(s))."""
    target = url.join(response.headers.get("location", ""))
    if target.scheme not in ("http", "https"):
        raise RedirectRefused(f"redirect to a {target.scheme or 'relative'} URL")
    if url.scheme == "https" and target.scheme != "https":
        raise RedirectRefused(f"redirect from https to {target.scheme}://{target.host}")
    return target


def _too_many(request: httpx.Request) -> httpx.TooManyRedirects:
    return httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)


def _open_sync(http: httpx.Client, effect: Fetch) -> httpx.Response:
    url = httpx.URL(effect.url)
    for _ in range(MAX_REDIRECTS + 1):
        request = _request(url, effect)
        response = http.send(request, stream=True, auth=None, follow_redirects=False)
        if not response.is_redirect:
            return response
        response.close()
        url = _next_url(url, response)
    raise _too_many(request)


async def _open_async(http: httpx.AsyncClient, effect: Fetch) -> httpx.Response:
    url = httpx.URL(effect.url)
    for _ in range(MAX_REDIRECTS + 1):
        request = _request(url, effect)
        response = await http.send(request, stream=True, auth=None, follow_redirects=False)
        if not response.is_redirect:
            return response
        await response.aclose()
        url = _next_url(url, response)
    raise _too_many(request)


def _total(effect: Fetch, response: httpx.Response) -> int | None:
    """The expected length for progress reports: MetaData.Size, else Content-Length."""
    if effect.expected_size is not None:
        return effect.expected_size
    length = response.headers.get("content-length", "")
    return int(length) if length.isdigit() else None


def _cap(effect: Fetch) -> int:
    return effect.expected_size if effect.expected_size is not None else effect.max_bytes


def _declared_too_large(effect: Fetch, response: httpx.Response) -> bool:
    length = response.headers.get("content-length", "")
    return length.isdigit() and int(length) > _cap(effect)


def fetch_sync(http: httpx.Client, effect: Fetch) -> Fetched:
    part: PartFile | None = None
    try:
        response = _open_sync(http, effect)
        try:
            if response.status_code != 200:
                return Fetched(
                    status_code=response.status_code,
                    retry_after=response.headers.get("retry-after"),
                )
            if _declared_too_large(effect, response):
                return Fetched(status_code=200, too_large=True)
            part = PartFile(effect.directory, effect.stem)
            total, cap = _total(effect, response), _cap(effect)
            for chunk in response.iter_bytes(DOWNLOAD_CHUNK):
                part.write(chunk)
                if part.size > cap:  # stop now: not a byte more on the disk
                    part.discard()
                    return Fetched(status_code=200, size=part.size, too_large=True)
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
    except (httpx.HTTPError, httpx.InvalidURL, OSError, RedirectRefused) as exc:
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
        response = await _open_async(http, effect)
        try:
            if response.status_code != 200:
                return Fetched(
                    status_code=response.status_code,
                    retry_after=response.headers.get("retry-after"),
                )
            if _declared_too_large(effect, response):
                return Fetched(status_code=200, too_large=True)
            part = PartFile(effect.directory, effect.stem)
            # Chunks are written synchronously: local disk writes of 64 KiB do not stall the
            # loop noticeably, and the final fsync is one call per file.
            total, cap = _total(effect, response), _cap(effect)
            async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK):
                part.write(chunk)
                if part.size > cap:
                    part.discard()
                    return Fetched(status_code=200, size=part.size, too_large=True)
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
    except (httpx.HTTPError, httpx.InvalidURL, OSError, RedirectRefused) as exc:
        if part is not None:
            part.discard()
        return Fetched(error=exc)
    except BaseException:  # cancellation included: no half files
        if part is not None:
            part.discard()
        raise
