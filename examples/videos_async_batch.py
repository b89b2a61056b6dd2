"""A batch of videos with AsyncClient: several tasks at once, at most N in flight.

    export CHAINHUB_API_KEY=...
    python examples/videos_async_batch.py out/ [concurrency]

Each prompt is created, waited for and downloaded in its own coroutine; a semaphore bounds
how many run at once. One failure does not stop the others: every outcome is reported.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from chainhub_aigc import AsyncClient
from chainhub_aigc.errors import ChainhubError

PROMPTS = [
    ("a car on a coastal highway at dusk", "16:9", 5),
    ("a paper boat on a rainy street", "9:16", 6),
    ("a spinning vinyl record, top view", "1:1", 8),
    ("clouds over a mountain ridge, timelapse", "16:9", 10),
]


async def make_video(
    client: AsyncClient,
    limit: asyncio.Semaphore,
    prompt: str,
    aspect_ratio: str,
    seconds: int,
    out_dir: Path,
) -> list[Path]:
    async with limit:
        result = await client.videos.generate(
            model_name="Kling",
            model_version="2.1",
            prompt=prompt,
            output_config={"aspect_ratio": aspect_ratio, "duration": seconds},
            timeout=900,
        )
        return await result.download(out_dir)


async def main(out_dir: Path, concurrency: int = 2) -> dict[str, list[Path] | BaseException]:
    limit = asyncio.Semaphore(concurrency)
    async with AsyncClient() as client:  # CHAINHUB_API_KEY, CHAINHUB_BASE_URL
        outcomes = await asyncio.gather(
            *(make_video(client, limit, *job, out_dir) for job in PROMPTS),
            return_exceptions=True,  # one failed video must not cancel the others
        )
    report: dict[str, list[Path] | BaseException] = {}
    for (prompt, _, _), outcome in zip(PROMPTS, outcomes, strict=True):
        if isinstance(outcome, ChainhubError):
            print(f"FAILED {prompt!r}: {outcome}")
        elif isinstance(outcome, BaseException):
            raise outcome  # a bug, not an API failure
        else:
            print(f"done   {prompt!r}: {', '.join(str(path) for path in outcome)}")
        report[prompt] = outcome
    return report


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    asyncio.run(main(out, int(sys.argv[2]) if len(sys.argv) > 2 else 2))
