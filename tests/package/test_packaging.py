"""The distribution: its dependencies are the ones the code imports, one version everywhere,
and the wheel and the sdist hold what a user and `make test` need (built here with uv)."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import tarfile
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import chainhub_aigc
from tests.data import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Declared for speed, not imported: see tests/client/test_config.py.
NOT_IMPORTED_ON_PURPOSE = {"sniffio"}
# What `make test` needs beyond the package's own folders.
SDIST_FILES = (
    "pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "Makefile", "uv.lock",
    "schemathesis.toml", ".ci/run", "openapi/chainhub-aigc.yaml", "mkdocs.yml",
)  # fmt: skip
# Folders whose every file the sdist carries (their tests and data, too).
SDIST_TREES = (
    "src", "generated", "openapi", "overlays", "scripts", "tests", "bench", "examples", "docs",
)  # fmt: skip
NOT_SHIPPED = (
    "__pycache__", ".prism", "node_modules", ".pyc", ".hypothesis", ".ruff_cache", ".mypy_cache",
)  # fmt: skip


def _imported_top_levels(*folders: Path, but: Path | None = None) -> set[str]:
    names: set[str] = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            if but is not None and path.is_relative_to(but):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
    return names


def _name(requirement: str) -> str:
    return re.split(r"[^A-Za-z0-9_.-]", requirement, maxsplit=1)[0].lower()


def test_every_runtime_dependency_is_imported_by_the_sdk_or_the_generated_client() -> None:
    sdk = ROOT / "src" / "chainhub_aigc"
    # The mock's imports are its extra's business, not the SDK's dependencies.
    imported = _imported_top_levels(ROOT / "generated", sdk, but=sdk / "mock")
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert declared - NOT_IMPORTED_ON_PURPOSE <= imported, declared - imported
    # openapi-python-client declares python-dateutil by default; the generated code (no
    # date-time field in the spec) does not import it, so it is not a dependency.
    assert "dateutil" not in _imported_top_levels(ROOT / "generated")
    assert "python-dateutil" not in declared


def test_the_version_has_one_source() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/chainhub_aigc/_version.py"
    assert importlib.metadata.version("chainhub-aigc") == chainhub_aigc.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{chainhub_aigc.__version__}]" in changelog or "## [Unreleased]" in changelog


def _source_files(tree: str) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / tree).rglob("*")
        if path.is_file() and not any(part in path.as_posix() for part in NOT_SHIPPED)
    }


def test_wheel_and_sdist_hold_the_license_the_package_data_and_the_test_suite(
    tmp_path: Path,
) -> None:
    """Built the way CI and the release workflow build them (the wheel from the sdist)."""
    uv = ROOT / ".tools" / "uv" / "bin" / "uv"  # installed by `make`
    subprocess.run(
        [str(uv), "build", "--quiet", "--out-dir", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
    )
    version = chainhub_aigc.__version__
    (wheel_path,) = tmp_path.glob(f"chainhub_aigc-{version}-py3-none-any.whl")
    (sdist_path,) = tmp_path.glob(f"chainhub_aigc-{version}.tar.gz")

    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        info = f"chainhub_aigc-{version}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
    assert "Apache License" in license_text and "Version 2.0" in license_text
    for data in (
        "chainhub_aigc/py.typed",
        "chainhub_aigc_client/py.typed",
        "chainhub_aigc_client/openapi.json",
        "chainhub_aigc_client/openapi.yaml",
        "chainhub_aigc/mock/__init__.py",
    ):
        assert data in names, data
    assert not [n for n in names if n.startswith(("tests/", "scripts/")) or "__pycache__" in n]
    assert "License-Expression: Apache-2.0" in metadata
    assert "Classifier: Programming Language :: Python :: 3.13" in metadata
    assert "dateutil" not in metadata
    assert "chainhub-aigc = chainhub_aigc.cli:main" in entry_points

    with tarfile.open(sdist_path) as sdist:
        prefix = f"chainhub_aigc-{version}/"
        shipped = {name.removeprefix(prefix) for name in sdist.getnames()}
    expected = set(SDIST_FILES).union(*(_source_files(tree) for tree in SDIST_TREES))
    assert sorted(expected - shipped) == []
    assert not [n for n in shipped if any(part in n for part in NOT_SHIPPED)]
