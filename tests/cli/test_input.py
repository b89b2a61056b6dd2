"""Bad input on the command line: each case exits 2 with one line naming the option, before
anything is sent (the scripted gateway counts the requests); `--prompt-file` for prompts past
the OS argument limit; a closed or broken stdout never loses the task id.

Parsing cases run `main()` in-process (a non-UTF-8 argument reaches it as the lone surrogates
Python makes of it); file permissions and stdout's state need a real process.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from chainhub_aigc.cli import main
from tests.cli.conftest import CLI, cli_env
from tests.cli.gateway import Gateway, RawRun, Reply, created, task
from tests.data import IMAGE_ARGS, TASK_ID

MODEL = ["image", "--model", "GEM", "--version", "3.0"]


@pytest.fixture
def run(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Callable[..., RawRun]:
    """`main(argv)` in-process against the gateway; stdin from `stdin=` bytes."""

    def run(*argv: str, stdin: bytes = b"", base_url: str | None = None) -> RawRun:
        for name, value in cli_env(base_url or gateway.base_url).items():
            if name.startswith("CHAINHUB_"):
                monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err):  # argparse writes its errors to sys.stderr
            try:
                code = main(list(argv), stdout=out, stderr=err)
            except SystemExit as exc:
                code = int(exc.code or 0)
        encode = functools.partial(str.encode, errors="backslashreplace")
        return RawRun(code, encode(out.getvalue()), encode(err.getvalue()), time.monotonic())

    return run


def assert_usage_error(run_code: int, stderr: bytes, option: str) -> None:
    text = stderr.decode()
    assert run_code == 2, text
    assert len(text.strip().splitlines()) == 1, text
    assert option in text and "Traceback" not in text


def assert_nothing_sent(gateway: Gateway) -> None:
    assert gateway.requests == []


# -- --out: checked before a task is created (and billed) --------------------------------------


def test_out_that_is_a_file_exits_2_and_creates_nothing(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    file = tmp_path / "file"
    file.write_text("")
    done = run(*IMAGE_ARGS, "--out", str(file))
    assert_usage_error(done.code, done.stderr, "--out")
    assert b"is not a directory" in done.stderr
    assert_nothing_sent(gateway)


def test_out_under_a_file_exits_2_and_creates_nothing(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    file = tmp_path / "file"
    file.write_text("")
    done = run(*IMAGE_ARGS, "--wait", "--out", str(file / "sub" / "dir"))
    assert_usage_error(done.code, done.stderr, "--out")
    assert b"cannot create" in done.stderr
    assert_nothing_sent(gateway)


def test_read_only_out_exits_2_and_creates_nothing(gateway: Gateway, tmp_path: Path) -> None:
    """A read-only directory, also for root: as root, the command runs without the
    capabilities that bypass file permissions (setpriv drops them from its bounding set)."""
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv is not None, "root needs setpriv (util-linux) to test permissions"
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    result = subprocess.run(
        [*prefix, CLI, *IMAGE_ARGS, "--out", str(out / "new")], env=cli_env(gateway.base_url),
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert_usage_error(result.returncode, result.stderr, "--out")
    assert b"cannot write into" in result.stderr
    assert_nothing_sent(gateway)
    assert list(out.iterdir()) == []


def test_usable_out_that_does_not_exist_yet_is_accepted(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    """The check leaves nothing behind; the download makes the directory."""
    gateway.query = lambda n: task("FINISH", files=[{"FileUrl": gateway.file_url("x.png")}])
    gateway.files["x.png"] = Reply(body="image bytes")
    out = tmp_path / "a" / "b"
    done = run(*IMAGE_ARGS, "--out", str(out), "--json")
    assert done.code == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a"]
    assert [p.suffix for p in out.iterdir()] == [".png"]


# -- arguments that cannot be what they claim -----------------------------------------------


def test_non_utf8_prompt_exits_2_naming_the_option(
    gateway: Gateway, run: Callable[..., RawRun]
) -> None:
    done = run(*MODEL, "--prompt", os.fsdecode(b"a \xff fox"))
    assert_usage_error(done.code, done.stderr, "--prompt")
    assert b"not valid UTF-8" in done.stderr and b"\\udcff" in done.stderr
    assert_nothing_sent(gateway)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://[::1", b"not a valid URL"),
        ("http://127.0.0.1:99999", b"not a valid URL"),
        ("http://127.0.0.1:1/?x=1", b"a query"),
        ("http://127.0.0.1:1/#top", b"a fragment"),
        ("http://user:pw@127.0.0.1:1", b"credentials"),
        ("ftp://127.0.0.1", b"http(s)"),
    ],
)
def test_bad_base_url_exits_2_naming_the_option(
    gateway: Gateway, run: Callable[..., RawRun], url: str, why: bytes
) -> None:
    done = run(*IMAGE_ARGS, "--base-url", url)
    assert_usage_error(done.code, done.stderr, "--base-url")
    assert why in done.stderr
    assert_nothing_sent(gateway)


def test_bad_base_url_in_the_environment_names_the_variable(run: Callable[..., RawRun]) -> None:
    done = run("status", TASK_ID, base_url="http://[::1")
    assert_usage_error(done.code, done.stderr, "CHAINHUB_BASE_URL")


@pytest.mark.parametrize(
    "task_id", ["..", ".", "a/b", "a\\b", "", " ", "a b", "id\x1b[2J", "id\u202e", "id\udcff"]
)
def test_impossible_task_id_exits_2_before_any_request(
    gateway: Gateway, run: Callable[..., RawRun], task_id: str
) -> None:
    for command in ("status", "wait", "download"):
        done = run(command, task_id, *(["--out", "."] if command == "download" else []))
        assert_usage_error(done.code, done.stderr, "TASK_ID")
        assert b"\x1b" not in done.stderr and "\u202e".encode() not in done.stderr
    assert_nothing_sent(gateway)


def test_api_key_that_cannot_be_a_header_is_refused_without_showing_it(
    gateway: Gateway, run: Callable[..., RawRun]
) -> None:
    done = run(*IMAGE_ARGS, "--api-key", "sk-s\u00e9cret-key")
    assert_usage_error(done.code, done.stderr, "--api-key")
    assert b"cret-key" not in done.stderr
    assert_nothing_sent(gateway)


# -- --prompt-file ----------------------------------------------------------------------------


def _sent_prompt(gateway: Gateway) -> object:
    (body,) = gateway.bodies
    return json.loads(body)["prompt"]


def test_prompt_file_sends_a_prompt_past_the_argument_limit(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    """Linux caps one argument at 128 KiB (MAX_ARG_STRLEN): 300 KiB only fits through a file."""
    prompt = "a red fox \u72d0 " * 25_000
    with pytest.raises(OSError, match="Argument list too long"):
        subprocess.run([CLI, *MODEL, "--prompt", prompt], check=False, capture_output=True)
    path = tmp_path / "prompt.txt"
    path.write_text(prompt + "\n", encoding="utf-8")
    done = run(*MODEL, "--prompt-file", str(path), "--json")
    assert done.code == 0, done.stderr
    assert _sent_prompt(gateway) == prompt  # the trailing newline of the file is dropped


def test_prompt_file_dash_reads_stdin(gateway: Gateway, run: Callable[..., RawRun]) -> None:
    done = run(*MODEL, "--prompt-file", "-", stdin="un renard \u00e9\n".encode())
    assert done.code == 0, done.stderr
    assert _sent_prompt(gateway) == "un renard \u00e9"


def test_prompt_file_must_be_utf8(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("un renard \u00e9".encode("latin-1"))
    done = run(*MODEL, "--prompt-file", str(path))
    assert_usage_error(done.code, done.stderr, "--prompt-file")
    assert b"not valid UTF-8 (byte 0xe9 at offset 10)" in done.stderr
    assert_nothing_sent(gateway)


def test_prompt_file_that_cannot_be_read(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    done = run(*MODEL, "--prompt-file", str(tmp_path / "missing"))
    assert_usage_error(done.code, done.stderr, "--prompt-file")
    assert b"No such file" in done.stderr
    assert_nothing_sent(gateway)


def test_prompt_and_prompt_file_are_exclusive_and_one_is_required(
    gateway: Gateway, run: Callable[..., RawRun], tmp_path: Path
) -> None:
    path = tmp_path / "p.txt"
    path.write_text("x")
    both = run(*MODEL, "--prompt", "x", "--prompt-file", str(path))
    assert_usage_error(both.code, both.stderr, "not allowed with argument")
    neither = run(*MODEL)
    assert_usage_error(neither.code, neither.stderr, "--prompt-file")
    assert_nothing_sent(gateway)


# -- stdout closed or a broken pipe: the task id still reaches the user ----------------------


def test_broken_pipe_puts_the_task_id_on_stderr(gateway: Gateway) -> None:
    """`chainhub-aigc image ... | head -c0`, without the race: the pipe's reader is closed
    before the command starts."""
    gateway.create = created(TASK_ID)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [CLI, *IMAGE_ARGS], env=cli_env(gateway.base_url), stdout=write_end,
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    stderr = result.stderr.decode()
    assert result.returncode == 141, stderr
    assert f"created image task {TASK_ID}" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


@pytest.mark.parametrize("json_mode", [False, True])
def test_closed_stdout_puts_the_task_id_on_stderr(gateway: Gateway, json_mode: bool) -> None:
    flags = ["--json"] if json_mode else []
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", CLI, *IMAGE_ARGS, *flags],
        env=cli_env(gateway.base_url), capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    stderr = result.stderr.decode()
    assert result.returncode == 141, stderr
    assert TASK_ID in stderr and "Traceback" not in stderr
    assert gateway.count("POST") == 1
