"""Does the gateway forward the fields overlay 52 added from Tencent's models (file_infos[].base64,
video last_frame_file_id)? Not seen yet: these tests check the query's echo of each. Opt-in like
every live test (see conftest.py), and billed (each creates a task): CHAINHUB_LIVE_GENERATE=1.
A source image URL the gateway can fetch can be given in CHAINHUB_LIVE_IMAGE_URL."""

from __future__ import annotations

import base64
import os
import struct
import zlib
from typing import Any

import pytest

from chainhub_aigc import Client
from chainhub_aigc.errors import TencentAPIError

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("CHAINHUB_LIVE_GENERATE") != "1", reason="billed: opt in"),
]

IMAGE_URL = os.environ.get(
    "CHAINHUB_LIVE_IMAGE_URL",
    "https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png",
)


def _png(width: int = 64, height: int = 64) -> bytes:
    """A small, valid, grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _echoed_input(client: Client, task_id: str) -> dict[str, Any]:
    task = client.tasks.get(task_id)
    assert task.raw_json is not None
    answer = task.raw_json["Response"]
    echoed: dict[str, Any] = answer[answer["TaskType"]]["Input"]
    return echoed


def test_file_infos_base64_is_forwarded() -> None:
    data = base64.b64encode(_png()).decode("ascii")
    with Client() as client:
        created = client.images.create(
            model_name="GEM", model_version="2.5", prompt="the same image, in blue",
            file_infos=[{"type": "Base64", "base64": data}],
        )  # fmt: skip
        item = _echoed_input(client, created.task_id)["FileInfos"][0]
    # Without the data, Tencent has nothing to read for a Base64 item: a forwarded field is
    # echoed (or at least the item is kept with its type).
    assert item["Type"] == "Base64"
    assert item.get("Base64") in (None, data)


def test_last_frame_file_id_is_forwarded() -> None:
    """A FileId that does not exist: a gateway that forwards the field gets Tencent's FileId
    error; one that drops it creates the task, and the echo shows whether it arrived."""
    sent = "000000000000000000"
    with Client() as client:
        try:
            created = client.videos.create(
                model_name="Kling", model_version="2.1", prompt="a slow pan",
                file_infos=[{"type": "Url", "url": IMAGE_URL}], last_frame_file_id=sent,
                output_config={"resolution": "1080P"},
            )  # fmt: skip
        except TencentAPIError as error:
            assert "FileId" in (error.code or ""), f"rejected for another reason: {error}"
            return
        assert _echoed_input(client, created.task_id).get("LastFrameFileId") == sent
