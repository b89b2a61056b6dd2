"""Make the mock's video clips: src/chainhub_aigc/mock/data/clips.zip (package data).

    .venv/bin/python scripts/make_media.py        # needs ffmpeg (Debian: apt-get install ffmpeg)

One tiny decodable H.264 MP4 (Constrained Baseline, yuv420p, 4 fps, no audio, `faststart`) for
each aspect ratio the mock serves (16:9, 9:16, 1:1) and each whole duration from 1 to 12
seconds (every duration the API's video models document: Kling 5/10, Hailuo 6/10, Vidu 1-10,
GV 8, OS 4/8/12): a blue frame with a white square moving left to right. Stored, not
deflated, in one zip (the clips are already compressed), named `<W>x<H>-<seconds>s.mp4`, with
a fixed timestamp so that the archive depends only on the clips.

Recorded with ffmpeg 5.1.9-0+deb12u1 (Debian 12) and libx264 0.164.3095; another version may
write other bytes (same sizes and durations within a few bytes and frames): commit what it
writes, the mock reads the real values from the files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "chainhub_aigc" / "mock" / "data" / "clips.zip"
SIZES = ((128, 72), (72, 128), (96, 96))  # 16:9, 9:16, 1:1; even sides (yuv420p)
DURATIONS = range(1, 13)
FPS = 4
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def ffmpeg_command(width: int, height: int, seconds: int, out: Path) -> list[str]:
    scene = (
        f"color=c=0x2050a0:size={width}x{height}:rate={FPS},"
        r"drawbox=x=mod(t*16\,w):y=ih/3:w=16:h=16:color=white:t=fill"
    )
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", scene, "-t", str(seconds),
        "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryslow", "-crf", "38",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart",
        "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        str(out),
    ]  # fmt: skip


def main() -> int:
    if shutil.which("ffmpeg") is None:
        print("make_media: ffmpeg not found (Debian: apt-get install -y ffmpeg)", file=sys.stderr)
        return 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(OUT, "w") as archive:
        for width, height in SIZES:
            for seconds in DURATIONS:
                name = f"{width}x{height}-{seconds}s.mp4"
                clip = Path(tmp) / name
                subprocess.run(ffmpeg_command(width, height, seconds, clip), check=True)
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_STORED
                archive.writestr(info, clip.read_bytes())
    print(f"make_media: wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
