"""Every Python and shell block of README.md runs as it stands, so the README cannot drift.

How a block is run:

- ```` ```python ````: executed in a fresh namespace, in a temporary directory, with
  ``CHAINHUB_BASE_URL`` and ``CHAINHUB_API_KEY`` pointing at this module's mock (the
  environment the README tells the reader to set); any exception fails the test.
- ```` ```console ```` (also ``sh``, ``shell``, ``bash``): each ``$ `` line is a command (a
  line ending with ``\\`` continues on the next), the lines after it up to the next ``$ `` its
  expected output. The commands run in order in one bash, in a temporary directory that has
  the checkout's ``.venv`` (so ``source .venv/bin/activate`` works as in a checkout), with
  ``.venv/bin`` on PATH and no ``CHAINHUB_*`` variable set: a block sets what it needs. Every
  command must exit 0. A command ending with ``&`` runs in the background, and the next one
  waits until the block's port accepts connections (as a person typing would); the README's
  port ``4010`` is replaced by a free one; background jobs are stopped when the block ends.
  Expected output is compared loosely: its lines must appear in that order in what the
  command printed (stdout and stderr), ``…`` inside a line matches any text, and a line of
  only ``…`` any number of lines.
- Other fences must name what they are (``text``, ``yaml``, ``json``, ``toml``) and are not run.

A block that cannot run here is skipped only by a marker on the line right above its fence,
with a reason: ``<!-- readme-test: skip (talks to the real gateway) -->``. A marker without a
reason, an unknown marker, or a marker not followed by a fence fails the test.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.data import ROOT

README = ROOT / "README.md"
TOKEN = "readme-token"
PYTHON_LANGS = frozenset({"python", "py"})
SHELL_LANGS = frozenset({"console", "sh", "shell", "bash"})
NOT_RUN_LANGS = frozenset({"text", "yaml", "json", "toml", "ini", "diff"})
README_PORT = "4010"

_FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
_MARKER = re.compile(r"^<!--\s*readme-test:(.*?)-->\s*$")
_SKIP = re.compile(r"^\s*skip\s*\((.*)\)\s*$")


class ReadmeError(ValueError):
    """The README breaks the conventions above (the line is in the message)."""


@dataclass(frozen=True)
class Block:
    lang: str
    line: int  # of the opening fence, 1-based
    code: str
    skip: str | None  # the marker's reason

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    lines = text.splitlines()
    pending: tuple[int, str] | None = None  # a skip marker waiting for its fence
    index = 0
    while index < len(lines):
        line = lines[index]
        number = index + 1
        marker = _MARKER.match(line.strip())
        fence = _FENCE.match(line)
        if marker:
            if pending is not None:
                raise ReadmeError(f"README.md:{pending[0]}: a readme-test marker with no fence")
            skip = _SKIP.match(marker.group(1))
            if skip is None:
                raise ReadmeError(
                    f"README.md:{number}: unknown readme-test marker {line.strip()!r}: "
                    "the only one is '<!-- readme-test: skip (the reason) -->'"
                )
            if not skip.group(1).strip():
                raise ReadmeError(f"README.md:{number}: a readme-test skip needs a reason")
            pending = (number, skip.group(1).strip())
        elif fence:
            closing = fence.group(1)
            end = next(
                (i for i in range(index + 1, len(lines)) if lines[i].strip() == closing), None
            )
            if end is None:
                raise ReadmeError(f"README.md:{number}: the fence is never closed")
            lang = fence.group(2).lower()
            if lang not in PYTHON_LANGS | SHELL_LANGS | NOT_RUN_LANGS:
                raise ReadmeError(
                    f"README.md:{number}: a fence must name its language "
                    f"({', '.join(sorted(PYTHON_LANGS | SHELL_LANGS | NOT_RUN_LANGS))}), "
                    f"got {lang!r}"
                )
            code = "\n".join(lines[index + 1 : end]) + "\n"
            blocks.append(Block(lang, number, code, pending[1] if pending else None))
            pending = None
            index = end
        elif line.strip() and pending is not None:
            raise ReadmeError(
                f"README.md:{pending[0]}: a readme-test marker must be right above a fence"
            )
        index += 1
    if pending is not None:
        raise ReadmeError(f"README.md:{pending[0]}: a readme-test marker with no fence")
    return blocks


BLOCKS = parse_blocks(README.read_text(encoding="utf-8"))


def _runnable(langs: frozenset[str]) -> list[Block]:
    return [block for block in BLOCKS if block.lang in langs and block.skip is None]


# -- the conventions themselves ----------------------------------------------------------------


def test_the_readme_has_blocks_to_run() -> None:
    assert len(_runnable(PYTHON_LANGS)) >= 3
    assert len(_runnable(SHELL_LANGS)) >= 2


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<!-- readme-test: skip -->\n```python\npass\n```\n", "unknown readme-test marker"),
        ("<!-- readme-test: skip () -->\n```python\npass\n```\n", "needs a reason"),
        ("<!-- readme-test: maybe (x) -->\n```python\npass\n```\n", "unknown readme-test"),
        ("<!-- readme-test: skip (x) -->\ntext\n```python\npass\n```\n", "right above a fence"),
        ("<!-- readme-test: skip (x) -->\n", "with no fence"),
        ("```\nart\n```\n", "must name its language"),
        ("```python\npass\n", "never closed"),
    ],
)
def test_a_broken_convention_is_an_error(text: str, error: str) -> None:
    with pytest.raises(ReadmeError, match=re.escape(error)):
        parse_blocks(text)


def test_a_marker_skips_only_the_block_below_it() -> None:
    text = "<!-- readme-test: skip (the real gateway) -->\n\n```console\n$ x\n```\n"
    text += "```sh\n$ y\n```\n"
    first, second = parse_blocks(text)
    assert (first.skip, second.skip) == ("the real gateway", None)


# -- Python blocks -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    from chainhub_aigc.mock import MockConfig, MockServer

    # A task finishes at its first query: a snippet's wait costs one poll.
    config = MockConfig(tokens=frozenset({TOKEN}), finish_after=0)
    with MockServer(config, host="127.0.0.1", port=0) as server:
        yield server.base_url


@pytest.mark.parametrize("block", _runnable(PYTHON_LANGS), ids=lambda block: block.id)
def test_python_block(
    block: Block, mock_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAINHUB_BASE_URL", mock_url)
    monkeypatch.setenv("CHAINHUB_API_KEY", TOKEN)
    monkeypatch.chdir(tmp_path)
    # Line numbers of a traceback are the README's.
    code = compile("\n" * block.line + block.code, str(README), "exec")
    exec(code, {"__name__": "__main__"})


# -- shell blocks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    text: str
    expected: tuple[str, ...]


def parse_commands(code: str) -> list[Command]:
    commands: list[Command] = []
    text: list[str] = []
    expected: list[str] = []
    continued = False
    for line in code.splitlines():
        if continued:
            text.append(line)
        elif line.startswith("$ "):
            if text:
                commands.append(Command("\n".join(text), tuple(expected)))
            text, expected = [line[2:]], []
        elif text:
            expected.append(line)
        elif line.strip():
            raise ReadmeError(f"output before any command: {line!r}")
        continued = line.rstrip().endswith("\\")
    if text:
        commands.append(Command("\n".join(text), tuple(expected)))
    return commands


def _in_background(command: str) -> bool:
    bare = re.sub(r"\s+#[^'\"]*$", "", command).rstrip()
    return bare.endswith("&") and not bare.endswith("&&")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _line_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(piece) for piece in expected.strip().split("…")))


def output_matches(expected: tuple[str, ...], actual: str) -> bool:
    """Every expected line (``…`` a wildcard) matches a line of ``actual``, in order."""
    lines = [line.strip() for line in actual.splitlines()]
    position = 0
    for want in expected:
        if want.strip() in ("", "…", "..."):
            continue
        pattern = _line_pattern(want)
        while position < len(lines) and not pattern.fullmatch(lines[position]):
            position += 1
        if position == len(lines):
            return False
        position += 1
    return True


def test_output_matching_is_loose_but_not_blind() -> None:
    printed = "created image task 139-AigcImageTask-ab12 (session s-1)\nx: FINISH 100% (2.0s)\n"
    assert output_matches(("created image task …(session …)", "…", "…: FINISH 100% (…)"), printed)
    assert not output_matches(("…: FAILED …",), printed)
    assert not output_matches(("x: FINISH 100% (…)", "created image task …"), printed)  # order


def _script(commands: list[Command], port: str) -> str:
    lines = ["exec 2>&1", "trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT"]
    for number, command in enumerate(commands):
        lines.append(f"printf '\\n@@readme-test {number}@@\\n'")  # after output with no newline
        lines.append(command.text)
        if _in_background(command.text):
            lines.append(
                "for _ in $(seq 300); do "
                f"(exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; sleep 0.1; done"
            )
        else:
            lines.append('status=$?; [ $status -eq 0 ] || { echo; echo "@@exit $status"; exit 1; }')
    lines.append("printf '\\n@@readme-test end@@\\n'")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("block", _runnable(SHELL_LANGS), ids=lambda block: block.id)
def test_shell_block(block: Block, tmp_path: Path) -> None:
    port = str(_free_port())
    commands = parse_commands(block.code.replace(README_PORT, port))
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    bin_dir = str(Path(sys.prefix) / "bin")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHAINHUB_")}
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.pop("VIRTUAL_ENV", None)
    done = subprocess.run(
        ["bash", "-c", _script(commands, port)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,  # only a hang breaks this (the block takes ~40 s at a load average of 12)
    )
    sections = re.split(r"^@@readme-test (\d+|end)@@$", done.stdout, flags=re.M)
    printed = dict(zip(sections[1::2], sections[2::2], strict=True))
    for number, command in enumerate(commands):
        where = f"{block.id}: $ {command.text}"
        assert str(number) in printed, f"{where}: never ran\n{done.stdout}"
        output = printed[str(number)]
        assert "\n@@exit " not in "\n" + output, f"{where}: failed\n{output}"
        assert output_matches(command.expected, output), (
            f"{where}: printed\n{output}\nexpected (loosely)\n" + "\n".join(command.expected)
        )
    assert "end" in printed, done.stdout
