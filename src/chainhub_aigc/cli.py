"""The `chainhub-aigc` command line (also `python -m chainhub_aigc`).

    chainhub-aigc image --model GEM --version 3.0 --prompt "a red fox" --wait --out out/
    chainhub-aigc video --model Kling --version 2.1 --prompt "..." --duration 5 --wait
    chainhub-aigc status TASK_ID | wait TASK_ID [--out DIR] | download TASK_ID --out DIR
    chainhub-aigc mock --port 4010 --token dev-token

Every request option maps to a field of the spec: its help text is the field's description in
the packaged spec, its choices the field's enum where the set is closed, and its value is checked
by the SDK against the spec's limits before anything is sent. `--json` prints one JSON document on
stdout and nothing else there; progress goes to stderr (redrawn on a terminal, plain lines
elsewhere). Exit codes: 0 done, 1 task failed, 2 usage or validation error, 3 API or network
error, 4 wait timeout, 130 interrupted (the task id is printed so `wait` can resume).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from . import Client, __version__
from ._progress import DownloadDisplay, WaitDisplay
from ._validation import spec_validator
from .errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ChainhubError,
    ConfigurationError,
    MissingAPIKeyError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
    TaskMayExistError,
    WaitTimeoutError,
)
from .types import Task, TaskResult

EXIT_OK, EXIT_TASK_FAILED, EXIT_USAGE, EXIT_API, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130
DEFAULT_WAIT_TIMEOUT = 600.0


# -- options derived from the spec -------------------------------------------------------------


@dataclass(frozen=True)
class FieldOption:
    """A command-line option that sets one request field (`path` inside the request body)."""

    flag: str
    path: tuple[str, ...]
    required: bool = False
    metavar: str | None = None
    help_prefix: str = ""


IMAGE_OPTIONS = (
    FieldOption("--model", ("model_name",), required=True, metavar="NAME"),
    FieldOption("--version", ("model_version",), required=True, metavar="VERSION"),
    FieldOption("--prompt", ("prompt",), required=True, metavar="TEXT"),
    FieldOption("--negative", ("negative_prompt",), metavar="TEXT"),
    FieldOption("--enhance-prompt", ("enhance_prompt",)),
    FieldOption("--aspect-ratio", ("output_config", "aspect_ratio"), metavar="W:H"),
    FieldOption("--resolution", ("output_config", "resolution")),
    FieldOption("--storage-mode", ("output_config", "storage_mode")),
    FieldOption("--person-generation", ("output_config", "person_generation")),
    FieldOption("--input-compliance-check", ("output_config", "input_compliance_check")),
    FieldOption("--output-compliance-check", ("output_config", "output_compliance_check")),
    FieldOption("--session-id", ("session_id",), metavar="ID"),
    FieldOption("--session-context", ("session_context",), metavar="TEXT"),
    FieldOption("--priority", ("tasks_priority",), metavar="N"),
    FieldOption("--ext-info", ("ext_info",), metavar="TEXT"),
)
VIDEO_OPTIONS = (
    *IMAGE_OPTIONS,
    FieldOption("--duration", ("output_config", "duration"), metavar="SECONDS"),
    FieldOption("--media-name", ("output_config", "media_name"), metavar="NAME"),
    FieldOption("--enhance-switch", ("output_config", "enhance_switch")),
    FieldOption(
        "--last-frame",
        ("last_frame_url",),
        metavar="URL",
        help_prefix="URL of the image to end the video on (needs --first-frame). ",
    ),
)
PYTHON_TYPES: dict[str, Callable[[str], Any]] = {"integer": int, "number": float, "string": str}


def _field_schema(operation_id: str, path: Sequence[str]) -> Mapping[str, Any]:
    """The schema of a request field, following $ref and the single-$ref allOf of the enums."""
    validator = spec_validator()
    schema = validator.request_schema(operation_id)
    for name in path:
        schema = validator.resolve(schema["properties"][name])
    merged = dict(schema)
    for part in schema.get("allOf", []):
        merged = {**validator.resolve(part), **{k: v for k, v in merged.items() if k != "allOf"}}
    return merged


def _help_text(schema: Mapping[str, Any], prefix: str) -> str:
    """The first paragraph of the spec's description, without its example line, plus hints."""
    description = str(schema.get("description", "")).replace("%", "%%")
    lines = [
        line.strip()
        for line in description.split("\n\n")[0].splitlines()
        if not line.lower().startswith("example value")
    ]
    text = prefix + " ".join(line for line in lines if line)
    known = schema.get("x-known-values")
    if isinstance(known, list) and all(str(value) in text for value in known):
        return text  # the description already lists them
    if isinstance(known, list):
        text += f" Known: {', '.join(map(str, known))} (any value is accepted)."
    elif isinstance(known, dict) and "Known values" not in text:
        listed = "; ".join(f"{model} {', '.join(v)}" for model, v in known.items())
        text += f" Known: {listed} (any value is accepted)."
    return text


def _add_field_options(
    parser: argparse.ArgumentParser, operation_id: str, options: Sequence[FieldOption]
) -> None:
    group = parser.add_argument_group("request fields (from the spec)")
    for option in options:
        schema = _field_schema(operation_id, option.path)
        kwargs: dict[str, Any] = {
            "dest": "field:" + ".".join(option.path),
            "help": _help_text(schema, option.help_prefix),
            "type": PYTHON_TYPES.get(str(schema.get("type")), str),
            "required": option.required,
        }
        if "enum" in schema:  # a closed set: argparse lists and enforces it
            kwargs["choices"] = list(schema["enum"])
        else:
            kwargs["metavar"] = option.metavar or option.flag.lstrip("-").upper().replace("-", "_")
        group.add_argument(option.flag, **kwargs)


def _request_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The nested request body from the `field:a.b` options that were given."""
    body: dict[str, Any] = {}
    for key, value in vars(args).items():
        if not key.startswith("field:") or value is None:
            continue
        *parents, leaf = key.removeprefix("field:").split(".")
        node = body
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return body


# -- the parser ----------------------------------------------------------------------------------


def _common_options() -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection and output")
    group.add_argument(
        "--api-key", default=argparse.SUPPRESS, help="the API key (default: $CHAINHUB_API_KEY)"
    )
    group.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        help="the gateway (default: $CHAINHUB_BASE_URL, else the spec's server)",
    )
    group.add_argument(
        "--http-timeout",
        type=_seconds,
        default=argparse.SUPPRESS,
        metavar="SECONDS",
        help="timeout of each HTTP request (default 60)",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="retries of a failed request (default 2)",
    )
    group.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout, nothing else there",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and the SDK's debug log",
    )
    return common


def _seconds(text: str) -> float:
    """An argparse type: a finite number of seconds >= 0 (checked before anything is sent)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def _wait_options(parser: argparse.ArgumentParser, *, with_flag: bool) -> None:
    group = parser.add_argument_group("waiting")
    if with_flag:
        group.add_argument("--wait", action="store_true", help="wait until the task is done")
    group.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="download the output files into DIR (implies --wait)",
    )
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up waiting after this long (default {DEFAULT_WAIT_TIMEOUT:.0f})",
    )


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="chainhub-aigc",
        description="Generate images and videos with the Tencent VOD AIGC API through chainhub.",
        parents=[common],
        epilog="Exit codes: 0 done, 1 task failed, 2 usage or validation error, "
        "3 API or network error, 4 wait timeout, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"chainhub-aigc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    image = commands.add_parser("image", parents=[common], help="create an image task")
    _add_field_options(image, "createImageTask", IMAGE_OPTIONS)
    image.add_argument(
        "--ref-url",
        action="append",
        default=[],
        metavar="URL",
        help="a reference image by URL (repeatable)",
    )
    image.add_argument(
        "--ref-file-id",
        action="append",
        default=[],
        metavar="ID",
        help="a reference image by VOD FileId (repeatable)",
    )
    _wait_options(image, with_flag=True)

    video = commands.add_parser("video", parents=[common], help="create a video task")
    _add_field_options(video, "createVideoTask", VIDEO_OPTIONS)
    video.add_argument(
        "--first-frame", metavar="URL", help="URL of the image to start the video from"
    )
    video.add_argument(
        "--ref-url",
        action="append",
        default=[],
        metavar="URL",
        help="a source image by URL (repeatable)",
    )
    audio = _field_schema("createVideoTask", ("output_config", "audio_generation"))
    video.add_argument(
        "--audio",
        dest="field:output_config.audio_generation",
        action="store_const",
        const="Enabled",
        help=f"generate audio (audio_generation=Enabled). {_help_text(audio, '')}",
    )
    video.add_argument(
        "--no-audio",
        dest="field:output_config.audio_generation",
        action="store_const",
        const="Disabled",
        help="no audio (audio_generation=Disabled)",
    )
    _wait_options(video, with_flag=True)

    status = commands.add_parser("status", parents=[common], help="show a task's status")
    status.add_argument("task_id", metavar="TASK_ID")

    wait = commands.add_parser(
        "wait", parents=[common], help="wait for a task, then optionally download"
    )
    wait.add_argument("task_id", metavar="TASK_ID")
    _wait_options(wait, with_flag=False)

    download = commands.add_parser(
        "download", parents=[common], help="download a finished task's files"
    )
    download.add_argument("task_id", metavar="TASK_ID")
    download.add_argument(
        "--out", type=Path, metavar="DIR", required=True, help="the directory to write into"
    )

    mock = commands.add_parser(
        "mock", help="run the mock server (needs the [mock] extra)", add_help=True
    )
    _add_mock_arguments(mock)
    return parser


def _add_mock_arguments(parser: argparse.ArgumentParser) -> None:
    try:
        from .mock.__main__ import add_arguments
    except ImportError:  # installed without the [mock] extra: say so when used, whatever options
        parser.set_defaults(mock_missing=True)  # its options are then ignored: see main()
        return
    add_arguments(parser)


# -- running -------------------------------------------------------------------------------------


class Output:
    """Where the command writes: JSON on stdout with --json, human text otherwise."""

    def __init__(self, json_mode: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.json_mode = json_mode
        self.stdout = stdout
        self.stderr = stderr
        self.tty = stderr.isatty()

    def result(self, human: str, data: Mapping[str, Any]) -> None:
        if self.json_mode:
            self.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            self.stdout.write(human + "\n")
        self.stdout.flush()

    def info(self, text: str) -> None:
        if not self.json_mode or self.tty:
            self.stderr.write(text + "\n")
            self.stderr.flush()


def _client(args: argparse.Namespace) -> Client:
    options: dict[str, Any] = {}
    for name, key in (
        ("api_key", "api_key"),
        ("base_url", "base_url"),
        ("http_timeout", "timeout"),
        ("max_retries", "max_retries"),
    ):
        if name in args:
            options[key] = getattr(args, name)
    return Client(**options)


def _task_json(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "task_type": task.task_type,
        "status": task.status,
        "progress": task.progress,
        "files": [
            {"url": f.url, "type": f.file_type, "size": f.size, "expire_time": f.expire_time}
            for f in task.files
        ],
        "response": task.raw_json,
    }


def _task_human(task: Task) -> str:
    progress = f" {task.progress}%" if task.progress is not None else ""
    lines = [f"task {task.task_id}: {task.status}{progress}"]
    if task.is_failed:
        why = " ".join(str(x) for x in (task.err_code, task.err_code_ext, task.message) if x)
        lines.append(f"  failed: {why}")
    for file in task.files:
        expiry = f"  (expires {file.expire_time})" if file.expire_time else ""
        lines.append(f"  {file.url}{expiry}")
    return "\n".join(lines)


def _wait(client: Client, task_id: str, timeout: float, out: Output) -> TaskResult:
    """Wait with a live display on stderr (none with --json unless stderr is a terminal)."""
    show = not out.json_mode or out.tty
    with WaitDisplay(task_id, out.stderr, out.tty, enabled=show) as display:
        return client.tasks.wait(
            task_id, timeout=timeout, on_progress=lambda t: display.update(t.status, t.progress)
        )


def _download(result: TaskResult, directory: Path, out: Output) -> list[Path]:
    """Download with a byte counter and speed per file on stderr."""
    count = len(result.files)
    show = not out.json_mode or out.tty
    displays = [
        DownloadDisplay(f"file {i + 1}/{count}", out.stderr, out.tty, enabled=show)
        for i in range(count)
    ]
    return result.download(
        directory,
        on_bytes=lambda index, done, total: displays[index].update(done, total),
        on_file=lambda index, path, size: displays[index].finish(size, size, str(path)),
    )


def _finished(task: Task, paths: list[Path], out: Output) -> int:
    data = _task_json(task)
    data["downloaded"] = [str(p) for p in paths]
    human = _task_human(task) + "".join(f"\n  saved {p}" for p in paths)
    out.result(human, data)
    return EXIT_OK


def _run_create(args: argparse.Namespace, out: Output, kind: str) -> int:
    fields = _request_fields(args)
    first_frame = [args.first_frame] if getattr(args, "first_frame", None) else []
    refs = [{"type": "Url", "url": url} for url in first_frame + args.ref_url]
    refs += [{"type": "File", "file_id": fid} for fid in getattr(args, "ref_file_id", [])]
    if refs:
        fields["file_infos"] = refs
    with _client(args) as client:
        resource = client.images if kind == "image" else client.videos
        created = resource.create(**fields)
        if not (args.wait or args.out):
            out.result(
                f"created {kind} task {created.task_id}\n"
                f"  follow it: chainhub-aigc wait {created.task_id}",
                {
                    "task_id": created.task_id,
                    "request_id": created.request_id,
                    "session_id": created.session_id,
                    "response": created.raw_json,
                },
            )
            return EXIT_OK
        out.info(f"created {kind} task {created.task_id} (session {created.session_id})")
        return _wait_and_finish(client, created.task_id, args, out)


def _wait_and_finish(client: Client, task_id: str, args: argparse.Namespace, out: Output) -> int:
    try:
        result = _wait(client, task_id, args.timeout, out)
    except KeyboardInterrupt:
        out.stderr.write(
            f"\ninterrupted; the task goes on. Resume with: chainhub-aigc wait {task_id}\n"
        )
        if out.json_mode:
            out.result("", {"task_id": task_id, "interrupted": True})
        return EXIT_INTERRUPTED
    paths = _download(result, args.out, out) if args.out else []
    return _finished(result.task, paths, out)


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.command in ("image", "video"):
        return _run_create(args, out, args.command)
    if args.command == "mock":
        if getattr(args, "mock_missing", False):
            raise ConfigurationError(
                "the mock server needs the [mock] extra: pip install 'chainhub-aigc[mock]'"
            )
        from .mock.__main__ import run_from_args

        return int(run_from_args(args) or 0)
    with _client(args) as client:
        if args.command == "wait":
            return _wait_and_finish(client, args.task_id, args, out)
        task = client.tasks.get(args.task_id)
        if args.command == "status":
            out.result(_task_human(task), _task_json(task))
            return EXIT_OK
        # download: a finished task's files (a failed one raises TaskFailedError: exit 1)
        if not task.is_done:
            raise TaskNotFinishedError(task)
        return _finished(task, _download(client.tasks.result(task), args.out, out), out)


# -- errors: one clear line each (what, why, what to do) -----------------------------------------


class TaskNotFinishedError(ChainhubError):
    """`download` of a task whose files do not exist yet (a usage error: exit 2)."""

    def __init__(self, task: Task) -> None:
        super().__init__(f"task {task.task_id} is not finished (status {task.status})")
        self.last_task = task


def _hint(error: ChainhubError) -> str:
    if isinstance(error, TaskNotFinishedError):
        return "wait and download with: chainhub-aigc wait TASK_ID --out DIR"
    if isinstance(error, RequestValidationError):
        return "fix the option and run again; nothing was sent"
    if isinstance(error, AuthenticationError):
        return "check --api-key or CHAINHUB_API_KEY"
    if isinstance(error, MissingAPIKeyError):
        return "pass --api-key KEY or export CHAINHUB_API_KEY=KEY"
    if isinstance(error, ConfigurationError):
        return ""  # its message already says what to do
    if isinstance(error, NotFoundError):
        return "check the task id; only tasks of the last 3 days can be queried"
    if isinstance(error, RateLimitError):
        return "wait a moment and run again"
    if isinstance(error, TaskMayExistError):
        return "do not resubmit blindly: the task may exist; check your tasks before retrying"
    if isinstance(error, TaskFailedError):
        return "change the prompt or the options and try again"
    if isinstance(error, WaitTimeoutError):
        return "the task goes on: resume with chainhub-aigc wait TASK_ID"
    if isinstance(error, APIConnectionError):
        return "check the network and --base-url / CHAINHUB_BASE_URL"
    if isinstance(error, APIStatusError):
        return "run again later; quote the request id if it persists"
    return "run again with --debug for details"


def _exit_code(error: ChainhubError) -> int:
    if isinstance(error, (RequestValidationError, ConfigurationError, TaskNotFinishedError)):
        return EXIT_USAGE
    if isinstance(error, TaskFailedError):
        return EXIT_TASK_FAILED
    if isinstance(error, WaitTimeoutError):
        return EXIT_TIMEOUT
    return EXIT_API


def _report(error: ChainhubError, out: Output) -> int:
    code = _exit_code(error)
    hint = _hint(error).replace(
        "TASK_ID", str(getattr(getattr(error, "last_task", None), "task_id", None) or "TASK_ID")
    )
    # The SDK's message speaks of Client(api_key=...); on the command line, say it in flags.
    what = "no API key" if isinstance(error, MissingAPIKeyError) else str(error)
    out.stderr.write(f"error: {what}. {hint}\n" if hint else f"error: {what}\n")
    if out.json_mode:
        payload: dict[str, Any] = {
            "error": {
                "type": type(error).__name__,
                "message": str(error),
                "code": getattr(error, "code", None),
                "request_id": error.request_id,
                "status_code": error.status_code,
                "exit_code": code,
            }
        }
        task = getattr(error, "task", None) or getattr(error, "last_task", None)
        if task is not None:
            payload["task"] = _task_json(task)
        out.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    return code


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "mock_missing", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    debug = getattr(args, "debug", False)
    out = Output(getattr(args, "json", False), stdout, stderr)
    if debug:
        import logging

        logging.basicConfig(
            level=logging.DEBUG, stream=stderr, format="%(name)s %(levelname)s %(message)s"
        )
    try:
        return _run(args, out)
    except ChainhubError as error:
        if debug:
            traceback.print_exc(file=stderr)
        return _report(error, out)
    except KeyboardInterrupt:
        stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
