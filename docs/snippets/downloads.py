from pathlib import Path

from chainhub_aigc import Client, PollSchedule


def on_bytes(index: int, done: int, total: int | None) -> None:
    print(
        f"file {index}: {done} of {total if total is not None else '?'} bytes"
    )


def on_file(index: int, path: Path, size: int) -> None:
    print(f"file {index} done: {path} ({size} bytes)")


# Poll at 0.5 s, then 1 s, 2 s ... at most every 5 s
# (the default: 1, 1.5, 2.25 ... 10 s).
with Client(
    poll_interval=PollSchedule(initial=0.5, factor=2, maximum=5)
) as client:
    created = client.images.create(
        model_name="GEM", model_version="3.0", prompt="a red fox"
    )
    result = client.tasks.wait(created, timeout=300)
    paths = result.download(
        "out/", on_bytes=on_bytes, on_file=on_file, max_bytes=100 * 2**20
    )
    print(paths)
