"""A user's own code: make a thumbnail-sized image for a product, or say why it could not."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from chainhub_aigc import Client
from chainhub_aigc.errors import ChainhubError, TaskFailedError


@dataclass
class Outcome:
    path: Path | None
    width: int = 0
    height: int = 0
    problem: str = ""


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def product_image(product: str, out_dir: Path) -> Outcome:
    """Generate a 16:9 banner for `product` into `out_dir`."""
    try:
        with Client() as client:  # CHAINHUB_API_KEY, CHAINHUB_BASE_URL
            result = client.images.generate(
                model_name="GEM",
                model_version="3.0",
                prompt=f"a product photo of {product}, studio light",
                output_config={"aspect_ratio": "16:9"},
                timeout=120,
            )
            (path,) = result.download(out_dir)
    except TaskFailedError as error:  # the model refused: tell the user, do not retry
        return Outcome(None, problem=f"refused: {error.err_code_ext}")
    except ChainhubError as error:  # anything else the API or the network did
        return Outcome(None, problem=f"unavailable: {type(error).__name__}")
    width, height = png_size(path)
    return Outcome(path, width, height)
