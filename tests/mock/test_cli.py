"""`python -m chainhub_aigc.mock` as a real process: the ready line, options, a clean Ctrl-C;
and the functions the package's `chainhub-aigc mock` subcommand reuses."""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import sys

import httpx
import pytest

from chainhub_aigc.mock.__main__ import add_arguments, config_from_args, main, run_from_args
from tests.conftest import RunMockCli
from tests.data import AUTH, IMAGE, IMAGE_PATH, MOCK_TOKEN


def test_the_process_serves_and_stops_cleanly_on_ctrl_c(run_mock_cli: RunMockCli) -> None:
    with run_mock_cli("--token", "t1", "--token", "t2") as mock:
        assert mock.url.startswith("http://127.0.0.1:")
        assert httpx.get(mock.url + "/openapi.json").status_code == 200
        for token, status in (("t1", 200), ("t2", 200), (MOCK_TOKEN, 401)):
            response = httpx.post(
                mock.url + IMAGE_PATH,
                json=IMAGE,
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == status
        mock.process.send_signal(signal.SIGINT)
        assert mock.process.wait(timeout=15) == 0
    assert "Traceback" not in "".join(mock.output)


def test_options_reach_the_mock(run_mock_cli: RunMockCli) -> None:
    args = (
        "--mode",
        "timed",
        "--finish-after",
        "60-90",
        "--rate-limits",
        "1,100",
        "--fault-rate",
        "1",
        "--faults",
        "rate-limit",
        "--retry-after",
        "4",
        "--seed",
        "3",
        "--request-timeout",
        "2.5",
        "--max-store-bytes",
        "3M",
    )
    with run_mock_cli(*args) as mock:
        assert httpx.get(mock.url + "/_mock/tasks").status_code == 401  # the token is needed
        listing = httpx.get(mock.url + "/_mock/tasks", headers=AUTH).json()
        assert listing["Config"] == {
            "Mode": "timed",
            "FinishAfter": 60.0,
            "FinishAfterMax": 90.0,
            "RateLimits": [1.0, 100.0],
            "FaultRate": 1.0,
            "Faults": ["rate-limit"],
            "Seed": 3,
            "RequestTimeout": 2.5,
            "MaxStoreBytes": 3 * 1024 * 1024,
        }
        response = httpx.post(mock.url + IMAGE_PATH, json=IMAGE, headers=AUTH)
        assert response.status_code == 429 and response.headers["retry-after"] == "4"  # a fault
        # the one create token went to that request; the next is refused by --rate-limits
        response = httpx.post(mock.url + IMAGE_PATH, json=IMAGE, headers=AUTH)
        assert response.status_code == 429 and response.headers["retry-after"] == "1"
        assert "create rate limit" in response.json()["Response"]["Error"]["Message"]
        listing = httpx.get(mock.url + "/_mock/tasks", headers=AUTH).json()
        assert listing["rate_limited"] == {"create": 1, "query": 0}


def test_a_taken_port_is_a_clean_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "chainhub_aigc.mock", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "chainhub-aigc mock:" in result.stderr and "Traceback" not in result.stderr


def test_arguments_and_defaults() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = config_from_args(parser.parse_args([]))
    assert config.tokens == frozenset({MOCK_TOKEN}) and config.mode == "deterministic"
    assert config.finish_after == 2 and config.fault_rate == 0
    timed = config_from_args(parser.parse_args(["--mode", "timed"]))
    assert timed.finish_after == 5
    faulty = config_from_args(
        parser.parse_args(["--fault-rate", "0.2", "--faults", "drop, latency", "--seed", "7"])
    )
    assert faulty.faults == ("drop", "latency") and faulty.seed == 7
    assert config.rate_limits is None and config.finish_after_max is None
    ranged = config_from_args(
        parser.parse_args(["--mode", "timed", "--finish-after", "10-30", "--rate-limits", "20,100"])
    )
    assert (ranged.finish_after, ranged.finish_after_max) == (10, 30)
    assert ranged.rate_limits == (20, 100)
    for text, low in (("7", 7.0), ("2.5-2.5", 2.5), (" 0 ", 0.0)):
        single = config_from_args(parser.parse_args(["--finish-after", text]))
        assert (single.finish_after, single.finish_after_max) == (low, None)
    assert config.request_timeout == 5 and config.max_store_bytes == 64 * 1024 * 1024
    for text, size in (("1000", 1000), ("2k", 2048), ("64M", 64 << 20), ("1GiB", 1 << 30)):
        assert config_from_args(parser.parse_args(["--max-store-bytes", text])).max_store_bytes == (
            size
        )
    assert callable(run_from_args)


@pytest.mark.parametrize(
    "argv",
    [
        ["--fault-rate", "2"],
        ["--faults", "explode"],
        ["--mode", "fast"],
        ["--request-timeout", "0"],
        ["--request-timeout", "nan"],
        ["--max-store-bytes", "0"],
        ["--max-store-bytes", "-5M"],
        ["--max-store-bytes", "1.5G"],
    ],
)
def test_bad_arguments_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert argv[0] in capsys.readouterr().err  # the message names the option


@pytest.mark.parametrize(
    "argv",
    [
        ["--finish-after", "30-10"],
        ["--finish-after", "x"],
        ["--finish-after", "-1"],
        ["--finish-after", "10-"],
        ["--finish-after", "nan"],
        ["--rate-limits", "20"],
        ["--rate-limits", "20,0"],
        ["--rate-limits", "a,b"],
        ["--rate-limits", "20,100,5"],
    ],
)
def test_bad_ranges_and_limits_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    # one line names the option and quotes the value
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert argv[0] in error and repr(argv[1]) in error


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "X-Mock-Fault" in out and "--rate-limits CREATES,QUERIES" in out and "A-B" in out


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--latency", "100"], "latency"),
        (["--retry-after", "-1"], "retry"),
        (["--port", "99999"], "port"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(options: list[str], says: str) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "chainhub_aigc.mock", *options],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and says in result.stderr.lower()
