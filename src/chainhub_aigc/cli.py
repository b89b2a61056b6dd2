"""The `chainhub-aigc` command line (also `python -m chainhub_aigc`).

    chainhub-aigc image --model GEM --version 3.0 --prompt "a red fox" --wait --out out/
    chainhub-aigc video --model Kling --version 2.1 --prompt "..." --duration 5 --wait
    chainhub-aigc status TASK_ID | wait TASK_ID [--out DIR] | download TASK_ID --out DIR
    chainhub-aigc mock --port 4010 --token dev-token

The request options are derived from the packaged spec, one per request field (nested
`output_config.*` included): the flag from the field's name, the help text from its description,
the type from its schema, the choices from its enum where the set is closed; the short flags and
conveniences (`--model`, `--ref-url`, `--audio`, ...) come from the spec's `x-cli` extension.
Values are checked by the SDK against the spec's limits before anything is sent.

`--json` prints one JSON document on stdout and nothing else there; progress goes to stderr
(redrawn on a terminal, plain lines elsewhere). Exit codes: 0 done, 1 task failed, 2 usage or
validation error, 3 API or network error, 4 wait timeout, 130 interrupted (the task id is printed
so `wait` can resume).
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
# One option per request field, read from the packaged spec: `--<field>` for a top-level field,
# `--<leaf>` for a field of a nested object (`--<parent>-<leaf>` when `--<leaf>` is taken),
# `--<field> JSON` (repeatable) for an array of objects. The spec's `x-cli` extension (overlay
# 70-cli) adds the stable short flags and conveniences; no API field is named in this file.

PYTHON_TYPES: dict[str, Callable[[str], Any]] = {"integer": int, "number": float, "string": str}
FIELD_PREFIX = "field:"  # argparse dest of a request field: "field:output_config.duration"


@dataclass(frozen=True)
class FieldOption:
    """A command-line option that sets one request field (`path` inside the request body)."""

    flag: str
    path: tuple[str, ...]
    schema: Mapping[str, Any]
    """The field's schema, `$ref` resolved and the single-`$ref` allOf of the enums merged."""
    required: bool = False

    @property
    def dest(self) -> str:
        return FIELD_PREFIX + ".".join(self.path)

    @property
    def cli(self) -> Mapping[str, Any]:
        """The field's `x-cli` extension (aliases, flags, items, metavar, help)."""
        value = self.schema.get("x-cli")
        return value if isinstance(value, Mapping) else {}

    @property
    def option_strings(self) -> list[str]:
        return [self.flag, *(str(alias) for alias in self.cli.get("aliases", ()))]


def _merged(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A field's schema with its `$ref` resolved and the allOf parts merged under it."""
    validator = spec_validator()
    resolved = validator.resolve(schema)
    merged: dict[str, Any] = {}
    for part in resolved.get("allOf", ()):
        merged.update(_merged(part))
    merged.update({k: v for k, v in resolved.items() if k != "allOf"})
    if resolved is not schema:  # the referring property's own keys (description, x-cli) win
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
    return merged


def _object_fields(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The properties of an object schema that declares them (a nested object), else None."""
    properties = schema.get("properties")
    if schema.get("type") == "object" and isinstance(properties, Mapping):
        return properties
    return None


def _dashed(*names: str) -> str:
    return "--" + "-".join(names).replace("_", "-")


def field_options(operation_id: str, reserved: frozenset[str] = frozenset()) -> list[FieldOption]:
    """The options of an operation's request fields: required ones first, then the spec's order.

    `reserved`: flags the command already has (such as `--timeout`); a field never takes one.
    """
    root = spec_validator().request_schema(operation_id)
    # A nested field is required when it is required in its object and the object is required.
    schema_required: dict[tuple[str, ...], set[str]] = {(): set(root.get("required", ()))}
    top: list[FieldOption] = []
    nested: list[tuple[tuple[str, ...], Mapping[str, Any], bool]] = []

    def walk(path: tuple[str, ...], properties: Mapping[str, Any], parent_required: bool) -> None:
        for name, prop in properties.items():
            schema = _merged(prop)
            children = _object_fields(schema)
            is_required = parent_required and name in schema_required.get(path, set())
            if children is not None:
                schema_required[(*path, name)] = set(schema.get("required", ()))
                walk((*path, name), children, is_required)
            elif not path:
                flag = _dashed(name)
                top.append(
                    FieldOption(
                        flag if flag not in reserved else _dashed("field", name),
                        (name,),
                        schema,
                        is_required,
                    )
                )
            else:
                nested.append(((*path, name), schema, is_required))

    walk((), root.get("properties", {}), True)
    top.sort(key=lambda option: not option.required)  # required first, then the spec's order
    taken = set(reserved)
    for option in top:
        taken.update(option.option_strings)
        taken.update(
            str(extra.get("flag"))
            for key in ("flags", "items")
            for extra in option.cli.get(key, ())
        )
    leaves = [_dashed(path[-1]) for path, _, _ in nested]
    options = list(top)
    for (path, schema, is_required), leaf in zip(nested, leaves, strict=True):
        clash = leaf in taken or leaves.count(leaf) > 1
        options.append(FieldOption(_dashed(*path) if clash else leaf, path, schema, is_required))
    return options


def _help_text(schema: Mapping[str, Any], prefix: str = "") -> str:
    """The first paragraph of the spec's description, without its example line, plus hints."""
    description = str(schema.get("description", "")).replace("%", "%%")
    lines = [
        line.strip()
        for line in description.split("\n\n")[0].splitlines()
        if not line.lower().startswith("example value")
    ]
    text = prefix.replace("%", "%%") + " ".join(line for line in lines if line)
    text = text.split(" Example value:")[0]  # a folded description keeps it on the same line
    known = schema.get("x-known-values")
    if isinstance(known, list) and all(str(value) in text for value in known):
        return text  # the description already lists them
    if isinstance(known, list):
        text += f" Known: {', '.join(map(str, known))} (any value is accepted)."
    elif isinstance(known, dict) and "Known values" not in text:
        listed = "; ".join(f"{model} {', '.join(v)}" for model, v in known.items())
        text += f" Known: {listed} (any value is accepted)."
    return text


def _boolean(text: str) -> bool:
    """An argparse type for a boolean field: true/false (also yes/no, 1/0)."""
    value = text.strip().lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"not true or false: {text!r}")


class _JSONObject:
    """An argparse type: one JSON object, checked against the item schema of `path`."""

    def __init__(self, path: str, schema: Mapping[str, Any]) -> None:
        self.path = path
        self.schema = schema
        self.__name__ = "JSON object"  # argparse names the type in its error message

    def __call__(self, text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{self.path}: not valid JSON: {text!r}") from None
        if not isinstance(value, dict):
            raise argparse.ArgumentTypeError(f"{self.path}: not a JSON object: {text!r}")
        found = spec_validator().errors(self.schema, value, self.path)
        if found:
            raise argparse.ArgumentTypeError("; ".join(f"{p} {why}" for p, why in found))
        return value


class _AppendItem(argparse.Action):
    """Adds one item to an array field: the parsed value itself, or `item` with `key` set to
    the value (the `x-cli` items conveniences); `first` puts it at the front."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        item: Mapping[str, Any] | None = None,
        key: str | None = None,
        first: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(option_strings, dest, **kwargs)
        self.item = dict(item or {})
        self.key = key
        self.first = first

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        items = list(getattr(namespace, self.dest, None) or [])
        value = {**self.item, self.key: values} if self.key is not None else values
        if self.first:
            items.insert(0, value)
        else:
            items.append(value)
        setattr(namespace, self.dest, items)


def _add_field_options(
    parser: argparse.ArgumentParser, operation_id: str, reserved: frozenset[str]
) -> None:
    """One option per request field of `operation_id`, grouped by the object they belong to."""
    groups: dict[tuple[str, ...], Any] = {}
    validator = spec_validator()
    for option in field_options(operation_id, reserved):
        parent = option.path[:-1]
        if parent not in groups:
            title, description = "request fields (from the spec)", None
            if parent:
                schema = validator.request_schema(operation_id)
                for name in parent:
                    schema = _merged(schema["properties"][name])
                title, description = f"{'.'.join(parent)} fields", _help_text(schema) or None
            groups[parent] = parser.add_argument_group(title, description)
        _add_field_option(groups[parent], option)


def _add_field_option(group: Any, option: FieldOption) -> None:
    schema, cli = option.schema, option.cli
    kind = str(schema.get("type"))
    help_text = _help_text(schema, str(cli.get("help", "")))
    metavar = cli.get("metavar") or option.flag.lstrip("-").upper().replace("-", "_")
    kwargs: dict[str, Any] = {"dest": option.dest, "help": help_text, "required": option.required}
    items = _merged(schema.get("items", {})) if kind == "array" else {}
    if kind == "array" and _object_fields(items) is not None:
        keys = ", ".join(_object_fields(items) or {})
        kwargs["help"] = f"{help_text} One JSON object per use (keys: {keys}); repeatable."
        kwargs.update(type=_JSONObject(".".join(option.path) + "[]", items), metavar="JSON")
        group.add_argument(*option.option_strings, action=_AppendItem, **kwargs)
    elif kind == "array":
        item_type = PYTHON_TYPES.get(str(items.get("type")), str)
        kwargs["help"] = f"{help_text} Repeatable."
        group.add_argument(
            *option.option_strings, action="append", type=item_type, metavar=metavar, **kwargs
        )
    elif kind == "object":  # a free-form object (no declared properties)
        kwargs["type"] = _JSONObject(".".join(option.path), schema)
        group.add_argument(*option.option_strings, metavar="JSON", **kwargs)
    else:
        kwargs["type"] = _boolean if kind == "boolean" else PYTHON_TYPES.get(kind, str)
        if "enum" in schema:  # a closed set: argparse lists and enforces it
            kwargs["choices"] = list(schema["enum"])
        else:
            kwargs["metavar"] = metavar
        group.add_argument(*option.option_strings, **kwargs)
    for extra in cli.get("flags", ()):  # flags that set the field to a fixed value
        group.add_argument(
            str(extra["flag"]),
            dest=option.dest,
            action="store_const",
            const=extra["value"],
            help=str(extra.get("help", "")).replace("%", "%%"),
        )
    for extra in cli.get("items", ()):  # flags that add one item to an array of objects
        group.add_argument(
            str(extra["flag"]),
            dest=option.dest,
            action=_AppendItem,
            item=extra.get("item", {}),
            key=str(extra["set"]),
            first=bool(extra.get("first", False)),
            metavar=str(extra.get("metavar", "VALUE")),
            help=str(extra.get("help", "")).replace("%", "%%"),
        )


def _request_fields(args: argparse.Namespace) -> dict[str, Any]:
    """The nested request body from the `field:a.b` options that were given."""
    body: dict[str, Any] = {}
    for key, value in vars(args).items():
        if not key.startswith(FIELD_PREFIX) or value is None:
            continue
        *parents, leaf = key.removeprefix(FIELD_PREFIX).split(".")
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


def _flags(parser: argparse.ArgumentParser) -> frozenset[str]:
    """The option strings a parser already has (request fields must not take them)."""
    return frozenset(flag for action in parser._actions for flag in action.option_strings)


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

    for name, operation_id, what in (
        ("image", "createImageTask", "create an image task"),
        ("video", "createVideoTask", "create a video task"),
    ):
        create = commands.add_parser(name, parents=[common], help=what)
        _wait_options(create, with_flag=True)
        _add_field_options(create, operation_id, _flags(create))

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
