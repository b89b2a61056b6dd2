"""Each command and exit code, through the real entry point in a subprocess, against a live mock
on loopback; --json output checked against the spec's shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator

from chainhub_aigc._spec import load_spec
from chainhub_aigc.mock import MockServer
from tests.cli.conftest import run_cli
from tests.data import IMAGE_ARGS, PNG_SIGNATURE, UNKNOWN_TASK_ID, VIDEO_ARGS

IMAGE = IMAGE_ARGS
VIDEO = [*VIDEO_ARGS, "--duration", "5"]


def assert_matches_schema(data: Any, schema_name: str) -> None:
    spec = load_spec()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    errors = [e.message for e in OAS30Validator(schema).iter_errors(data)]
    assert errors == []


def _task_count(mock: MockServer) -> int:
    return len(mock.state.tasks)


def test_image_without_wait_prints_the_task_id(mock: MockServer) -> None:
    run = run_cli(mock.base_url, *IMAGE)
    assert run.code == 0, run.stderr
    assert "created image task" in run.stdout and "-AigcImageTask-" in run.stdout


def test_image_json_is_one_document_in_the_spec_shape(mock: MockServer) -> None:
    run = run_cli(mock.base_url, *IMAGE, "--json")
    assert run.code == 0, run.stderr
    data = run.json()
    assert data["task_id"].split("-")[1] == "AigcImageTask"
    assert len(data["session_id"]) <= 50
    assert_matches_schema(data["response"], "CreateTaskResponse")


def test_image_wait_out_writes_a_png(mock: MockServer, tmp_path: Path) -> None:
    run = run_cli(mock.base_url, *IMAGE, "--wait", "--out", str(tmp_path), "--json")
    assert run.code == 0, run.stderr
    data = run.json()
    assert data["status"] == "FINISH"
    assert_matches_schema(data["response"], "TaskDetailResponse")
    (saved,) = data["downloaded"]
    assert Path(saved).parent == tmp_path
    assert Path(saved).read_bytes().startswith(PNG_SIGNATURE)


def test_video_wait_downloads_the_video(mock: MockServer, tmp_path: Path) -> None:
    run = run_cli(mock.base_url, *VIDEO, "--audio", "--first-frame", "https://example.com/a.png",
                  "--out", str(tmp_path))  # fmt: skip
    assert run.code == 0, run.stderr
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".mp4" and files[0].stat().st_size > 0
    assert f"saved {files[0]}" in run.stdout


def test_status_wait_and_download_of_an_existing_task(mock: MockServer, tmp_path: Path) -> None:
    task_id = run_cli(mock.base_url, *IMAGE, "--json").json()["task_id"]
    status = run_cli(mock.base_url, "status", task_id, "--json")
    assert status.code == 0, status.stderr
    assert status.json()["task_id"] == task_id
    assert_matches_schema(status.json()["response"], "TaskDetailResponse")
    waited = run_cli(mock.base_url, "wait", task_id)
    assert waited.code == 0 and f"task {task_id}: FINISH" in waited.stdout
    download = run_cli(mock.base_url, "download", task_id, "--out", str(tmp_path))
    assert download.code == 0, download.stderr
    assert [p.suffix for p in tmp_path.iterdir()] == [".png"]


def test_status_human_output(mock: MockServer) -> None:
    task_id = run_cli(mock.base_url, *IMAGE, "--json").json()["task_id"]
    run = run_cli(mock.base_url, "status", task_id)
    assert run.code == 0
    assert run.stdout.startswith(f"task {task_id}: ")


def test_failed_task_exits_1(failing_mock: MockServer) -> None:
    run = run_cli(failing_mock.base_url, *IMAGE, "--wait", "--json")
    assert run.code == 1, run.stderr
    error = run.json()["error"]
    assert error["type"] == "TaskFailedError" and error["exit_code"] == 1
    assert run.stderr.count("\n") >= 1 and "Traceback" not in run.stderr


def test_unknown_task_exits_3(mock: MockServer) -> None:
    run = run_cli(mock.base_url, "status", UNKNOWN_TASK_ID)
    assert run.code == 3
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_wrong_key_exits_3_and_never_prints_the_key(mock: MockServer) -> None:
    run = run_cli(mock.base_url, *IMAGE, token="sk-wrong-secret-key")
    assert run.code == 3
    assert "api-key" in run.stderr or "API_KEY" in run.stderr
    assert "sk-wrong-secret-key" not in run.stdout + run.stderr


def test_network_error_exits_3() -> None:
    run = run_cli("http://127.0.0.1:9", "status", "x", "--max-retries", "0")
    assert run.code == 3
    assert len(run.stderr.strip().splitlines()) == 1


def test_wait_timeout_exits_4_and_says_how_to_resume(never_mock: MockServer) -> None:
    task_id = run_cli(never_mock.base_url, *IMAGE, "--json").json()["task_id"]
    run = run_cli(never_mock.base_url, "wait", task_id, "--timeout", "1.5")
    assert run.code == 4
    assert f"chainhub-aigc wait {task_id}" in run.stderr


def test_missing_api_key_exits_2(mock: MockServer) -> None:
    run = run_cli(mock.base_url, *IMAGE, token=None)
    assert run.code == 2
    assert "CHAINHUB_API_KEY" in run.stderr


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--priority", "11"], "tasks_priority"),
        (["--session-id", "x" * 51], "session_id"),
        (["--session-context", "x" * 1001], "session_context"),
    ],
)
def test_out_of_range_values_exit_2_before_any_request(
    mock: MockServer, args: list[str], field: str
) -> None:
    before = _task_count(mock)
    run = run_cli(mock.base_url, *IMAGE, *args)
    assert run.code == 2
    assert field in run.stderr
    assert _task_count(mock) == before


def test_video_limits_exit_2(mock: MockServer) -> None:
    before = _task_count(mock)
    run = run_cli(mock.base_url, *VIDEO, "--media-name", "m" * 65)
    assert run.code == 2 and "media_name" in run.stderr
    assert _task_count(mock) == before


def test_closed_sets_are_argparse_choices(mock: MockServer) -> None:
    run = run_cli(mock.base_url, *IMAGE, "--storage-mode", "Forever")
    assert run.code == 2
    assert "Temporary" in run.stderr and "Permanent" in run.stderr


def test_unknown_model_names_are_accepted(mock: MockServer) -> None:
    """model_name and model_version are open: a model Tencent adds tomorrow works today."""
    run = run_cli(mock.base_url, "image", "--model", "BrandNewModel", "--version", "9.9-beta",
                  "--prompt", "x", "--json")  # fmt: skip
    assert run.code == 0, run.stderr


def test_help_text_comes_from_the_spec() -> None:
    run = run_cli("http://127.0.0.1:9", "video", "--help")
    assert run.code == 0
    help_text = " ".join(run.stdout.split())  # argparse wraps lines
    assert "GV: Google Veo; OS: OpenAI Sora;" in help_text  # the overlay's model_name description
    assert "Known values: Hailuo 02, 2.3 and 2.3-fast" in help_text
    assert "{Enabled,Disabled}" in run.stdout  # a closed set from the spec's enum


def test_module_entry_point_works(mock: MockServer) -> None:
    import subprocess
    import sys

    from tests.cli.conftest import cli_env

    result = subprocess.run(
        [sys.executable, "-m", "chainhub_aigc", *IMAGE, "--json"],
        env=cli_env(mock.base_url), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_bad_wait_timeout_exits_2_before_any_request(mock: MockServer) -> None:
    before = _task_count(mock)
    run = run_cli(mock.base_url, *IMAGE, "--wait", "--timeout", "-1")
    assert run.code == 2 and "--timeout" in run.stderr
    assert _task_count(mock) == before  # no task was created (and billed)


def test_download_of_an_unfinished_task_exits_2_and_says_to_wait(
    never_mock: MockServer, tmp_path: Path
) -> None:
    task_id = run_cli(never_mock.base_url, *IMAGE, "--json").json()["task_id"]
    run = run_cli(never_mock.base_url, "download", task_id, "--out", str(tmp_path), "--json")
    assert run.code == 2
    assert f"chainhub-aigc wait {task_id} --out" in run.stderr
    assert run.json()["error"]["type"] == "TaskNotFinishedError"
    assert list(tmp_path.iterdir()) == []


def test_mock_without_the_mock_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Installed without [mock], `chainhub-aigc mock --port ...` names the extra, whatever the
    options (in-process: a None entry in sys.modules makes the import fail like a missing one)."""
    import sys

    from chainhub_aigc.cli import main

    monkeypatch.setitem(sys.modules, "chainhub_aigc.mock.__main__", None)
    assert main(["mock", "--host", "127.0.0.1", "--port", "4010", "--token", "t"]) == 2
    assert "pip install 'chainhub-aigc[mock]'" in capsys.readouterr().err
