"""Every request field of every create operation, walked from the spec, reaches the whole surface:
the SDK's typed params (mypy on a generated probe), the CLI's parser, and the mock's validation.
A field the spec gains through `make generate` is covered here with no edit."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from chainhub_aigc_client.sdk_params import OPERATION_PARAMS, PARAMS_SCHEMAS

from chainhub_aigc import cli
from chainhub_aigc.mock import MockConfig, create_app
from tests.data import MOCK_TOKEN as DEV_TOKEN
from tests.data import ROOT
from tests.surface.fields import (
    COMMANDS,
    FIELDS,
    ITEM,
    RESOURCES,
    Field,
    body_with,
    minimal,
    operations,
    valid_value,
    value_at,
    wrong_value,
)
from tests.vendor.drillkit import mypy_cache

PARAMS_OF_SCHEMA = {schema: params for params, schema in PARAMS_SCHEMAS.items()}


def test_the_walk_covers_every_create_and_nested_level() -> None:
    assert set(RESOURCES) == set(COMMANDS) == set(OPERATION_PARAMS)
    walked = {(f.operation.operation_id, f.path[0]) for f in FIELDS}
    assert {f.operation.operation_id for f in FIELDS} == set(OPERATION_PARAMS)
    for operation in operations():
        for name in operation.schema["properties"]:
            assert (operation.operation_id, name) in walked
    assert any(len(f.path) == 2 for f in FIELDS), "a nested object field (output_config.*)"
    assert any(ITEM in f.path for f in FIELDS), "an array item field (file_infos[].*)"


# -- (a) the typed params: one mypy run over a generated probe --------------------------------


def _probe(fields: list[Field], bad: bool) -> tuple[str, set[int]]:
    """A module calling `client.<resource>.create(...)` once per field; with `bad`, every value
    has the wrong type. Returns the source and the lines where mypy must report each field."""
    imports = sorted({PARAMS_OF_SCHEMA[c] for f in fields for c in f.containers if c})
    lines = [
        "from chainhub_aigc import Client",
        f"from chainhub_aigc.types import {', '.join(imports)}",
        "",
        "",
        "def probe(client: Client) -> None:",
    ]
    expected: set[int] = set()
    for number, field in enumerate(fields):
        op = field.operation
        value = wrong_value(field.schema) if bad else valid_value(field.schema)
        expr = repr(value)
        step = len(field.path) - 1
        for level in range(len(field.containers) - 1, -1, -1):
            container = field.containers[level]
            assert container is not None, f"{field.id}: nested objects must be named schemas"
            name, key = f"v{number}_{level}", field.path[step]
            lines.append(f"    {name}: {PARAMS_OF_SCHEMA[container]} = {{{key!r}: {expr}}}")
            if level == len(field.containers) - 1:
                expected.add(len(lines))
            expr, step = name, step - 1
            if field.path[step] == ITEM:
                expr, step = f"[{expr}]", step - 1
        required = {k: v for k, v in minimal(op.schema).items() if k != field.path[step]}
        arguments = [f"{k}={v!r}" for k, v in required.items()] + [f"{field.path[step]}={expr}"]
        lines.append(f"    client.{RESOURCES[op.operation_id]}.create({', '.join(arguments)})")
        if not field.containers:
            expected.add(len(lines))
    return "\n".join(lines) + "\n", expected


def test_typed_params_accept_every_field_and_reject_a_wrong_type(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    good_source, _ = _probe(FIELDS, bad=False)
    bad_source, bad_lines = _probe(FIELDS, bad=True)
    (tmp_path / "probe_good.py").write_text(good_source, encoding="utf-8")
    (tmp_path / "probe_bad.py").write_text(bad_source, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "generated")])}
    cache = mypy_cache(tmp_path_factory, tmp_path / "mypy-cache")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", os.devnull,
         "--cache-dir", str(cache), "--no-error-summary",
         "--show-error-codes", "probe_good.py", "probe_bad.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    good_errors = [line for line in errors if line.startswith("probe_good.py")]
    assert good_errors == [], "\n".join(good_errors)
    located = map(re.compile(r"^probe_bad\.py:(\d+):").match, errors)
    flagged = {int(match.group(1)) for match in located if match}
    missed = [bad_source.splitlines()[n - 1].strip() for n in sorted(bad_lines - flagged)]
    assert missed == [], "mypy accepted a wrong type:\n" + "\n".join(missed)
    assert flagged == bad_lines, errors  # and nothing else in the probe is wrong
    assert result.returncode == 1, result.stderr


# -- (b) the CLI parser ------------------------------------------------------------------------


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub: argparse.ArgumentParser = action.choices[command]
            return sub
    raise AssertionError("no commands")


def _flag_of(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> str:
    dest = cli.FIELD_PREFIX + ".".join(step for step in path if step != ITEM)
    for action in parser._actions:
        # the field's own option: not a fixed-value flag, not an item convenience
        own = not isinstance(action, cli._AppendItem) or action.key is None
        if action.dest == dest and action.option_strings and action.const is None and own:
            return action.option_strings[0]
    raise AssertionError(f"no option sets {'.'.join(path)}")


def _text(value: Any) -> str:
    return json.dumps(value) if isinstance(value, dict | list | bool) else str(value)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.id)
def test_the_cli_has_an_option_for_every_field(field: Field) -> None:
    op = field.operation
    parser = _subparser(COMMANDS[op.operation_id])
    argv: list[str] = []
    for name, value in minimal(op.schema).items():
        if name != field.path[0]:
            argv += [_flag_of(parser, (name,)), _text(value)]
    value = valid_value(field.schema)
    if ITEM in field.path:  # an array of objects: one JSON object per use
        item_path = field.path[: field.path.index(ITEM) + 1]
        item = value_at(body_with(field, value), item_path)
        argv += [_flag_of(parser, item_path[:-1]), json.dumps(item)]
    else:
        argv += [_flag_of(parser, field.path), _text(value)]
    body = cli._request_fields(parser.parse_args(argv))
    assert value_at(body, field.path) == value
    assert type(value_at(body, field.path)) is type(value)


# -- (c) the mock ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.id)
async def test_the_mock_validates_every_field(field: Field) -> None:
    op = field.operation
    transport = httpx.ASGITransport(app=create_app(MockConfig(tokens=frozenset({DEV_TOKEN}))))
    headers = {"Authorization": f"Bearer {DEV_TOKEN}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as http:
        good = await http.request(
            op.method.upper(), op.path, json=body_with(field, valid_value(field.schema)),
            headers=headers,
        )  # fmt: skip
        assert good.status_code == 200, good.text
        bad = await http.request(
            op.method.upper(), op.path, json=body_with(field, wrong_value(field.schema)),
            headers=headers,
        )  # fmt: skip
    assert bad.status_code == 400
    pointer = "/" + "/".join("0" if step == ITEM else step for step in field.path)
    assert pointer + ":" in bad.json()["Response"]["Error"]["Message"]
