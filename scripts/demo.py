"""`make demo`: the main job, offline. Mock server + command line, an image and a video, end to end.

1. start the mock (`chainhub-aigc mock`, timed mode: a task takes a few seconds) on a free
   loopback port, and wait until it answers;
2. run `chainhub-aigc image ... --wait --out demo-output/` and `chainhub-aigc video ...` against it,
   exactly as a user would (the real entry point, in a subprocess), showing their progress;
3. stop the mock and print where the files are.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
TOKEN = "demo-token"
CLI = [str(Path(sys.executable).parent / "chainhub-aigc")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], deadline: float = 20.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit(f"demo: the mock exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/openapi.json", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("demo: the mock did not start within 20 s")


def run(title: str, args: list[str], env: dict[str, str]) -> None:
    print(f"\n$ chainhub-aigc {shlex.join(args)}", flush=True)
    result = subprocess.run([*CLI, *args], env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"demo: {title} failed with exit code {result.returncode}")


def main() -> int:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if OUT.exists():
        shutil.rmtree(OUT)
    mock_args = ["mock", "--host", "127.0.0.1", "--port", str(port), "--token", TOKEN]
    mock_args += ["--mode", "timed", "--finish-after", "3"]  # a task takes 3 s: progress shows
    print(f"$ chainhub-aigc {shlex.join(mock_args)} &", flush=True)
    mock = subprocess.Popen([*CLI, *mock_args])
    try:
        wait_until_up(url, mock)
        env = {**os.environ, "CHAINHUB_BASE_URL": url, "CHAINHUB_API_KEY": TOKEN}
        # Shown, so that the commands below work when typed in this order.
        print(f"$ export CHAINHUB_BASE_URL={url} CHAINHUB_API_KEY={TOKEN}", flush=True)
        image = ["image", "--model", "GEM", "--version", "3.0", "--prompt", "a red fox in the snow"]
        run("image", [*image, "--aspect-ratio", "16:9", "--wait", "--out", str(OUT / "image")], env)
        video = ["video", "--model", "Kling", "--version", "2.1", "--prompt", "a car on a highway"]
        run("video", [*video, "--duration", "5", "--audio", "--out", str(OUT / "video")], env)
    finally:
        mock.terminate()
        try:
            mock.wait(timeout=10)
        except subprocess.TimeoutExpired:
            mock.kill()
    files = sorted(p for p in OUT.rglob("*") if p.is_file())
    print("\nThe mock is stopped. Files written:")
    for path in files:
        print(f"  {path.relative_to(ROOT)}  ({path.stat().st_size} bytes)")
    return 0 if files else 1


if __name__ == "__main__":
    sys.exit(main())
