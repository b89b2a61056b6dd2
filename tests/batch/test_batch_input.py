"""`chainhub-aigc batch` with bad input: exit 2 naming the line (and field), nothing sent.

"Nothing sent" is checked at the socket: the base URL points at a listening socket that never
accepts, so any connection attempt would wait in its backlog; after the command, none is there.
"""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainhub_aigc.batch import BatchInputError, parse_jobs
from chainhub_aigc.cli import main

GOOD = {"model_name": "GEM", "model_version": "3.0", "prompt": "a fox"}


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server
    server.close()


def attempts(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def run(tmp_path: Path, server: socket.socket, lines: list[str], *extra: str) -> tuple[int, str]:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    port = server.getsockname()[1]
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(
        [
            "batch",
            str(jobs),
            "--out",
            str(tmp_path / "out"),
            "--api-key",
            "k",
            "--base-url",
            f"http://127.0.0.1:{port}",
            *extra,
        ],
        stdout=stdout,
        stderr=stderr,
    )
    return code, stderr.getvalue()


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("{not json", "line 2: not JSON"),
        (json.dumps({**GOOD, "colour": "red"}), "line 2: colour: unknown field"),
        (json.dumps({**GOOD, "tasks_priority": 99}), "line 2: tasks_priority: outside -10..10"),
        (json.dumps({**GOOD, "kind": "audio"}), "line 2: kind: 'audio' is not one of"),
        (json.dumps({**GOOD, "id": "../up"}), "line 2: id: '../up' is reserved"),
        (json.dumps({**GOOD, "id": "a/b"}), "line 2: id: 'a/b' is not a safe directory name"),
        (json.dumps({**GOOD, "id": "first"}), "line 2: id: 'first' is already the id of line 1"),
        (json.dumps({**GOOD, "session_id": "mine"}), "line 2: session_id: set by the batch"),
        (
            json.dumps({"kind": "video", **GOOD, "output_config": {"duration": "5"}}),
            "line 2: output_config.duration: not a number",
        ),
        ("[1, 2]", "line 2: not a JSON object"),
    ],
)
def test_a_bad_line_exits_2_naming_it_and_nothing_is_sent(
    tmp_path: Path, listener: socket.socket, bad_line: str, expected: str
) -> None:
    lines = [json.dumps({"id": "first", **GOOD}), bad_line, json.dumps(GOOD)]
    code, stderr = run(tmp_path, listener, lines)
    assert code == 2
    assert expected in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert attempts(listener) == 0
    assert not (tmp_path / "out" / ".journal.sqlite").exists()


def test_skip_invalid_reports_the_bad_lines_and_keeps_the_good_ones() -> None:
    lines = [json.dumps(GOOD), "{", "", json.dumps({**GOOD, "kind": "video", "id": "v"})]
    jobs, problems = parse_jobs(lines, skip_invalid=True)
    assert [job.id for job in jobs] == ["1", "v"]
    assert [job.kind for job in jobs] == ["image", "video"]
    assert [(p.line, p.rule.split(" ")[0]) for p in problems] == [(2, "not")]
    with pytest.raises(BatchInputError, match="line 2"):
        parse_jobs(lines)


def test_an_unreadable_jobs_file_exits_2(tmp_path: Path, listener: socket.socket) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_bytes(b'{"prompt": "\xff"}\n')
    stderr = io.StringIO()
    code = main(
        [
            "batch",
            str(jobs),
            "--out",
            str(tmp_path / "out"),
            "--api-key",
            "k",
            "--base-url",
            f"http://127.0.0.1:{listener.getsockname()[1]}",
        ],
        stdout=io.StringIO(),
        stderr=stderr,
    )
    assert code == 2 and "cannot read" in stderr.getvalue()
    assert attempts(listener) == 0
