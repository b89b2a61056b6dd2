"""Spectral (`spectral:oas`) and Redocly (`recommended`) find no error in the built spec.

Each linter runs once, on the built spec and on one vendor document together: the vendor
document has known errors (defect 4 of API.md, `type: "null"`, and the queue-object example
of defect 3), so the same run shows that errors are read from the tool's output and counted,
and the built spec's zero is not an empty reading. Warnings are allowed (openapi/TOOLS.md
lists them).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.data import BUILT_SPEC, ROOT, VENDOR_DIR

_HERE = Path(__file__).resolve().parent
SPECTRAL_RULESET = _HERE / "spectral-oas.yaml"
VENDOR_DOC = VENDOR_DIR / "aigc-image.yaml"
_TIMEOUT = 180  # seconds: generous, Node's start on a loaded 2-core machine; only a hang hits it


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def _json_documents(text: str) -> list[Any]:
    """Every JSON document of `text` (Redocly prints one per linted file, back to back)."""
    decoder = json.JSONDecoder()
    documents: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return documents
        document, index = decoder.raw_decode(text, index)
        documents.append(document)


def _by_file(problems: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {BUILT_SPEC.name: [], VENDOR_DOC.name: []}
    for source, rule, message in problems:
        found.setdefault(Path(source).name, []).append(f"{rule}: {message}")
    return found


def test_spectral_oas_finds_no_error(spectral: Path) -> None:
    command = [str(spectral), "lint", "--ruleset", str(SPECTRAL_RULESET), "--format", "json"]
    command += ["--fail-severity", "error", str(BUILT_SPEC), str(VENDOR_DOC)]
    result = _run(command)
    assert result.stdout.strip().startswith("["), result.stdout + result.stderr
    errors = _by_file(
        [
            (problem["source"], problem["code"], problem["message"])
            for problem in json.loads(result.stdout)
            if problem["severity"] == 0  # Spectral: 0 error, 1 warning, 2 info, 3 hint
        ]
    )
    assert errors[BUILT_SPEC.name] == [], errors[BUILT_SPEC.name]
    assert any(e.startswith("oas3-schema:") for e in errors[VENDOR_DOC.name]), errors
    assert result.returncode == 1  # --fail-severity error: the vendor document's errors


def test_redocly_recommended_finds_no_error(redocly: Path) -> None:
    command = [str(redocly), "lint", "--extends", "recommended", "--format", "json"]
    command += [str(BUILT_SPEC), str(VENDOR_DOC)]
    quiet = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    result = _run(command, env=quiet)
    documents = _json_documents(result.stdout)
    assert len(documents) == 2, result.stdout + result.stderr
    errors = _by_file(
        [
            (problem["location"][0]["source"]["ref"], problem["ruleId"], problem["message"])
            for document in documents
            for problem in document["problems"]
            if problem["severity"] == "error"
        ]
    )
    assert errors[BUILT_SPEC.name] == [], errors[BUILT_SPEC.name]
    assert errors[VENDOR_DOC.name], "the vendor document's known errors were not reported"
