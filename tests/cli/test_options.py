"""The request options, in-process: derived from the spec (flag rule, collisions, types,
choices, required), the stable short flags and conveniences of the spec's `x-cli`, and the
generic `--file-infos JSON`."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from chainhub_aigc import __version__, cli
from chainhub_aigc._validation import SpecValidator


def body(*argv: str) -> dict[str, Any]:
    return cli._request_fields(cli.build_parser().parse_args(list(argv)))


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(list(argv))
    assert exited.value.code == 2
    return capsys.readouterr().err


IMAGE = ("image", "--model", "GEM", "--version", "3.0", "--prompt", "a fox")
VIDEO = ("video", "--model", "Kling", "--version", "2.1", "--prompt", "a car")
REQUIRED = {"model_name": "GEM", "model_version": "3.0", "prompt": "a fox"}


def test_todays_image_flags_build_the_same_body() -> None:
    argv = [*IMAGE, "--negative", "blur", "--priority", "3", "--aspect-ratio", "16:9",
            "--ref-url", "https://a/1.png", "--ref-file-id", "42",
            "--ref-url", "https://a/2.png"]  # fmt: skip
    assert body(*argv) == {
        **REQUIRED,
        "negative_prompt": "blur",
        "tasks_priority": 3,
        "output_config": {"aspect_ratio": "16:9"},
        "file_infos": [
            {"type": "Url", "url": "https://a/1.png"},
            {"type": "File", "file_id": "42"},
            {"type": "Url", "url": "https://a/2.png"},
        ],
    }


def test_todays_video_flags_build_the_same_body() -> None:
    argv = [*VIDEO, "--duration", "5", "--media-name", "car", "--ref-url", "https://a/r.png",
            "--first-frame", "https://a/f.png", "--last-frame", "https://a/l.png",
            "--audio"]  # fmt: skip
    assert body(*argv) == {
        "model_name": "Kling",
        "model_version": "2.1",
        "prompt": "a car",
        "last_frame_url": "https://a/l.png",
        "output_config": {"duration": 5.0, "media_name": "car", "audio_generation": "Enabled"},
        "file_infos": [  # the first frame goes first, wherever it is on the line
            {"type": "Url", "url": "https://a/f.png"},
            {"type": "Url", "url": "https://a/r.png"},
        ],
    }
    assert body(*VIDEO, "--audio", "--no-audio")["output_config"] == {
        "audio_generation": "Disabled"
    }


def test_spec_flags_and_short_flags_set_the_same_field() -> None:
    long = body("image", "--model-name", "GEM", "--model-version", "3.0", "--prompt", "p",
                "--negative-prompt", "n", "--tasks-priority", "-2")  # fmt: skip
    short = body("image", "--model", "GEM", "--version", "3.0", "--prompt", "p",
                 "--negative", "n", "--priority", "-2")  # fmt: skip
    assert long == short == {**REQUIRED, "prompt": "p", "negative_prompt": "n",
                             "tasks_priority": -2}  # fmt: skip


def test_new_fields_have_options() -> None:
    """The fields of overlay 52 (item 7) reach the CLI with no CLI change."""
    got = body(*VIDEO, "--last-frame-file-id", "F1",
               "--file-infos", '{"type": "Base64", "base64": "iVBORw0KGgo="}')  # fmt: skip
    assert got["last_frame_file_id"] == "F1"
    assert got["file_infos"] == [{"type": "Base64", "base64": "iVBORw0KGgo="}]


def test_types_choices_and_required_come_from_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert body(*VIDEO, "--duration", "7.5")["output_config"]["duration"] == 7.5
    assert "--priority: invalid int value" in usage_error(capsys, *IMAGE, "--priority", "high")
    err = usage_error(capsys, *IMAGE, "--person-generation", "Everyone")
    assert "AllowAdult" in err and "Disallowed" in err
    err = usage_error(capsys, "image", "--model", "GEM", "--version", "3.0")
    assert "--prompt" in err and "required" in err


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("{not json", "file_infos[]: not valid JSON"),
        ('["a list"]', "file_infos[]: not a JSON object"),
        ('{"url": 5}', "file_infos[].url not a string"),
        ('{"type": "Ftp"}', "file_infos[].type not one of File, Url, Base64"),
        ('{"uri": "x"}', "file_infos[].uri unknown field"),
    ],
)
def test_file_infos_json_is_checked_against_the_item_schema(
    capsys: pytest.CaptureFixture[str], value: str, words: str
) -> None:
    err = usage_error(capsys, *IMAGE, "--file-infos", value)
    assert words in err
    assert len(err.strip().splitlines()[-1]) < 300  # one line, not a traceback


def test_file_infos_json_keeps_the_order_given() -> None:
    first, second = {"type": "File", "file_id": "1"}, {"type": "Url", "url": "u"}
    got = body(*IMAGE, "--file-infos", json.dumps(first), "--ref-url", "u")
    assert got["file_infos"] == [first, second]


def test_version_is_the_programs_before_the_command_and_a_field_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"chainhub-aigc {__version__}"
    assert body(*IMAGE)["model_version"] == "3.0"


def test_help_is_grouped_and_shows_the_spec(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["video", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "request fields (from the spec):" in text
    assert "output_config fields:" in text
    assert "--model-name NAME, --model NAME" in text
    assert "--duration SECONDS The duration of the generated video, in seconds." in text
    assert "keys: type, file_id, text, url, base64" in text
    assert "Example value" not in text


# -- the flag rule, on a spec of our own -------------------------------------------------------

SPEC: dict[str, Any] = {
    "paths": {
        "/x": {
            "post": {
                "operationId": "createThing",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingRequest"}
                        }
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "ThingRequest": {
                "type": "object",
                "required": ["name", "timeout"],
                "properties": {
                    "name": {"type": "string"},
                    "timeout": {"type": "integer"},
                    "size_hint": {"type": "boolean"},
                    "a": {"$ref": "#/components/schemas/A"},
                    "b": {"$ref": "#/components/schemas/B"},
                },
            },
            "A": {
                "type": "object",
                "required": ["colour"],
                "properties": {
                    "name": {"type": "string"},
                    "size": {"type": "number"},
                    "colour": {"type": "string", "enum": ["red", "blue"]},
                },
            },
            "B": {"type": "object", "properties": {"size": {"type": "number"}}},
        }
    },
}


def test_flag_rule_and_collisions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "spec_validator", lambda: SpecValidator(SPEC))
    options = cli.field_options("createThing", reserved=frozenset({"--timeout", "--help"}))
    flags = {option.path: (option.flag, option.required) for option in options}
    assert flags == {
        ("name",): ("--name", True),
        ("timeout",): ("--field-timeout", True),  # the command's own --timeout keeps its flag
        ("size_hint",): ("--size-hint", False),
        ("a", "name"): ("--a-name", False),  # --name is the top-level field's
        ("a", "size"): ("--a-size", False),  # --size would be ambiguous between a and b
        ("a", "colour"): ("--colour", False),  # required in a, but a itself is optional
        ("b", "size"): ("--b-size", False),
    }
    assert [option.path for option in options][:2] == [("name",), ("timeout",)]  # required first


@pytest.mark.parametrize(("text", "value"), [("true", True), ("No", False), ("1", True)])
def test_boolean_fields_take_true_or_false(text: str, value: bool) -> None:
    assert cli._boolean(text) is value


def test_boolean_fields_reject_other_words() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="not true or false: 'maybe'"):
        cli._boolean("maybe")
