"""The docs site: built strictly (as `make docs` does) into a temporary folder, then read.

The build fails on any warning (mkdocs.yml: strict, every link and anchor validated, every
snippet file must exist). On top of it: the pages of the nav exist, the API reference shows
the clients, their resources and every public error, the HTTP reference lists every operation
of the built spec (read from the spec here), the CLI page carries every command's help, and no
page loads anything from another host (the site works offline).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import chainhub_aigc.errors
import chainhub_aigc.types
from chainhub_aigc.cli import build_parser
from tests.data import ROOT

BUILD_TIMEOUT = 300  # seconds: a bound only a hang breaks (the build takes about 6 s of CPU)


@dataclass(frozen=True)
class Site:
    directory: Path
    output: str

    def page(self, source: str) -> str:
        """The HTML built from `docs/<source>` (use_directory_urls is off: x.md -> x.html)."""
        return (self.directory / source).with_suffix(".html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    yield Site(directory, built.stdout + built.stderr)


def _nav_sources(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_sources(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_sources(value)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_the_strict_build_has_no_warning(site: Site) -> None:
    problems = [
        line for line in site.output.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)
    ]
    assert problems == []


def test_every_page_of_the_nav_exists(site: Site) -> None:
    config = YAML(typ="safe").load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    sources = list(_nav_sources(config["nav"]))
    assert len(sources) >= 10  # guides, API reference, HTTP API
    for source in sources:
        assert (ROOT / "docs" / source).is_file(), source
        assert "<h1" in site.page(source), source


def test_api_reference_shows_the_clients_and_their_resources(site: Site) -> None:
    ids = _ids(site.page("reference/clients.md"))
    for client in ("Client", "AsyncClient"):
        for member in ("images", "videos", "tasks", "get", "post", "request", "with_options"):
            assert f"chainhub_aigc.{client}.{member}" in ids, (client, member)
    for resource, methods in {
        "Images": ("create", "generate"),
        "Videos": ("create", "generate"),
        "Tasks": ("get", "wait", "result"),
    }.items():
        for method in methods:
            assert f"chainhub_aigc._resources.{resource}.{method}" in ids


def test_api_reference_shows_every_public_error_and_type(site: Site) -> None:
    error_ids = _ids(site.page("reference/errors.md"))
    missing = [
        name
        for name in chainhub_aigc.errors.__all__
        if f"chainhub_aigc.errors.{name}" not in error_ids
    ]
    assert missing == []
    type_ids = _ids(site.page("reference/types.md"))
    missing = [
        name
        for name in chainhub_aigc.types.__all__
        if f"chainhub_aigc.types.{name}" not in type_ids
        and f"chainhub_aigc_client.sdk_params.{name}" not in type_ids
    ]
    assert missing == []


def test_http_reference_lists_every_operation_of_the_built_spec(
    site: Site, openapi_spec: dict[str, Any]
) -> None:
    html = site.page("http-api.md")
    ids = _ids(html)
    operations = [
        (method, path, operation["operationId"])
        for path, item in openapi_spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert operations
    for method, path, operation_id in operations:
        assert f"<code>{operation_id}</code>" in html, operation_id
        anchor = re.sub(r"[^\w-]", "", f"{method}-{path}".lower().replace(" ", "-"))
        assert anchor in ids, (operation_id, anchor)
    for schema in openapi_spec["components"]["schemas"]:
        assert schema.lower() in ids, schema


def test_http_reference_renders_alternatives_and_closed_sets(site: Site) -> None:
    """anyOf members and enum values appear in the type column (the plugin's own templates
    leave such cells empty: docs/oad-templates/ overrides them)."""
    html = site.page("http-api.md")
    cells = re.findall(r"<td>(.*?)</td>", html, flags=re.S)
    assert any('href="#aigcimagetask"' in cell and "&#124;" in cell for cell in cells)
    assert "<code>Temporary</code>, <code>Permanent</code>" in html  # StorageMode's enum


def test_cli_page_has_the_help_of_every_command(site: Site) -> None:
    html = site.page("guides/cli.md")
    parser = build_parser()
    commands = [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]
    assert "image" in commands
    for command in commands:
        assert f"chainhub-aigc {command} --help" in html, command
        assert f"usage: chainhub-aigc {command}" in html, command


def test_no_page_loads_anything_from_another_host(site: Site) -> None:
    remote = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""")
    offenders = [
        str(page.relative_to(site.directory))
        for page in site.directory.rglob("*.html")
        if remote.search(page.read_text(encoding="utf-8"))
    ]
    assert offenders == []
