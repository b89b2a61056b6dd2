"""Fixtures shared by the whole suite (generic; each test folder may add its own).

- `openapi_spec`: the built spec (openapi/chainhub-aigc.yaml) as JSON data, read here with
  ruamel.yaml (YAML 1.2), not through the package's loader that the mock and the SDK use;
- `response_checker`: validates an HTTP answer against the spec's response for that operation
  and status, with openapi-schema-validator (an implementation independent of the mock's own
  jsonschema-rs validators, so that the mock is not its own judge);
- `run_mock_cli`: starts `python -m chainhub_aigc.mock --port 0 ...` as a real subprocess on
  loopback and yields its URL (read from the line it prints when ready); always stopped.

Also the xdist scheduler of `pytest -n`: ONE_WORKER_MODULES run whole on one worker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling

from tests.data import BUILT_SPEC, ROOT

_URL_LINE = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")

# The suite starts a few hundred Python processes (the CLI, the mock, the pipeline scripts, the
# xdist workers), each importing the SDK, httpx, starlette, ruamel...; with
# PYTHONDONTWRITEBYTECODE set and no bytecode in .venv (uv does not compile it), each one
# compiled every module again: about twice the start-up time of a CLI run. The children write
# and share bytecode in one directory under .venv instead (nothing in the source tree).
if os.environ.get("PYTHONDONTWRITEBYTECODE"):
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(ROOT / ".venv" / "pycache"))


# Modules whose tests share a module fixture too costly to run once per worker.
# tests/docs/test_site.py: the site is built once, by its module fixture (a few seconds of CPU).
ONE_WORKER_MODULES = frozenset(
    {"tests/client/test_soak.py", "tests/tools/test_prism_proxy.py", "tests/docs/test_site.py"}
)


class _LoadKeepingModulesWhole(LoadScopeScheduling):
    """Like `--dist load` (each test its own unit of work), except that each module of
    ONE_WORKER_MODULES is one unit. xdist's `--dist loadgroup` would do this with an
    `xdist_group` mark, but the mark is lost under pytest 9 (xdist rewrites `item._nodeid`,
    which pytest 9 no longer reads)."""

    def _split_scope(self, nodeid: str) -> str:
        module = nodeid.split("::", 1)[0]
        return module if module in ONE_WORKER_MODULES else nodeid


@pytest.hookimpl(optionalhook=True)  # an xdist hook: pytest without xdist never calls it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadScopeScheduling | None:
    if config.getvalue("dist") != "load":
        return None  # another --dist was asked for: xdist's own scheduler
    return _LoadKeepingModulesWhole(config, log)


@pytest.fixture(scope="session")
def openapi_spec() -> dict[str, Any]:
    from ruamel.yaml import YAML

    spec: dict[str, Any] = json.loads(json.dumps(YAML(typ="safe").load(BUILT_SPEC)))
    return spec


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@dataclass
class ResponseChecker:
    """Checks answers against the spec: status documented, JSON body valid for its schema."""

    spec: dict[str, Any]

    def __post_init__(self) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        resource = Resource.from_contents(self.spec, default_specification=DRAFT4)
        self._registry = Registry().with_resource("urn:spec", resource)
        self._validators: dict[str, Any] = {}

    def operation(self, operation_id: str) -> tuple[str, str, dict[str, Any]]:
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and op.get("operationId") == operation_id:
                    return path, method, op
        raise KeyError(operation_id)

    def problems(self, operation_id: str, status: int, headers: Any, body: bytes) -> list[str]:
        """What is wrong with this answer (empty when it conforms)."""
        from openapi_schema_validator import OAS30Validator

        path, method, op = self.operation(operation_id)
        responses = op.get("responses", {})
        key = next(
            (k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None
        )
        if key is None:
            return [f"status {status} is not documented for {operation_id}"]
        pointer = f"/paths/{_escape(path)}/{method}/responses/{key}"
        response = responses[key]
        if "$ref" in response:
            pointer = response["$ref"][1:]
            response = self.spec
            for part in pointer.strip("/").split("/"):
                response = response[part.replace("~1", "/").replace("~0", "~")]
        content = response.get("content") or {}
        if not content:
            return []
        media = (headers.get("content-type") or "").split(";")[0].strip()
        if media not in content:
            return [f"content type {media!r} is not one of {sorted(content)}"]
        ref = f"urn:spec#{pointer}/content/{_escape(media)}/schema"
        validator = self._validators.get(ref)
        if validator is None:
            validator = OAS30Validator({"$ref": ref}, registry=self._registry)
            self._validators[ref] = validator
        try:
            data = json.loads(body)
        except ValueError as exc:
            return [f"the body is not JSON: {exc}"]
        found = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        for name, header in (response.get("headers") or {}).items():
            if header.get("required") and name.lower() not in {h.lower() for h in headers}:
                found.append(f"the required header {name} is missing")
        return found


@pytest.fixture(scope="session")
def response_checker(openapi_spec: dict[str, Any]) -> ResponseChecker:
    return ResponseChecker(openapi_spec)


@dataclass
class MockProcess:
    process: subprocess.Popen[str]
    url: str
    output: list[str]  # lines printed after the ready line (stdout and stderr merged)


RunMockCli = Callable[..., contextlib.AbstractContextManager[MockProcess]]
"""The `run_mock_cli` fixture: `with run_mock_cli("--option", ...) as mock:` (`timeout=` too)."""


@pytest.fixture
def run_mock_cli() -> Iterator[RunMockCli]:
    started: list[subprocess.Popen[str]] = []

    @contextlib.contextmanager
    def run(*args: str, timeout: float = 30.0) -> Iterator[MockProcess]:
        command = [sys.executable, "-m", "chainhub_aigc.mock", "--host", "127.0.0.1"]
        command += ["--port", "0", *args]
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        started.append(process)
        assert process.stdout is not None
        found: list[str] = []
        ready = threading.Event()
        output: list[str] = []

        def read() -> None:  # a thread: readline() blocks, the wait for readiness must not
            assert process.stdout is not None
            for line in process.stdout:
                match = _URL_LINE.search(line)
                if match and not ready.is_set():
                    found.append(match.group(1))
                    ready.set()
                else:
                    output.append(line)
            ready.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if not ready.wait(timeout) or not found:
            process.kill()
            raise AssertionError(f"the mock did not start: {''.join(output)}")
        try:
            yield MockProcess(process, found[0], output)
        finally:
            _stop(process)
            reader.join(timeout=5)

    yield run
    for process in started:
        _stop(process)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
