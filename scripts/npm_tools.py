"""The npm tools the tests and benchmarks drive (Prism, Spectral, Redocly), installed on first use.

    python scripts/npm_tools.py [NAME ...]     # install (default: all), print each executable

Each tool is pinned to one version and installed by the machine's npm, from the registry, into
its own git-ignored folder `.tools/npm/<name>-<version>/`; a new pin is a new folder. The
install goes into a temporary folder renamed into place when npm succeeded, so a folder that
exists is complete. An exclusive file lock (`.tools/npm/.lock`) serialises installs across
processes: pytest-xdist workers asking at once install each tool once, the others wait for it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS_DIR = ROOT / ".tools" / "npm"
INSTALL_TIMEOUT = 900  # seconds for one `npm install`; a cold cache on a loaded machine is slow


@dataclass(frozen=True)
class NpmTool:
    name: str  # what callers ask for
    package: str  # the npm package
    version: str  # exact pin
    command: str  # the executable in node_modules/.bin

    @property
    def folder(self) -> Path:
        return TOOLS_DIR / f"{self.name}-{self.version}"

    @property
    def executable(self) -> Path:
        return self.folder / "node_modules" / ".bin" / self.command


TOOLS: dict[str, NpmTool] = {
    tool.name: tool
    for tool in (
        NpmTool("prism", "@stoplight/prism-cli", "5.16.0", "prism"),
        NpmTool("spectral", "@stoplight/spectral-cli", "6.16.3", "spectral"),
        NpmTool("redocly", "@redocly/cli", "2.77.0", "redocly"),
    )
}


class NpmToolError(Exception):
    """A tool cannot be installed; str() says why in one line (or npm's last lines)."""


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    with open(TOOLS_DIR / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def installed(name: str) -> bool:
    return TOOLS[name].executable.exists()


def ensure(name: str) -> Path:
    """The tool's executable, installed first when missing (waits for another installer)."""
    tool = TOOLS[name]
    if tool.executable.exists():
        return tool.executable
    npm = shutil.which("npm")
    if npm is None:
        raise NpmToolError(f"npm is not on PATH: {tool.package} cannot be installed")
    with _locked():
        if tool.executable.exists():  # another process installed it while this one waited
            return tool.executable
        staging = Path(tempfile.mkdtemp(prefix=f".{tool.name}-", dir=TOOLS_DIR))
        try:
            command = [npm, "install", "--prefix", str(staging), "--no-audit", "--no-fund"]
            command += ["--loglevel=error", "--save-exact", f"{tool.package}@{tool.version}"]
            try:
                result = subprocess.run(
                    command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
                )
            except subprocess.TimeoutExpired as exc:
                raise NpmToolError(f"npm install {tool.package} took over {exc.timeout} s") from exc
            built = staging / tool.executable.relative_to(tool.folder)
            if result.returncode != 0 or not built.exists():
                tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
                raise NpmToolError(f"npm install {tool.package}@{tool.version} failed:\n{tail}")
            staging.chmod(0o755)  # mkdtemp's 0700 would hide the tool from other users
            staging.rename(tool.folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return tool.executable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"of {', '.join(TOOLS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in TOOLS]
    if unknown:
        parser.error(f"unknown tool {unknown[0]!r}; known: {', '.join(TOOLS)}")
    for name in args.names or list(TOOLS):
        try:
            print(ensure(name), flush=True)
        except NpmToolError as exc:
            print(f"npm_tools: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
