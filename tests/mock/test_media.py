"""The files behind FileUrl: a PNG any decoder accepts, an MP4 whose boxes add up."""

from __future__ import annotations

import struct
import zlib

from chainhub_aigc.mock.media import IMAGE, VIDEO, make_png
from tests.data import PNG_SIGNATURE


def test_the_png_is_valid() -> None:
    data = IMAGE.content
    assert data.startswith(PNG_SIGNATURE)
    position, chunks = len(PNG_SIGNATURE), []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        payload = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + payload), kind
        chunks.append((kind, payload))
        position += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, color, interlace) == (64, 64, 8, 2, 0)
    pixels = zlib.decompress(chunks[1][1])
    assert len(pixels) == height * (1 + width * 3)
    assert IMAGE.width == width and IMAGE.height == height
    assert len(make_png(3, 2)) > len(PNG_SIGNATURE)


def test_the_mp4_boxes() -> None:
    data, position, kinds = VIDEO.content, 0, []
    while position < len(data):
        (size,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8])
        assert size >= 8
        position += size
    assert position == len(data)
    assert kinds == [b"ftyp", b"moov", b"mdat"]
    assert data[8:12] == b"isom"
    assert VIDEO.content_type == "video/mp4" and VIDEO.md5 and len(VIDEO.md5) == 32
