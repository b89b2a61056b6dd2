"""One `st run` (the schemathesis command line) against the mock as a real process.

The mock runs as `python -m chainhub_aigc.mock --port 0` (it prints its URL when ready); `st
run` reads schemathesis.toml (token, seed, session_id hook), tests the built spec against
`--url` with every default check and all phases (examples, coverage, fuzzing, stateful), and
is bounded by `--max-examples 10` (the in-process schemathesis tests of tests/contract/ do the
bulk of the generation; this run proves the real process and the CLI path) and a timeout. Its
exit code and its summary are checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import RunMockCli
from tests.data import BUILT_SPEC, ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _st() -> list[str]:
    st = Path(sys.executable).parent / "st"
    return [str(st)] if st.exists() else [sys.executable, "-m", "schemathesis.cli"]


def test_st_run_against_the_mock_process(run_mock_cli: RunMockCli) -> None:
    with run_mock_cli() as mock:
        result = subprocess.run(
            [
                *_st(),
                "run",
                str(BUILT_SPEC),
                "--url",
                mock.url,
                "--max-examples",
                "10",
                "--request-timeout",
                "10",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
        )
    output = ANSI.sub("", result.stdout + result.stderr)
    assert result.returncode == 0, output
    assert "No issues found" in output, output
    assert "Configuration:" in output and "schemathesis.toml" in output, output
    cases = re.search(r"(\d+) generated, (\d+) passed(?:, (\d+) skipped)?", output)
    assert cases, output
    generated, passed = int(cases.group(1)), int(cases.group(2))
    assert generated > 100 and passed == generated, output
    assert "failed" not in output.split("SUMMARY")[-1], output
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ +{phase}", output), f"phase {phase} did not pass:\n{output}"
    links = re.search(r"API Links: +(\d+) covered / (\d+) selected", output)
    assert links and links.group(1) == links.group(2) != "0", output
