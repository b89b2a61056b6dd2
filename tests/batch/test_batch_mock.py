"""`chainhub-aigc batch` against the mock, as separate processes: a batch under the limits,
and the crash drill (SIGKILL at several points, then the same command again).

The kill points come from the batch's test hook (CHAINHUB_AIGC_BATCH_KILL_AT, see
chainhub_aigc.batch): the process kills itself with SIGKILL at the N-th time it reaches a point,
so no sleep races the batch. The mock is the judge of "at most once": it counts the tasks and
the create requests of every session_id.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from chainhub_aigc.batch import KILL_HOOK_ENV
from tests.conftest import RunMockCli
from tests.data import ROOT

TOKEN = "batch-token"


def write_jobs(path: Path, count: int, *, videos: int = 0) -> None:
    lines = []
    for index in range(count):
        job: dict[str, Any] = {
            "id": f"job-{index:03d}",
            "model_name": "GEM",
            "model_version": "3.0",
            "prompt": f"a fox, take {index}",
        }
        if index < videos:
            job.update(kind="video", model_name="Kling", model_version="2.1")
            job["output_config"] = {"duration": 5}
        lines.append(json.dumps(job))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_batch_cli(
    url: str, jobs: Path, out: Path, *options: str, kill_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != KILL_HOOK_ENV}
    if kill_at is not None:
        env[KILL_HOOK_ENV] = kill_at
    command = [sys.executable, "-m", "chainhub_aigc", "batch", str(jobs), "--out", str(out)]
    command += ["--api-key", TOKEN, "--base-url", url, "--json", *options]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def mock_state(url: str) -> dict[str, Any]:
    answer = httpx.get(f"{url}/_mock/tasks", headers={"Authorization": f"Bearer {TOKEN}"})
    answer.raise_for_status()
    state: dict[str, Any] = answer.json()
    return state


def creating(out: Path) -> set[str]:
    """The jobs the journal shows as being created (a create sent, or about to be)."""
    with contextlib.closing(sqlite3.connect(out / ".journal.sqlite")) as db:
        return {row[0] for row in db.execute("SELECT id FROM jobs WHERE state='creating'")}


def results(out: Path) -> list[dict[str, Any]]:
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_200_jobs_under_the_vendors_limits_draw_no_429(
    tmp_path: Path, run_mock_cli: RunMockCli
) -> None:
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 200, videos=10)
    options = ("--token", TOKEN, "--mode", "deterministic", "--finish-after", "2")
    with run_mock_cli(*options, "--rate-limits", "20,100") as mock:
        done = run_batch_cli(mock.url, jobs, out)  # the client's defaults: the spec's 20, 100
        state = mock_state(mock.url)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["jobs"], summary["done"]) == (200, 200)
    assert state["rate_limited"] == {"create": 0, "query": 0}
    lines = results(out)
    assert [line["id"] for line in lines] == [f"job-{i:03d}" for i in range(200)]
    assert all(line["status"] == "done" and line["error"] is None for line in lines)
    for line in lines:
        assert len(line["files"]) == 1 and (out / line["files"][0]).stat().st_size > 0
        assert line["files"][0].startswith(line["id"] + "/")
    assert len(state["Tasks"]) == 200
    assert set(state["SessionCreates"].values()) == {1}


# One batch, stopped five times in a row, each run resuming the last: SIGKILL before its first
# create, mid-creates (a create answered, the answer not journaled), mid-waits, mid-downloads,
# and a Ctrl-C (SIGINT: exit 130, the command to resume printed).
KILLS = [
    ("create:1", -9),
    ("created:6", -9),
    ("finished:2:SIGINT", 130),
    ("finished:3", -9),
    ("downloaded:3", -9),
]


def test_crash_drill_stopped_five_times_then_rerun_bills_each_job_at_most_once(
    tmp_path: Path, run_mock_cli: RunMockCli
) -> None:
    fast = ("--creates-per-second", "200", "--queries-per-second", "1000")
    options = ("--token", TOKEN, "--mode", "deterministic", "--finish-after", "2")
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 24, videos=2)
    in_flight: set[str] = set()
    with run_mock_cli(*options) as mock:
        for point, code in KILLS:
            killed = run_batch_cli(mock.url, jobs, out, *fast, kill_at=point)
            assert killed.returncode == code, (point, killed.stderr)
            if code == 130:
                assert "Resume with: chainhub-aigc batch" in killed.stderr
            assert not (out / "results.jsonl").exists()
            in_flight |= creating(out)  # journaled before sending, no answer journaled
            if point == "create:1":
                assert mock_state(mock.url)["Tasks"] == []  # killed before sending anything
        rerun = run_batch_cli(mock.url, jobs, out, *fast)
        state = mock_state(mock.url)
        lines = results(out)
        assert len(lines) == 24
        statuses = [line["status"] for line in lines]
        may_exist = {line["id"] for line in lines if line["status"] == "may_exist"}
        assert statuses.count("done") + len(may_exist) == 24, lines
        # Only creates in flight at a kill may end so; the killed create's answer was lost,
        # so its retry was a duplicate: at least that one.
        assert len(may_exist) >= 1 and may_exist <= in_flight, (may_exist, in_flight)
        assert rerun.returncode == 1, rerun.stderr
        by_session: dict[str, int] = {}
        for task in state["Tasks"]:
            by_session[task["SessionId"]] = by_session.get(task["SessionId"], 0) + 1
        assert len(by_session) == len(state["Tasks"]) == 24  # one task per job, none else
        for line in lines:
            assert by_session.get(line["session_id"]) == 1, line
            if line["status"] == "done":
                assert len(line["files"]) == 1 and (out / line["files"][0]).is_file()
            else:
                assert "duplicate" in line["error"] and line["task_id"] is None
        # Once more: nothing is sent again, every job has ended in the journal.
        again = run_batch_cli(mock.url, jobs, out, *fast)
        assert again.returncode == 1
        assert results(out) == lines
        assert mock_state(mock.url)["SessionCreates"] == state["SessionCreates"]


def test_a_journal_of_other_jobs_is_refused(tmp_path: Path, run_mock_cli: RunMockCli) -> None:
    jobs, out = tmp_path / "jobs.jsonl", tmp_path / "out"
    write_jobs(jobs, 3)
    fast = ("--creates-per-second", "200", "--queries-per-second", "1000")
    with run_mock_cli("--token", TOKEN, "--mode", "deterministic", "--finish-after", "1") as mock:
        first = run_batch_cli(mock.url, jobs, out, *fast)
        assert first.returncode == 0, first.stderr
        text = jobs.read_text(encoding="utf-8").replace("take 1", "take one")
        jobs.write_text(text, encoding="utf-8")
        changed = run_batch_cli(mock.url, jobs, out, *fast)
        tasks = len(mock_state(mock.url)["Tasks"])
    assert changed.returncode == 2
    assert "job 'job-001' (line 2) changed" in changed.stderr
    assert tasks == 3
