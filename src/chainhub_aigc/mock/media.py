"""The files a finished task's FileUrl serves: made at start-up with zlib and struct only.

A real PNG (a 64x64 RGB gradient: any decoder opens it, the SDK can check its signature) and
a small MP4 (an `ftyp` box, a `moov` box with a movie header, and an `mdat` box: players
recognise the container; there is no real track, which a mock does not need).
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True)
class MediaFile:
    content: bytes
    content_type: str
    file_type: str  # FileType in the task output: png, mp4
    file_name: str
    width: int
    height: int
    duration: float | None = None  # seconds, video only

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content, usedforsecurity=False).hexdigest()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(width: int = 64, height: int = 64) -> bytes:
    """A valid RGB PNG: red rises left to right, green top to bottom, blue is constant."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type 0 (None) for every scanline
        for x in range(width):
            rows += bytes((x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 160))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        PNG_SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def make_mp4(duration_seconds: float = 5.0) -> bytes:
    """A small ISO BMFF file: ftyp + moov/mvhd + mdat (about 1 KB)."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    timescale = 1000
    matrix = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">B3xIIII", 0, 0, 0, timescale, int(duration_seconds * timescale))
        + struct.pack(">IH10x", 0x00010000, 0x0100)  # rate 1.0, volume 1.0, reserved
        + matrix
        + bytes(24)  # pre_defined
        + struct.pack(">I", 1),  # next_track_ID
    )
    mdat = _box(b"mdat", bytes(range(256)) * 3)
    return ftyp + _box(b"moov", mvhd) + mdat


IMAGE = MediaFile(
    content=make_png(64, 64),
    content_type="image/png",
    file_type="png",
    file_name="aigcImageGenFile.png",
    width=64,
    height=64,
)
VIDEO = MediaFile(
    content=make_mp4(5.0),
    content_type="video/mp4",
    file_type="mp4",
    file_name="aigcVideoGenFile.mp4",
    width=64,
    height=64,
    duration=5.0,
)
