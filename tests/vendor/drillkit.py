"""Vendor-change drills: a temp copy of the repository, a changed vendor document, one
`scripts/update_vendor.py` run in the copy, and probes of what the regenerated code does.

A drill runs once per test session however many tests look at it and however many xdist
workers run them: the first test to ask builds it under a file lock in the session's shared
temp directory, records the outcome in `drill.json`, and every other test reads that record.
Scripts and probes run with the worktree's interpreter and PYTHONPATH pointing at the copy's
`src` and `generated`, so the copy's regenerated code is what gets imported.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scripts.overlay import CACHE_ENV

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
COPIED = ("openapi", "overlays", "scripts", "src", "generated", "pyproject.toml")
PROBE = Path(__file__).with_name("probe.py")
IMAGE_FILE = "aigc-image.yaml"
VIDEO_FILE = "aigc-video.yaml"
IMAGE_PATH = "/tencent-vod/v1/aigc-image"
VIDEO_PATH = "/tencent-vod/v1/aigc-video"
MODELS_PATH = "/tencent-vod/v1/models"
IMAGE_BODY = {"model_name": "GEM", "model_version": "3.0", "prompt": "a red fox"}
VIDEO_BODY = {"model_name": "Kling", "model_version": "2.1", "prompt": "a car on the highway"}


@dataclass(frozen=True)
class Drill:
    """The record of one drill: the copy, the update's outcome, what the probe saw."""

    repo: Path
    returncode: int
    stdout: str
    stderr: str
    digest_before: str  # of openapi/ and generated/ before the update
    digest_after: str
    probe: dict[str, Any]  # empty when the drill has no probe or the update failed

    @property
    def diff_lines(self) -> list[str]:
        return [
            line
            for line in self.stdout.splitlines()
            if line.startswith(("breaking ", "compatible "))
        ]

    def env(self) -> dict[str, str]:
        return copy_env(self.repo)


def copy_env(repo: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINHUB_")}
    env["PYTHONPATH"] = os.pathsep.join([str(repo / "src"), str(repo / "generated")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Every copy sits two levels below the session's shared directory (drill-NAME/repo,
    # start-NAME/repo): the drills' pipeline runs share one YAML cache there, so the overlays,
    # the vendor documents and the spec that every drill loads are parsed once per session.
    env[CACHE_ENV] = str(repo.parent.parent / "yaml-cache")
    return env


def tree_digest(*dirs: Path) -> str:
    digest = hashlib.sha256()
    for base in dirs:
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(base.parent)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def copy_repo(target: Path, start: Path | None = None) -> Path:
    """A copy of what the pipeline needs from the worktree, or all of a prepared `start`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    if start is not None:
        shutil.copytree(start, target, ignore=ignore)
        return target
    target.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copyfile(source, target / name)
    return target


def page(yaml_text: str, title: str = "Create task") -> str:
    """A saved vendor page: Markdown around one ```yaml block, as the vendor publishes them."""
    return f"# {title}\n\n## OpenAPI Specification\n\n```yaml\n{yaml_text}```\n"


# The request body's properties, and output_config's: group 1 is the indentation of the key.
REQUEST_PROPERTIES = (
    r"^( +)requestBody:\n\1  content:\n\1    application/json:\n\1      schema:\n"
    r"\1        type: object\n\1        properties:\n"
)
OUTPUT_CONFIG_PROPERTIES = r"^( +)output_config:\n\1  type: object\n\1  properties:\n"


def add_property(text: str, where: str, depth: int, name: str, schema: dict[str, str]) -> str:
    """Add a property to a vendor document as the vendor would write it: after the one match of
    `where`, indented `depth` steps of two spaces deeper than the key its group 1 indents. The
    indentation comes from the document, so the drill survives the vendor's other changes."""
    matches = list(re.finditer(where, text, flags=re.MULTILINE))
    assert len(matches) == 1, f"{where!r} matches {len(matches)} times in the vendor document"
    match = matches[0]
    assert not re.search(rf"^ +{name}:", text, flags=re.MULTILINE), f"{name} exists already"
    indent = match.group(1) + "  " * depth
    lines = [f"{indent}{name}:\n"] + [f"{indent}  {k}: {v}\n" for k, v in schema.items()]
    return text[: match.end()] + "".join(lines) + text[match.end() :]


def run_script(repo: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, *args],
        cwd=repo,
        env=copy_env(repo),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def session_dir(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # shared by workers


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock between the xdist workers of a session (fcntl: POSIX only)."""
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def mypy_cache(factory: pytest.TempPathFactory, target: Path) -> Path:
    """A mypy cache dir at `target`, copied from one warmed once per session (under a lock)
    by a strict run over `import chainhub_aigc` from the worktree: the standard library,
    httpx, attrs and the SDK are then already analysed, and each mypy run in the suite pays
    only for what differs (a probe, a copy's regenerated modules). Each run gets its own
    copy, so runs on different xdist workers never write one cache at the same time."""
    warm = session_dir(factory) / "mypy-cache-warm"
    with locked(warm.with_suffix(".lock")):
        if not (warm / "ready").exists():
            shutil.rmtree(warm, ignore_errors=True)
            warm.mkdir()
            (warm / "probe.py").write_text("import chainhub_aigc\n", encoding="utf-8")
            env = {
                **os.environ,
                "MYPYPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "generated")]),
            }
            result = subprocess.run(
                [PYTHON, "-m", "mypy", "--strict", "--no-error-summary", "--config-file",
                 os.devnull, "--cache-dir", str(warm / "cache"), "probe.py"],
                cwd=warm, env=env, capture_output=True, text=True, timeout=240, check=False,
            )  # fmt: skip
            assert result.returncode == 0, result.stdout + result.stderr
            (warm / "ready").touch()
    shutil.copytree(warm / "cache", target)
    return target


def shared_start(
    factory: pytest.TempPathFactory, name: str, prepare: Callable[[Path], None]
) -> Path:
    """A prepared copy of the repository that several drills start from, built once."""
    home = session_dir(factory) / f"start-{name}"
    with locked(home.with_suffix(".lock")):
        if not (home / "ready").exists():
            shutil.rmtree(home, ignore_errors=True)
            prepare(copy_repo(home / "repo"))
            (home / "ready").touch()
    return home / "repo"


def shared_drill(
    factory: pytest.TempPathFactory,
    name: str,
    prepare: Callable[[Path], list[Path]],
    probe: Callable[[Path], dict[str, Any]] | None = None,
    start: Path | None = None,
) -> Drill:
    """Build the drill `name` once per session (see the module docstring) and return it.

    `prepare(repo)` writes the changed documents (and any overlay) into the copy and returns
    the documents to pass to update_vendor.py; `probe(repo)` is the probe job to run after a
    successful update; `start` a prepared copy to start from instead of the worktree.
    """
    home = session_dir(factory) / f"drill-{name}"
    with locked(home.with_suffix(".lock")):
        record = home / "drill.json"
        if not record.exists():
            shutil.rmtree(home, ignore_errors=True)
            _build(home, prepare, probe, start)
        data = json.loads(record.read_text(encoding="utf-8"))
    return Drill(repo=Path(data.pop("repo")), **data)


def _build(
    home: Path,
    prepare: Callable[[Path], list[Path]],
    probe: Callable[[Path], dict[str, Any]] | None,
    start: Path | None,
) -> None:
    repo = copy_repo(home / "repo", start)
    documents = prepare(repo)
    watched = (repo / "openapi", repo / "generated")
    before = tree_digest(*watched)
    update = run_script(
        repo, "scripts/update_vendor.py", *(str(d.relative_to(repo)) for d in documents)
    )
    after = tree_digest(*watched)
    found: dict[str, Any] = {}
    if update.returncode == 0 and probe is not None:
        job = {**probe(repo), "spec": str(repo / "openapi" / "chainhub-aigc.yaml")}
        result = run_script(repo, str(PROBE), json.dumps(job), timeout=120)
        assert result.returncode == 0, f"the probe failed:\n{result.stdout}{result.stderr}"
        found = json.loads(result.stdout.splitlines()[-1])
    record = {
        "repo": str(repo),
        "returncode": update.returncode,
        "stdout": update.stdout,
        "stderr": update.stderr,
        "digest_before": before,
        "digest_after": after,
        "probe": found,
    }
    (home / "drill.json").write_text(json.dumps(record), encoding="utf-8")


# -- the surface checks: derived from the spec by the surface branch ----------------------------


@dataclass(frozen=True)
class TypedProbe:
    """mypy's errors on the control call (no new field) and on the call with the field."""

    control_errors: list[str]
    field_errors: list[str]


def typed_params(
    factory: pytest.TempPathFactory, drill: Drill, control: str, call: str
) -> TypedProbe:
    """mypy (strict) on a small probe that makes both calls on a Client of the copy. Run once
    per drill (the control and the surface check read one result), from the session's warm
    cache (`mypy_cache`)."""
    home = drill.repo.parent
    record = home / "typed.json"
    with locked(home / "typed.lock"):
        if not record.exists():
            probe = home / "typed_probe.py"
            head = "from chainhub_aigc import Client\n\nclient = Client(api_key='k')\n"
            probe.write_text(f"{head}{control}\n{call}\n", encoding="utf-8")
            env = drill.env()
            env["MYPYPATH"] = env.pop("PYTHONPATH")
            cache = mypy_cache(factory, home / "mypy-cache")
            result = subprocess.run(
                [PYTHON, "-m", "mypy", "--strict", "--no-error-summary", "--config-file",
                 os.devnull, "--cache-dir", str(cache), str(probe)],
                cwd=home, env=env, capture_output=True, text=True, timeout=240, check=False,
            )  # fmt: skip
            errors = [line for line in result.stdout.splitlines() if ": error:" in line]
            assert result.returncode in (0, 1), result.stdout + result.stderr
            found = {
                "control_errors": [e for e in errors if e.startswith(f"{probe}:4:")],
                "field_errors": [e for e in errors if not e.startswith(f"{probe}:4:")],
            }
            record.write_text(json.dumps(found), encoding="utf-8")
        data = json.loads(record.read_text(encoding="utf-8"))
    return TypedProbe(**data)


def cli_help(drill: Drill, command: str) -> str:
    """`chainhub-aigc COMMAND --help` as the copy's CLI prints it."""
    result = subprocess.run(
        [PYTHON, "-m", "chainhub_aigc", command, "--help"],
        cwd=drill.repo, env=drill.env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout
