"""One image, end to end: create the task, wait for it with progress, download the file.

    export CHAINHUB_API_KEY=...               # and CHAINHUB_BASE_URL for another gateway
    python examples/image_end_to_end.py "a red fox in the snow" out/

Against the mock: `chainhub-aigc mock --port 4010 --token dev-token &`, then
`CHAINHUB_BASE_URL=http://127.0.0.1:4010 CHAINHUB_API_KEY=dev-token python ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from chainhub_aigc import Client, Task


def show_progress(task: Task) -> None:
    print(f"  {task.status} {task.progress or 0}%")


def main(prompt: str, out_dir: Path) -> list[Path]:
    with Client() as client:  # CHAINHUB_API_KEY, CHAINHUB_BASE_URL from the environment
        result = client.images.generate(
            model_name="GEM",
            model_version="3.0",
            prompt=prompt,
            output_config={"aspect_ratio": "16:9", "resolution": "720P"},
            timeout=600,  # seconds for the whole wait
            on_progress=show_progress,
        )
        for file in result.files:
            print(f"{result.task_id}: {file.width}x{file.height}, {file.size} bytes")
        paths = result.download(out_dir)
    for path in paths:
        print(f"saved {path}")
    return paths


if __name__ == "__main__":
    prompt = sys.argv[1] if len(sys.argv) > 1 else "a red fox in the snow"
    main(prompt, Path(sys.argv[2] if len(sys.argv) > 2 else "out"))
