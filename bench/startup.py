"""Start-up time of the CLI and the package, as a user has them (not a test: it prints numbers).

Builds the wheel (or takes ``--wheel``), installs it with the ``[mock]`` extra into a clean
virtual environment in a temporary directory (the dev environment has rich, click and pygments,
which make ``import httpx`` load its own CLI: not what a user pays), then runs, interleaved,
``--runs`` times each:

- ``chainhub-aigc --help`` (the bar: median at most 0.2 s);
- ``chainhub-aigc image --help`` (reads the spec to derive the options);
- ``python -c "import chainhub_aigc"``;
- ``python -c "from chainhub_aigc import Client"`` (the HTTP stack and the generated models);
- ``python -c pass`` (the interpreter alone: the floor).

Prints the median and the fastest wall-clock run of each, and the median CPU time (user +
system: the steadier figure when the machine is shared with other work). Compare figures of
one run of this script, not figures from different days.

    python bench/startup.py [--runs 15] [--wheel WHEEL] [--baseline OLD_WHEEL]

``--baseline`` installs another wheel (an earlier version) into its own venv and runs its
commands in the same rounds, so that both see the same load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UV = ROOT / ".tools" / "uv" / "bin" / "uv"
BAR = 0.2


def build_wheel(out: Path) -> Path:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run(
        [str(UV), "build", "--wheel", "--quiet", "--out-dir", str(out), str(ROOT)],
        check=True,
        env=env,
    )
    (wheel,) = out.glob("chainhub_aigc-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    spec = f"{wheel}[mock]"
    subprocess.run(
        [str(UV), "pip", "install", "--quiet", "--python", str(python), spec], check=True, env=env
    )
    return venv / "bin"


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run. On a loaded machine the CPU
    time is the steadier figure: it is about the wall time the command takes on an idle one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def commands(bin_dir: Path, label: str) -> dict[str, list[str]]:
    python, cli = str(bin_dir / "python"), str(bin_dir / "chainhub-aigc")
    return {
        f"chainhub-aigc --help{label}": [cli, "--help"],
        f"chainhub-aigc image --help{label}": [cli, "image", "--help"],
        f'python -c "import chainhub_aigc"{label}': [python, "-c", "import chainhub_aigc"],
        f'python -c "from chainhub_aigc import Client"{label}': [
            python,
            "-c",
            "from chainhub_aigc import Client",
        ],
        f"python -c pass{label}": [python, "-c", "pass"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--wheel", type=Path, help="measure this wheel instead of building one")
    parser.add_argument("--baseline", type=Path, help="also measure this wheel, interleaved")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chainhub-startup-") as tmp:
        work = Path(tmp)
        wheel = args.wheel.resolve() if args.wheel else build_wheel(work / "dist")
        cases = commands(install(wheel, work / "venv"), "")
        if args.baseline:
            cases |= commands(install(args.baseline.resolve(), work / "baseline"), " (baseline)")
        for command in cases.values():  # warm the file cache and the .pyc files
            timed(command, work)
        times: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, command in cases.items():
                wall, used = timed(command, work)
                times[name].append(wall)
                cpu[name].append(used)
    python_version = sys.version.split()[0]
    print(f"{wheel.name}, Python {python_version}, {args.runs} runs, nproc {os.cpu_count()}")
    print("| command | median | fastest | median CPU |\n| --- | ---: | ---: | ---: |")
    for name, values in times.items():
        median, fastest, used = statistics.median(values), min(values), statistics.median(cpu[name])
        print(f"| `{name}` | {median:.3f} s | {fastest:.3f} s | {used:.3f} s |")
    help_median = statistics.median(times["chainhub-aigc --help"])
    verdict = "meets" if help_median <= BAR else "misses"
    print(f"`--help` median {help_median:.3f} s {verdict} the bar ({BAR} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
