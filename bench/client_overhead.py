"""Client overhead of the SDK, and a 1,000-task batch (not a test: it prints numbers).

1. Overhead: the same create + query pairs against the mock, through the SDK
   (``Client.images.create`` + ``Client.tasks.get``: validation against the spec, a generated
   session_id, the generated model round trip, typed errors, the Task view) and through a raw
   ``httpx.Client`` with a hand-built request (``json.dumps``, two headers, ``response.json()``).
   Both use one keep-alive connection; the runs are interleaved in rounds, alternating which
   goes first, so that drift of the machine or the mock cancels out. Prints the ratio SDK/raw
   (the bar: at most 1.15x).
2. Batch: 1,000 image tasks created and awaited (``AsyncClient.images.generate``) at
   concurrency 50 against the mock in deterministic mode (a task finishes on its 3rd query),
   once with the SDK's default connection pool and once with a 10-connection pool (httpcore's
   async pool rescans every connection on every pool event: many open connections cost more
   client CPU than they save). Prints the wall time, the HTTP requests per task, the client
   CPU and the peak memory (the process's peak RSS, and the peak of Python allocations under
   tracemalloc in a third run).

The mock runs as a subprocess (``python -m chainhub_aigc.mock``), so it does not share the
benchmark's GIL; ``--mock-url`` points at one already running instead.

    python bench/client_overhead.py [--pairs 200] [--rounds 10] [--tasks 1000] [--concurrency 50]

``--tasks 0`` skips the batch (the overhead alone).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from chainhub_aigc import AsyncClient, Client, PollSchedule
from chainhub_aigc._config import DEFAULT_LIMITS
from chainhub_aigc.types import ImageTaskParams

TOKEN = "dev-token"
FIELDS: ImageTaskParams = {"model_name": "GEM", "model_version": "3.0", "prompt": "a red fox"}
BAR = 1.15


@contextmanager
def mock_process() -> Iterator[str]:
    """The mock in a subprocess on a free port; yields its base URL."""
    command = [sys.executable, "-m", "chainhub_aigc.mock", "--host", "127.0.0.1", "--port", "0"]
    command += ["--token", TOKEN, "--mode", "deterministic", "--finish-after", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "chainhub-aigc mock listening on http://...:PORT ..."
        match = re.search(r"(http://\S+)", line)
        if match is None:
            raise RuntimeError(f"the mock did not start: {line!r}")
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sdk_pairs(client: Client, pairs: int) -> tuple[float, float]:
    """(wall seconds, client CPU seconds)."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(pairs):
        created = client.images.create(**FIELDS)
        task = client.tasks.get(created.task_id)
        assert task.status == "WAITING"
    return time.perf_counter() - start, time.process_time() - cpu


def raw_pairs(http: httpx.Client, base_url: str, pairs: int) -> tuple[float, float]:
    """(wall seconds, client CPU seconds)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    post_headers = {**auth, "Content-Type": "application/json"}
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(pairs):
        body = json.dumps({**FIELDS, "session_id": "raw-" + uuid.uuid4().hex}).encode()
        response = http.post(
            base_url + "/tencent-vod/v1/aigc-image", content=body, headers=post_headers
        )
        task_id = response.json()["Response"]["TaskId"]
        query = http.get(base_url + f"/tencent-vod/v1/query/{task_id}", headers=auth)
        assert query.json()["Response"]["Status"] == "WAITING"
    return time.perf_counter() - start, time.process_time() - cpu


def overhead(base_url: str, pairs: int, rounds: int) -> None:
    # rate_limits=None: this measures the SDK's overhead, not the pacing (bench/batch.py).
    with (
        Client(api_key=TOKEN, base_url=base_url, rate_limits=None) as client,
        httpx.Client() as http,
    ):
        sdk_pairs(client, 20)  # warm up: connections, the spec, code paths
        raw_pairs(http, base_url, 20)
        sdk_times: list[tuple[float, float]] = []
        raw_times: list[tuple[float, float]] = []
        for index in range(rounds):
            if index % 2:
                sdk_times.append(sdk_pairs(client, pairs))
                raw_times.append(raw_pairs(http, base_url, pairs))
            else:
                raw_times.append(raw_pairs(http, base_url, pairs))
                sdk_times.append(sdk_pairs(client, pairs))
    calls = 2 * pairs * rounds
    sdk_wall, sdk_cpu = (sum(t[i] for t in sdk_times) for i in (0, 1))
    raw_wall, raw_cpu = (sum(t[i] for t in raw_times) for i in (0, 1))
    ratio = sdk_wall / raw_wall
    per_round = statistics.median(s[0] / r[0] for s, r in zip(sdk_times, raw_times, strict=True))
    print(f"overhead: {pairs} create+query pairs x {rounds} rounds, interleaved")
    print(
        f"  raw httpx: {raw_wall / calls * 1e6:7.1f} us per request "
        f"({raw_cpu / calls * 1e6:.1f} us of client CPU)"
    )
    print(
        f"  SDK:       {sdk_wall / calls * 1e6:7.1f} us per request "
        f"({sdk_cpu / calls * 1e6:.1f} us of client CPU)"
    )
    print(
        f"  ratio SDK/raw: {ratio:.3f}x wall (median of rounds {per_round:.3f}x), "
        f"{sdk_cpu / raw_cpu:.3f}x client CPU; bar <= {BAR}x: "
        f"{'PASS' if ratio <= BAR else 'FAIL'}"
    )


class CountingTransport(httpx.AsyncBaseTransport):
    """httpx's own transport (with the given pool limits), counting the requests."""

    def __init__(self, limits: httpx.Limits) -> None:
        self.inner = httpx.AsyncHTTPTransport(limits=limits)
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def batch_run(
    base_url: str, tasks: int, concurrency: int, limits: httpx.Limits
) -> tuple[float, int, int]:
    transport = CountingTransport(limits)
    gate = asyncio.Semaphore(concurrency)
    # Poll fast: the mock finishes a task on its 3rd query whatever the pause.
    schedule = PollSchedule(initial=0.05, factor=1.5, maximum=0.5)
    async with AsyncClient(
        api_key=TOKEN,
        base_url=base_url,
        transport=transport,
        poll_interval=schedule,
        rate_limits=None,  # as fast as the mock goes (the paced batch: bench/batch.py)
    ) as client:

        async def one() -> bool:
            async with gate:
                result = await client.images.generate(**FIELDS, timeout=120)
                return result.task.is_success

        start = time.perf_counter()
        done = await asyncio.gather(*(one() for _ in range(tasks)))
        wall = time.perf_counter() - start
    return wall, transport.sent, sum(done)


def batch(base_url: str, tasks: int, concurrency: int) -> None:
    print(f"batch: {tasks} image tasks, generate (create + wait) at concurrency {concurrency}")
    small = httpx.Limits(max_connections=10, max_keepalive_connections=10)
    pools = (("the SDK's default pool", DEFAULT_LIMITS), ("a 10-connection pool", small))
    for label, limits in pools:
        cpu = time.process_time()
        wall, sent, ok = asyncio.run(batch_run(base_url, tasks, concurrency, limits))
        cpu = time.process_time() - cpu
        print(f"  with {label} ({limits.max_connections} connections at most):")
        print(f"    completed {ok}/{tasks}; wall time {wall:.2f} s ({tasks / wall:.0f} tasks/s)")
        print(f"    requests per task {sent / tasks:.2f} (1 create + 3 queries expected)")
        print(f"    client CPU {cpu:.2f} s ({cpu / sent * 1e6:.0f} us per request)")
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    asyncio.run(batch_run(base_url, tasks, concurrency, DEFAULT_LIMITS))
    _, peak_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak RSS of the benchmark process: {peak_rss_kib / 1024:.1f} MiB")
    print(f"  peak Python allocations (tracemalloc, a 3rd run): {peak_python / 2**20:.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200, help="create+query pairs per round")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--mock-url", help="use this running mock instead of starting one")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, httpx {httpx.__version__}, {os.cpu_count()} CPUs")
    if args.mock_url:
        overhead(args.mock_url, args.pairs, args.rounds)
        if args.tasks > 0:
            batch(args.mock_url, args.tasks, args.concurrency)
        return 0
    with mock_process() as base_url:
        overhead(base_url, args.pairs, args.rounds)
        if args.tasks > 0:
            batch(base_url, args.tasks, args.concurrency)
    return 0


if __name__ == "__main__":
    sys.exit(main())
