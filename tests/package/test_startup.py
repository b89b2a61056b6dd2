"""What `import chainhub_aigc` and the CLI load: only what they use (the fast start-up of
bench/startup.py comes from this; the timings themselves are the benchmark's, not a test's).

Each case runs in a fresh interpreter and reports `sys.modules` at its end.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.data import ROOT

HEAVY = ("chainhub_aigc.mock", "starlette", "uvicorn", "asyncio", "httpx", "chainhub_aigc_client")


def _modules_after(code: str) -> set[str]:
    script = (
        f"import json, sys\n{code}\nsys.__stdout__.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _cli(*argv: str) -> str:
    return (
        "from chainhub_aigc.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
    )


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if name in modules)


def test_import_loads_no_public_name_yet() -> None:
    modules = _modules_after("import chainhub_aigc\nassert chainhub_aigc.__version__")
    assert _loaded(modules, HEAVY) == []
    assert sorted(m for m in modules if m.startswith("chainhub_aigc.")) == [
        "chainhub_aigc._version"
    ]


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("image", "--help"), ("status", "not a task id")],
    ids=["help", "image-help", "usage-error"],
)
def test_cli_help_and_usage_errors_load_no_http_stack_nor_mock(argv: tuple[str, ...]) -> None:
    modules = _modules_after(_cli(*argv))
    assert "chainhub_aigc.cli" in modules
    assert _loaded(modules, HEAVY) == []


def test_mock_help_loads_the_mock() -> None:
    """The counterpart: `mock` is where the mock gets imported (its options come from it)."""
    assert "chainhub_aigc.mock" in _modules_after(_cli("mock", "--help"))


def test_sync_client_does_not_load_asyncio_and_async_client_does() -> None:
    sync = _modules_after("from chainhub_aigc import Client\nClient(api_key='k').close()")
    assert "httpx" in sync
    assert _loaded(sync, ("asyncio", "chainhub_aigc.mock", "starlette", "uvicorn")) == []
    assert "asyncio" in _modules_after("from chainhub_aigc import AsyncClient")


def test_every_public_name_resolves_lazily() -> None:
    import chainhub_aigc

    for name in chainhub_aigc.__all__:
        assert getattr(chainhub_aigc, name) is not None, name
        assert name in dir(chainhub_aigc)
    assert chainhub_aigc.Client.__module__ == "chainhub_aigc._client"
    typo = "Clinet"
    with pytest.raises(AttributeError, match="no attribute 'Clinet'"):
        getattr(chainhub_aigc, typo)  # a typo is an AttributeError, as before
