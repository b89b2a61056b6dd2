"""Throughput of the mock against Stoplight Prism: same spec, same load, same machine.

    python bench/mock_throughput.py [--requests 20000] [--concurrency 64] [--check]

Both servers run as real processes on 127.0.0.1 and get the same load: a bounded number of
valid `POST /tencent-vod/v1/aigc-image` requests (a realistic body, the bearer token) at a
fixed number of keep-alive connections, after the same warm-up. The mock runs as shipped
(`python -m chainhub_aigc.mock`: full validation, state, session handling on); Prism in its
static mode (`prism mock`), with its per-request logging turned down to warnings, its fastest
setting. Prints req/s, p50 and p99 of each, and the ratios; `--check` exits 1 when the bar
(at least 3x Prism's req/s and a lower p99) is not met.

The load generator is wrk (C, one thread: on 2 cores a Python generator would measure
itself). The script checks for it and, when missing, installs it with `apt-get install -y
wrk` (Debian's package; needs root); a Lua script counts answers and stops at the request
budget, and a time limit bounds every run as well. Prism is installed the same way when
missing, pinned, by scripts/npm_tools.py (into the git-ignored `.tools/npm/`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `scripts` importable
    sys.path.insert(0, str(ROOT))

from scripts import npm_tools  # noqa: E402 (after the path set-up)

SPEC = ROOT / "openapi" / "chainhub-aigc.yaml"
TOKEN = "dev-token"
PATH = "/tencent-vod/v1/aigc-image"
BODY = {
    "model_name": "GEM",
    "model_version": "3.0",
    "prompt": "a red fox in the snow, golden hour",
    "negative_prompt": "blur, distorted",
    "enhance_prompt": "Enabled",
    "output_config": {
        "storage_mode": "Temporary",
        "resolution": "1080P",
        "aspect_ratio": "1:1",
        "person_generation": "AllowAdult",
    },
    "tasks_priority": 0,
}
MAX_SECONDS_PER_RUN = 120  # wrk's own bound, on top of the request budget

# wrk's Lua (LuaJIT): count answers; at the budget, note the elapsed time (monotonic clock
# through the FFI: wrk's own duration is its -d, not the time the budget took), stop the
# thread and tell the script on stderr, which then interrupts wrk (SIGINT ends its wait).
WRK_SCRIPT = """
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } chainhub_ts;
  int clock_gettime(int, chainhub_ts *);
]]
local ts = ffi.new("chainhub_ts")
local function now_us()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

wrk.method = "POST"
wrk.body = [==[%(body)s]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"

local threads = {}
function setup(thread) table.insert(threads, thread) end

budget = %(budget)d
answered = 0
non2xx = 0
elapsed_us = 0
started_us = nil

function request()
  if started_us == nil then started_us = now_us() end
  return wrk.format()
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  if answered == budget then
    elapsed_us = now_us() - started_us
    io.stderr:write("BUDGET\\n")
    io.stderr:flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local t = threads[1]
  io.write(string.format(
    '{"answered": %%d, "elapsed_us": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d, ' ..
    '"connect_errors": %%d, "read_errors": %%d, "write_errors": %%d, "timeouts": %%d, ' ..
    '"non2xx": %%d}\\n',
    t:get("answered"), t:get("elapsed_us"), latency:percentile(50), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, t:get("non2xx")))
end
"""


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.name:<6} {self.rps:>9,.0f} req/s   p50 {self.p50_ms:7.2f} ms   "
            f"p99 {self.p99_ms:7.2f} ms   ({self.requests:,} requests in {self.seconds:.1f} s, "
            f"{self.errors} errors or non-2xx)"
        )


# --- tools ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit("wrk is missing and cannot be installed here (needs apt-get and root)")
    print("installing wrk: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True, timeout=300)
        subprocess.run(install, env=env, check=True, timeout=300)
    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk did not install")
    return wrk


def ensure_prism() -> Path:
    try:
        return npm_tools.ensure("prism")  # the pinned Prism the tests use, installed once
    except npm_tools.NpmToolError as exc:
        sys.exit(f"{exc} (use --skip-prism)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- servers -------------------------------------------------------------------------------


class Server:
    """A server process on loopback; stopped (by its own pid) on exit."""

    def __init__(
        self, name: str, command: list[str], ready: re.Pattern[str] | None, port: int | None
    ) -> None:
        self.name = name
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.url = ""
        found = threading.Event()

        def pump() -> None:  # keep reading: a full pipe would stall the server
            assert self.process.stdout is not None
            for line in self.process.stdout:
                match = ready.search(line) if ready is not None else None
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()
                self.log.write(line)
            found.set()

        threading.Thread(target=pump, daemon=True).start()
        if ready is None:  # no ready line to wait for: the caller polls the port
            self.url = f"http://127.0.0.1:{port}"
            found.set()
        if not found.wait(90) or not self.url:
            self.stop()
            self.log.seek(0)
            sys.exit(f"{name} did not start:\n{self.log.read()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.log.close()


def start_mock() -> Server:
    return Server(
        "mock",
        [
            sys.executable,
            "-m",
            "chainhub_aigc.mock",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--token",
            TOKEN,
        ],
        re.compile(r"listening on (http://127\.0\.0\.1:\d+)"),
        None,
    )


def start_prism(prism: Path) -> Server:
    port = free_port()
    return Server(
        "prism",
        [
            str(prism),
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "--verboseLevel",
            "warn",
            str(SPEC),
        ],
        None,  # at log level warn Prism prints no ready line: wait_for_http polls it
        port,
    )


def wait_for_http(server: Server) -> None:
    url = server.url
    request = urllib.request.Request(
        url + PATH,
        data=json.dumps(BODY).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or server.process.poll() is not None:
            server.stop()
            server.log.seek(0)
            sys.exit(
                f"{server.name} ({url}) does not answer 200 to a valid create:\n"
                f"{server.log.read()[-3000:]}"
            )
        time.sleep(0.5)


# --- load ----------------------------------------------------------------------------------


def load(wrk: str, name: str, url: str, requests: int, concurrency: int) -> Result:
    script = WRK_SCRIPT % {"body": json.dumps(BODY), "token": TOKEN, "budget": requests}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = [
        wrk,
        "-t1",
        f"-c{concurrency}",
        f"-d{MAX_SECONDS_PER_RUN}s",
        "--timeout",
        "10s",
        "-s",
        handle.name,
        url + PATH,
    ]
    try:
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert run.stderr is not None and run.stdout is not None
        for line in run.stderr:  # "BUDGET" when the last answer came in: end wrk's wait
            if line.strip() == "BUDGET":
                run.send_signal(signal.SIGINT)
                break
        stdout, _ = run.communicate(timeout=MAX_SECONDS_PER_RUN + 60)
    finally:
        os.unlink(handle.name)
    summary = next((row for row in stdout.splitlines() if row.startswith("{")), None)
    if summary is None:
        sys.exit(f"wrk failed against {name}:\n{stdout}")
    data = json.loads(summary)
    if data["answered"] < requests or not data["elapsed_us"]:
        sys.exit(
            f"{name}: only {data['answered']} of {requests} answers in {MAX_SECONDS_PER_RUN} s"
        )
    errors = sum(
        data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "non2xx")
    )
    return Result(
        name=name,
        requests=data["answered"],
        seconds=data["elapsed_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"nproc {os.cpu_count()}, {model}, {system}, Python {platform.python_version()}"


def median(results: list[Result]) -> Result:
    """The run of median throughput (its p50/p99 with it: one real run, not a blend)."""
    return sorted(results, key=lambda r: r.rps)[len(results) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="per run (default 20000)")
    parser.add_argument("--concurrency", type=int, default=64, help="connections (default 64)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs (default 3)")
    parser.add_argument("--warmup", type=int, default=2_000, help="requests before measuring")
    parser.add_argument("--skip-prism", action="store_true", help="measure the mock only")
    parser.add_argument("--check", action="store_true", help="exit 1 when the bar is not met")
    args = parser.parse_args(argv)

    wrk = ensure_wrk()
    prism = None if args.skip_prism else ensure_prism()
    print(f"{datetime.date.today()}  {machine()}")
    print(
        f"load: {args.requests:,} valid creates ({len(json.dumps(BODY))}-byte body) per run, "
        f"{args.concurrency} connections, wrk -t1, {args.rounds} rounds alternating the "
        f"servers, each warmed up with {args.warmup:,} requests"
    )
    # Both servers stay up; the load alternates between them, so that a noisy moment of a
    # shared machine hits both, and the median run of each is compared.
    runs: dict[str, list[Result]] = {"mock": [], "prism": []}
    with contextlib.ExitStack() as stack:
        servers = {"mock": stack.enter_context(start_mock())}
        if prism is not None:
            servers["prism"] = stack.enter_context(start_prism(prism))
        for name, server in servers.items():
            wait_for_http(server)
            load(wrk, name, server.url, args.warmup, args.concurrency)
        for round_ in range(1, args.rounds + 1):
            for name, server in servers.items():
                result = load(wrk, name, server.url, args.requests, args.concurrency)
                runs[name].append(result)
                print(f"round {round_}: {result.line()}", flush=True)
    mock_r = median(runs["mock"])
    print(f"median  {mock_r.line()}")
    if prism is None:
        return 0
    prism_r = median(runs["prism"])
    print(f"median  {prism_r.line()}")
    ratio = mock_r.rps / prism_r.rps
    print(
        f"ratio: {ratio:.1f}x Prism's req/s (rounds: "
        + ", ".join(
            f"{m.rps / p.rps:.1f}x" for m, p in zip(runs["mock"], runs["prism"], strict=True)
        )
        + f"); p99 {mock_r.p99_ms:.1f} ms vs {prism_r.p99_ms:.1f} ms "
        f"({prism_r.p99_ms / mock_r.p99_ms:.1f}x lower)"
    )
    errors = sum(r.errors for r in runs["mock"])
    met = ratio >= 3 and mock_r.p99_ms < prism_r.p99_ms and errors == 0
    print("bar (>= 3x req/s, lower p99, no errors):", "met" if met else "NOT met")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
