"""The files behind FileUrl are real media: decoded here by Pillow (PNG) and PyAV (H.264 MP4),
their width, height, duration and size equal to what the query's MetaData says."""

from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import resources
from typing import Any

import av
import pytest
from PIL import Image

from chainhub_aigc.mock import media
from tests.data import IMAGE, IMAGE_PATH, PNG_SIGNATURE, VIDEO, VIDEO_PATH
from tests.mock.conftest import InProcess, MakeClient


def decode_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every row: a broken IDAT raises here
    return image


def decode_mp4(data: bytes) -> tuple[int, int, float, int, str]:
    """(width, height, duration in seconds, frames decoded, codec) of an MP4's video stream."""
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        frames = len(list(container.decode(stream)))
        assert container.duration is not None
        return (
            stream.codec_context.width,
            stream.codec_context.height,
            container.duration / av.time_base,
            frames,
            stream.codec_context.name,
        )


@pytest.mark.parametrize(("width", "height"), [(64, 64), (3, 2), (1, 1), (1920, 1080), (72, 128)])
def test_the_png_decodes_to_its_gradient(width: int, height: int) -> None:
    image = decode_png(media.make_png(width, height))
    assert image.size == (width, height) and image.mode == "RGB"
    # Rows after the first are stored as differences (the Up filter): a wrong one would shift
    # every pixel below it.
    assert image.getpixel((0, 0)) == (0, 0, 160)
    right = 255 if width > 1 else 0
    bottom = 255 if height > 1 else 0
    assert image.getpixel((width - 1, height - 1)) == (right, bottom, 160)
    assert image.getpixel((width - 1, 0)) == (right, 0, 160)


@pytest.mark.parametrize(
    ("aspect_ratio", "resolution", "size"),
    [
        (None, None, (64, 64)),
        ("1:1", None, (64, 64)),
        ("16:9", None, (128, 72)),
        ("9:16", None, (72, 128)),
        ("21:9", None, (154, 66)),
        ("16:9", "1080P", (1920, 1080)),
        ("9:16", "720P", (720, 1280)),
        ("4:3", "2K", (1920, 1440)),
        ("1:1", "4K", (2160, 2160)),
        ("16:9", "2304x1728", (2304, 1728)),
        ("Auto", "1080p", (1080, 1080)),
        ("0:9", "99999x2", (64, 64)),
        ("1:4000", None, (64, 64)),
    ],
)
def test_image_size_follows_the_request(
    aspect_ratio: str | None, resolution: str | None, size: tuple[int, int]
) -> None:
    assert media.image_size(aspect_ratio, resolution) == size


def test_every_shipped_clip_is_h264_of_its_size_and_duration() -> None:
    archive = resources.files("chainhub_aigc.mock") / "data" / "clips.zip"
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as clips:
        names = sorted(clips.namelist())
        expected = sorted(
            f"{w}x{h}-{s}s.mp4" for w, h in media.CLIP_SIZES for s in media.CLIP_SECONDS
        )
        assert names == expected
        assert sum(info.file_size for info in clips.infolist()) < 100_000  # tiny package data
        for name in names:
            size, _, length = name.removesuffix("s.mp4").partition("-")
            width, height = map(int, size.split("x"))
            assert media.mp4_facts(clips.read(name))[:3] == (width, height, float(length))
    # Decoding each one costs more than this test should: one of each size, both ends.
    for width, height in media.CLIP_SIZES:
        for seconds in (1, 12):
            clip = media.video_file(width, height, seconds)
            decoded = decode_mp4(clip.content)
            assert decoded == (width, height, float(seconds), seconds * 4, "h264")
            assert (clip.width, clip.height, clip.duration, clip.fps) == (
                width,
                height,
                float(seconds),
                4,
            )


async def finished_file(client: InProcess, path: str, body: dict[str, Any]) -> tuple[Any, bytes]:
    """Create, query until FINISH, download: (FileInfos[0] of the query, the file's bytes)."""
    task_id = await client.create(path, **body)
    answer = await client.finish(task_id)
    info = answer[answer["TaskType"]]["Output"]["FileInfos"][0]
    response = await client.http.get(info["FileUrl"])
    assert response.status_code == 200
    return info, response.content


@pytest.mark.parametrize(
    ("output_config", "size"),
    [({}, (64, 64)), ({"aspect_ratio": "16:9", "resolution": "1080P"}, (1920, 1080))],
)
async def test_an_image_tasks_metadata_is_its_files(
    make_client: MakeClient, output_config: dict[str, Any], size: tuple[int, int]
) -> None:
    info, data = await finished_file(
        make_client(), IMAGE_PATH, {**IMAGE, "output_config": output_config}
    )
    image = decode_png(data)
    meta = info["MetaData"]
    assert image.size == size == (meta["Width"], meta["Height"])
    assert meta["Size"] == len(data) and meta["Md5"] == hashlib.md5(data).hexdigest()
    assert info["FileType"] == "png" and meta["Container"] == "png"


@pytest.mark.parametrize(
    ("output_config", "facts"),
    [
        ({}, (128, 72, 5)),
        ({"aspect_ratio": "9:16", "duration": 8}, (72, 128, 8)),
        ({"aspect_ratio": "1:1", "duration": 10}, (96, 96, 10)),
    ],
)
async def test_a_video_tasks_metadata_is_its_files(
    make_client: MakeClient, output_config: dict[str, Any], facts: tuple[int, int, int]
) -> None:
    info, data = await finished_file(
        make_client(), VIDEO_PATH, {**VIDEO, "output_config": output_config}
    )
    width, height, duration, frames, codec = decode_mp4(data)
    meta = info["MetaData"]
    assert (width, height, round(duration)) == facts
    assert (meta["Width"], meta["Height"], meta["Duration"]) == (width, height, duration)
    assert meta["Size"] == len(data) and meta["Md5"] == hashlib.md5(data).hexdigest()
    stream = meta["VideoStreamSet"][0]
    assert (stream["Codec"], stream["Width"], stream["Height"]) == (codec, width, height)
    assert stream["Fps"] * duration == frames
