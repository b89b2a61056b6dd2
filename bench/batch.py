"""A paced batch at the vendor's limits (not a test: it prints numbers).

1,000 image jobs through ``chainhub_aigc.batch.run_batch`` (the SDK's default rate limits: the
spec's 20 creates and 100 queries a second) against the mock with ``--rate-limits 20,100`` and
``--mode timed --finish-after 10-30`` (each task's duration drawn, seeded). Prints:

- the wall time against the theoretical minimum under those limits (the bar: at most 1.15x):
  creates evenly at 20 a second, the k-th at ``k / 20`` s, each task then taking its drawn
  duration, the batch ending when the last of them finishes; beside it the shorthand
  ``jobs / 20`` s plus the duration of the last task created, which is lower, because a task
  created a little earlier with a longer duration finishes later;
- the 429s the mock refused (``rate_limited`` in ``/_mock/tasks``; the bar: zero) and the
  duplicates (a session_id carried by more than one create, or more tasks than jobs: zero);
- HTTP requests per job (creates, queries; file downloads apart);
- the delay between a task finishing on the mock (its create's answer plus its drawn
  duration) and the batch noticing it: mean and max;
- the process's peak RSS (the bar: under 150 MB).

The mock runs as a subprocess, so it does not share the benchmark's GIL.

    python bench/batch.py [--jobs 1000] [--finish-after 10-30] [--rate-limits 20,100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx

from chainhub_aigc import AsyncClient, Task
from chainhub_aigc._poller import TaskPoller
from chainhub_aigc.batch import parse_jobs, run_batch

TOKEN = "bench-token"
BAR_WALL = 1.15
BAR_RSS_MB = 150


@contextmanager
def mock_process(finish_after: str, rate_limits: str) -> Iterator[str]:
    command = [sys.executable, "-m", "chainhub_aigc.mock", "--host", "127.0.0.1", "--port", "0"]
    command += ["--token", TOKEN, "--mode", "timed", "--finish-after", finish_after]
    command += ["--rate-limits", rate_limits, "--seed", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        yield line.split("listening on ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


async def run(base_url: str, jobs_count: int, out: Path, rate_limits: str) -> dict[str, float]:
    lines = [
        json.dumps({"id": f"j{i:04d}", "model_name": "GEM", "model_version": "3.0",
                    "prompt": f"a red fox, take {i}"})
        for i in range(jobs_count)
    ]  # fmt: skip
    jobs, _ = parse_jobs(lines)
    api_requests = {"create": 0, "query": 0, "file": 0}

    async def count(request: httpx.Request) -> None:
        path = request.url.path
        kind = "file" if path.startswith("/_mock/files") else (
            "create" if request.method == "POST" else "query")  # fmt: skip
        api_requests[kind] += 1

    noticed: dict[str, float] = {}

    def on_poll(task: Task) -> None:
        if task.is_done and task.task_id not in noticed:
            noticed[task.task_id] = time.time()

    http = httpx.AsyncClient(event_hooks={"request": [count]}, timeout=60)
    statuses: dict[str, int] = {}
    async with (
        AsyncClient(api_key=TOKEN, base_url=base_url, http_client=http) as client,
        TaskPoller(client, on_poll=on_poll) as poller,
    ):
        start, start_wall = time.monotonic(), time.time()
        async for result in run_batch(client, jobs, out, poller=poller):
            statuses[result.status] = statuses.get(result.status, 0) + 1
        wall = time.monotonic() - start
    await http.aclose()
    answer = httpx.get(f"{base_url}/_mock/tasks", headers={"Authorization": f"Bearer {TOKEN}"})
    state = answer.json()
    durations = {task["TaskId"]: float(task["FinishAfter"]) for task in state["Tasks"]}
    with closing(sqlite3.connect(out / ".journal.sqlite")) as db:
        created = dict(db.execute("SELECT task_id, created_at FROM jobs"))
    last_task = max(created, key=lambda task_id: created[task_id])
    delays = [noticed[t] - (created[t] + durations[t]) for t in noticed if t in created]
    # The theoretical minimum under the limits: creates evenly at the create rate (the k-th
    # at k / rate seconds), each task then taking its own drawn duration; the batch cannot end
    # before the last of them finishes. With durations of 10-30 s this is not the last task
    # created: a task created a few seconds earlier with a longer duration finishes later.
    rate = float(rate_limits.split(",")[0])
    order = sorted(created, key=lambda task_id: created[task_id])
    minimum = max(rank / rate + durations[task_id] for rank, task_id in enumerate(order))
    naive_minimum = jobs_count / rate + durations[last_task]
    duplicates = sum(n > 1 for n in state["SessionCreates"].values()) + max(
        0, len(state["Tasks"]) - jobs_count
    )
    return {
        "jobs": jobs_count,
        "done": statuses.get("done", 0),
        "wall_s": wall,
        "minimum_s": minimum,
        # when the last create was answered, from the start (its own minimum: jobs / 20 s)
        "creates_s": max(created.values()) - start_wall,
        "last_task_s": durations[last_task],
        # the shorthand: all creates, then the last-created task's duration
        "naive_minimum_s": naive_minimum,
        "ratio_to_naive": wall / naive_minimum,
        "ratio": wall / minimum,
        "rate_limited_create": state["rate_limited"]["create"],
        "rate_limited_query": state["rate_limited"]["query"],
        "duplicates": duplicates,
        "requests_per_job": (api_requests["create"] + api_requests["query"]) / jobs_count,
        "queries_per_job": api_requests["query"] / jobs_count,
        "downloads": api_requests["file"],
        "notice_mean_s": sum(delays) / len(delays),
        "notice_max_s": max(delays),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--finish-after", default="10-30")
    parser.add_argument("--rate-limits", default="20,100")
    args = parser.parse_args()
    with (
        mock_process(args.finish_after, args.rate_limits) as url,
        tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp,
    ):
        figures = asyncio.run(run(url, args.jobs, Path(tmp), args.rate_limits))
    for name, value in figures.items():
        print(f"{name:22} {value:.3f}" if isinstance(value, float) else f"{name:22} {value}")
    verdict = (
        figures["ratio"] <= BAR_WALL
        and figures["rate_limited_create"] + figures["rate_limited_query"] == 0
        and figures["duplicates"] == 0
        and figures["peak_rss_mb"] < BAR_RSS_MB
        and figures["done"] == figures["jobs"]
    )
    print(f"bar (wall <= {BAR_WALL}x, zero 429s, zero duplicates, RSS < {BAR_RSS_MB} MB): "
          f"{'pass' if verdict else 'FAIL'}")  # fmt: skip


if __name__ == "__main__":
    main()
