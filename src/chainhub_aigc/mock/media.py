"""The files a finished task's FileUrl serves, and their real metadata.

A task's output follows its request (`output_config`), and the query's `MetaData` (Width,
Height, Duration, Size, Md5) is read from the very bytes the FileUrl serves:

- image: a PNG made here with zlib and struct (a gradient), in the requested
  `aspect_ratio` exactly (`16:9` -> 16k x 9k). `resolution` sets its size: `WxH` as given;
  `720P`, `1080P` (any `<N>P`), `2K`, `4K` set the short side (N, 1440, 2160, as 2560x1440 and
  3840x2160 do); without one the short side is about 64 pixels (small downloads). Each size
  is made once and cached (`image_file`); rows after the first use PNG's Up filter, so a
  large image compresses fast and small. Values the mock cannot read (`Auto`, a ratio of 0)
  fall back to 1:1 and the default size.
- video: a tiny H.264 clip shipped in `data/clips.zip` (made by `scripts/make_media.py`, which
  records the ffmpeg command and version): 16:9 (128x72), 9:16 (72x128) or 1:1 (96x96), the
  nearest to the requested `aspect_ratio` (16:9 by default), lasting the requested `duration`
  rounded to whole seconds within 1..12 (5 by default). The resolution is not followed (the
  clips stay small); the billed `Usage.OutputSeconds` is still the requested duration.

A task stores only its media key (`media_key`), a short string: the store keeps no bytes per
task, and the file is looked up (`media_by_key`) when a query or a download needs it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from importlib import resources
from typing import Any

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_TASK = "AigcImageTask"
VIDEO_TASK = "AigcVideoTask"

DEFAULT_SHORT_SIDE = 64  # pixels, an image without a resolution
MAX_SIDE = 8192  # pixels: a bigger request is served at the default size
NAMED_SHORT_SIDES = {"2K": 1440, "4K": 2160}
CLIP_SIZES = ((128, 72), (72, 128), (96, 96))  # what clips.zip holds (scripts/make_media.py)
CLIP_SECONDS = range(1, 13)
DEFAULT_CLIP_SECONDS = 5

_RATIO = re.compile(r"\s*(\d{1,4})\s*:\s*(\d{1,4})\s*")
_PIXELS = re.compile(r"\s*(\d{1,5})\s*[xX*]\s*(\d{1,5})\s*")
_SHORT_SIDE = re.compile(r"\s*(\d{2,4})\s*[pP]\s*")


@dataclass(frozen=True, slots=True)
class MediaFile:
    content: bytes
    content_type: str
    file_type: str  # FileType in the task output: png, mp4
    file_name: str
    width: int
    height: int
    duration: float | None = None  # seconds, video only
    fps: int | None = None  # frames per second, video only
    md5: str = ""  # of content; filled by make_media_file

    @property
    def size(self) -> int:
        return len(self.content)


def make_media_file(content: bytes, **fields: Any) -> MediaFile:
    return MediaFile(
        content=content, md5=hashlib.md5(content, usedforsecurity=False).hexdigest(), **fields
    )


# --- images --------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _deflate_piece(raw: bytes) -> bytes:
    """raw as deflate blocks that end byte-aligned with an empty dictionary (a full flush):
    such pieces can be joined in any order into one valid deflate stream."""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush(zlib.Z_FULL_FLUSH)


_ZLIB_HEADER = b"\x78\x01"  # deflate, 32 KB window, fastest; (0x7801 % 31 == 0)
_FINAL_BLOCK = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty last block


def make_png(width: int = 64, height: int = 64) -> bytes:
    """A valid 8-bit RGB PNG: red rises left to right, green top to bottom, blue is constant.

    The first scanline is stored as it is; every next one with PNG's Up filter, as its
    difference from the one above (`(0, dG, 0)` per pixel), so that there are a handful of
    distinct rows. Each distinct row is compressed once, as a self-contained piece of the
    zlib stream, and the pieces are joined: a 4K image costs its checksum, not its
    compression.
    """
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise ValueError(f"a PNG side must be 1..{MAX_SIDE} pixels, not {width}x{height}")
    first = bytearray(width * 3 + 1)  # filter type 0, then RGB
    first[1::3] = bytes(x * 255 // max(width - 1, 1) for x in range(width))
    first[3::3] = b"\xa0" * width
    green = [y * 255 // max(height - 1, 1) for y in range(height)]
    pieces = [_deflate_piece(bytes(first))]
    adler = zlib.adler32(first)
    rows: dict[int, tuple[bytes, bytes]] = {}  # dG -> (the filtered row, its piece)
    for y in range(1, height):
        delta = green[y] - green[y - 1]
        row = rows.get(delta)
        if row is None:
            raw = b"\x02" + bytes((0, delta, 0)) * width
            row = rows[delta] = (raw, _deflate_piece(raw))
        pieces.append(row[1])
        adler = zlib.adler32(row[0], adler)
    idat = _ZLIB_HEADER + b"".join(pieces) + _FINAL_BLOCK + struct.pack(">I", adler)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _ratio(aspect_ratio: Any) -> tuple[int, int]:
    """(a, b) of `a:b` in lowest terms; (1, 1) for what is not a usable ratio."""
    match = _RATIO.fullmatch(aspect_ratio) if isinstance(aspect_ratio, str) else None
    if match is None:
        return 1, 1
    a, b = int(match[1]), int(match[2])
    if not (a and b):
        return 1, 1
    divisor = math.gcd(a, b)
    return a // divisor, b // divisor


def image_size(aspect_ratio: Any = None, resolution: Any = None) -> tuple[int, int]:
    """(width, height) of the image a request asks for (see the module's docstring)."""
    a, b = _ratio(aspect_ratio)
    size: tuple[int, int] | None = None
    text = resolution if isinstance(resolution, str) else ""
    pixels = _PIXELS.fullmatch(text)
    if pixels is not None:
        size = (int(pixels[1]), int(pixels[2]))
    else:
        short_match = _SHORT_SIDE.fullmatch(text)
        short = (
            int(short_match[1])
            if short_match is not None
            else NAMED_SHORT_SIDES.get(text.strip().upper())
        )
        if short is not None:
            size = (round(short * a / b), short) if a >= b else (short, round(short * b / a))
    if size is None or not all(1 <= side <= MAX_SIDE for side in size):
        scale = max(1, math.ceil(DEFAULT_SHORT_SIDE / min(a, b)))
        size = (a * scale, b * scale)
        if max(size) > MAX_SIDE:  # an extreme ratio (1:4000): the default square
            size = (DEFAULT_SHORT_SIDE, DEFAULT_SHORT_SIDE)
    return size


@functools.lru_cache(maxsize=32)
def image_file(width: int, height: int) -> MediaFile:
    return make_media_file(
        make_png(width, height),
        content_type="image/png",
        file_type="png",
        file_name="aigcImageGenFile.png",
        width=width,
        height=height,
    )


# --- videos --------------------------------------------------------------------------------


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> dict[bytes, tuple[int, int]]:
    """The ISO BMFF boxes in data[start:end]: type -> (payload start, payload end), the first
    of each type."""
    found: dict[bytes, tuple[int, int]] = {}
    position, end = start, len(data) if end is None else end
    while position + 8 <= end:
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[position + 8 : position + 16])
            header = 16
        elif size == 0:
            size = end - position
        if size < header:
            raise ValueError("a malformed MP4 box")
        found.setdefault(kind, (position + header, position + size))
        position += size
    return found


def mp4_facts(data: bytes) -> tuple[int, int, float, int]:
    """(width, height, duration in seconds, frames) of an MP4 with one video track, read from
    its movie header (mvhd), track header (tkhd) and sample sizes (stsz)."""
    moov = _boxes(data)[b"moov"]
    inside = _boxes(data, *moov)
    mvhd = inside[b"mvhd"][0]
    if data[mvhd] == 1:
        timescale, duration = struct.unpack(">IQ", data[mvhd + 20 : mvhd + 32])
    else:
        timescale, duration = struct.unpack(">II", data[mvhd + 12 : mvhd + 20])
    trak = _boxes(data, *inside[b"trak"])
    tkhd_end = trak[b"tkhd"][1]
    width, height = struct.unpack(">II", data[tkhd_end - 8 : tkhd_end])  # 16.16 fixed point
    mdia = _boxes(data, *trak[b"mdia"])
    minf = _boxes(data, *mdia[b"minf"])
    stbl = _boxes(data, *minf[b"stbl"])
    stsz = stbl[b"stsz"][0]
    (frames,) = struct.unpack(">I", data[stsz + 8 : stsz + 12])
    return width >> 16, height >> 16, duration / timescale, frames


@functools.lru_cache(maxsize=1)
def _clips() -> dict[str, bytes]:
    archive = resources.files("chainhub_aigc.mock") / "data" / "clips.zip"
    with archive.open("rb") as raw, zipfile.ZipFile(raw) as clips:
        return {name: clips.read(name) for name in clips.namelist()}


def clip_choice(aspect_ratio: Any = None, duration: Any = None) -> tuple[int, int, int]:
    """(width, height, seconds) of the shipped clip that serves a request."""
    a, b = _ratio(aspect_ratio) if aspect_ratio is not None else (16, 9)
    wanted = math.log(a / b)
    width, height = min(CLIP_SIZES, key=lambda size: abs(math.log(size[0] / size[1]) - wanted))
    seconds = DEFAULT_CLIP_SECONDS
    number = isinstance(duration, int | float) and not isinstance(duration, bool)
    if number and math.isfinite(duration):
        seconds = min(max(round(duration), CLIP_SECONDS[0]), CLIP_SECONDS[-1])
    return width, height, seconds


@functools.lru_cache(maxsize=64)
def video_file(width: int, height: int, seconds: int) -> MediaFile:
    content = _clips()[f"{width}x{height}-{seconds}s.mp4"]
    real_width, real_height, real_seconds, frames = mp4_facts(content)
    return make_media_file(
        content,
        content_type="video/mp4",
        file_type="mp4",
        file_name="aigcVideoGenFile.mp4",
        width=real_width,
        height=real_height,
        duration=real_seconds,
        fps=round(frames / real_seconds) if real_seconds else None,
    )


# --- what a task serves --------------------------------------------------------------------


def media_key(task_type: str, output_config: Any) -> str:
    """The key of the file a task of this type serves for this `output_config`."""
    config = output_config if isinstance(output_config, dict) else {}
    fields = (
        ("aspect_ratio", "duration") if task_type == VIDEO_TASK else ("aspect_ratio", "resolution")
    )
    values = tuple(config.get(name) for name in fields)
    try:
        return _media_key(task_type, values)
    except TypeError:  # an unhashable value (a request the schema did not check)
        return _media_key.__wrapped__(task_type, values)


@functools.lru_cache(maxsize=256)  # creates ask for a few combinations, over and over
def _media_key(task_type: str, values: tuple[Any, ...]) -> str:
    if task_type == VIDEO_TASK:
        width, height, seconds = clip_choice(*values)
        return f"mp4:{width}x{height}:{seconds}"
    width, height = image_size(*values)
    return f"png:{width}x{height}"


@functools.lru_cache(maxsize=256)  # every FINISHed query asks: one lookup
def media_by_key(key: str) -> MediaFile:
    kind, _, rest = key.partition(":")
    size, _, seconds = rest.partition(":")
    width, _, height = size.partition("x")
    if kind == "mp4":
        return video_file(int(width), int(height), int(seconds))
    return image_file(int(width), int(height))


DEFAULT_KEYS = {IMAGE_TASK: media_key(IMAGE_TASK, {}), VIDEO_TASK: media_key(VIDEO_TASK, {})}
IMAGE = media_by_key(DEFAULT_KEYS[IMAGE_TASK])  # 64x64
VIDEO = media_by_key(DEFAULT_KEYS[VIDEO_TASK])  # 16:9, 5 s
