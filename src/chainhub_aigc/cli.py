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

`--json` prints one JSON document on stdout and nothing else there (ASCII only: json escapes
the rest); progress goes to stderr (redrawn on a terminal, plain lines elsewhere). Anything
from the server or the user is printed with its control characters escaped (`\x1b`, `\u202e`).

Bad input (a non-UTF-8 argument, an unusable `--out`, a malformed base URL or task id) ends
with one line naming the option before anything is sent. `--timeout` bounds the wait (from
the first query to the final status), not the create nor the download: each request of those
is bounded by `--http-timeout`.

Exit codes: 0 done, 1 task failed (or finished without output files), 2 usage or validation
error, 3 API or network error, 4 wait timeout, 70 internal error (a bug), 130 Ctrl-C, 129 SIGHUP,
143 SIGTERM (a download leaves no part file; the command to resume is printed), 141 stdout
closed or a broken pipe (the output went to stderr instead, task id included).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shlex
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO
from urllib.parse import urlsplit

from ._env import API_KEY_ENV, BASE_URL_ENV
from ._progress import DownloadDisplay, WaitDisplay, visible, visible_lines
from ._validation import spec_validator
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ChainhubError,
    ConfigurationError,
    MissingAPIKeyError,
    NoOutputError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
    TaskMayExistError,
    WaitTimeoutError,
)

# The HTTP stack (httpx, the SDK's client, the generated models) is imported by the commands
# that talk to the API, and the mock server by `mock` alone: `--help` and usage errors load
# neither (tests/package/test_startup.py).
if TYPE_CHECKING:
    from ._client import Client
    from .types import Task, TaskResult

EXIT_OK, EXIT_TASK_FAILED, EXIT_USAGE, EXIT_API, EXIT_TIMEOUT = 0, 1, 2, 3, 4
EXIT_INTERNAL = 70  # an unexpected exception: a bug (sysexits' EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl-C; SIGHUP and SIGTERM exit 128 + their number: 129 and 143
EXIT_NO_STDOUT = 141  # stdout closed or a broken pipe (as if killed by SIGPIPE)
DEFAULT_WAIT_TIMEOUT = 600.0


# -- options derived from the spec -------------------------------------------------------------
# One option per request field, read from the packaged spec: `--<field>` for a top-level field,
# `--<leaf>` for a field of a nested object (`--<parent>-<leaf>` when `--<leaf>` is taken),
# `--<field> JSON` (repeatable) for an array of objects. The spec's `x-cli` extension (overlay
# 70-cli) adds the stable short flags and conveniences; no API field is named in this file.


def _text(text: str) -> str:
    """An argparse type: a string given in UTF-8 (a non-UTF-8 argument reaches Python as lone
    surrogates, which no JSON body can carry)."""
    if _SURROGATE.search(text):
        raise argparse.ArgumentTypeError(f"not valid UTF-8: {visible(text)}")
    return text


_SURROGATE = re.compile("[\ud800-\udfff]")
PYTHON_TYPES: dict[str, Callable[[str], Any]] = {"integer": int, "number": float, "string": _text}
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
            value = json.loads(_text(text))
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
        if option.path not in FILE_FIELDS:
            _add_field_option(groups[parent], option)
            continue
        # `--<field>-file PATH|-`: the same field read from a file or stdin, for text past the
        # OS limit of one argument (about 128 KiB on Linux); one of the two, never both.
        either = groups[parent].add_mutually_exclusive_group(required=option.required)
        _add_field_option(either, replace(option, required=False))
        either.add_argument(
            option.flag + "-file",
            dest=option.dest,
            type=_text_file,
            metavar="PATH",
            help=f"read {option.flag} from PATH ('-': stdin), UTF-8, at most "
            f"{TEXT_FILE_LIMIT // 2**20} MiB; trailing newlines are dropped",
        )


FILE_FIELDS = frozenset({("prompt",)})
"""Request fields that also take `--<field>-file` (the CLI's own option, not an API field)."""
TEXT_FILE_LIMIT = 10 * 2**20


def _text_file(path: str) -> str:
    """An argparse type: the UTF-8 text of a file, or of stdin for `-`, read with a cap."""
    try:
        if path == "-":
            if sys.stdin is None:
                raise argparse.ArgumentTypeError("stdin is closed")
            data = sys.stdin.buffer.read(TEXT_FILE_LIMIT + 1)
        else:
            with open(path, "rb") as file:
                data = file.read(TEXT_FILE_LIMIT + 1)
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {visible(path)}: {exc.strerror}") from None
    if len(data) > TEXT_FILE_LIMIT:
        raise argparse.ArgumentTypeError(f"{visible(path)} is larger than {TEXT_FILE_LIMIT} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"{visible(path)} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start})"
        ) from None
    return text.rstrip("\r\n")


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
        item_type = PYTHON_TYPES.get(str(items.get("type")), _text)
        kwargs["help"] = f"{help_text} Repeatable."
        group.add_argument(
            *option.option_strings, action="append", type=item_type, metavar=metavar, **kwargs
        )
    elif kind == "object":  # a free-form object (no declared properties)
        kwargs["type"] = _JSONObject(".".join(option.path), schema)
        group.add_argument(*option.option_strings, metavar="JSON", **kwargs)
    else:
        kwargs["type"] = _boolean if kind == "boolean" else PYTHON_TYPES.get(kind, _text)
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


def _common_options() -> Parser:
    """Options every command takes, before or after the command name."""
    common = Parser(add_help=False)
    group = common.add_argument_group("connection and output")
    group.add_argument(
        "--api-key",
        type=_api_key,
        default=argparse.SUPPRESS,
        help="the API key (default: $CHAINHUB_API_KEY)",
    )
    group.add_argument(
        "--base-url",
        type=_base_url,
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


def _api_key(text: str) -> str:
    """An argparse type: a key that can go in an HTTP header (never echoed in the error)."""
    if not text or any(not 0x21 <= ord(char) <= 0x7E for char in text):
        raise argparse.ArgumentTypeError(
            "empty, or has characters an HTTP header cannot carry (the key is not shown)"
        )
    return text


def _base_url(text: str) -> str:
    """An argparse type: an http(s) URL with a host, and no query, fragment or credentials
    (they would be silently dropped or sent where they do not belong)."""
    _text(text)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (parsing the port is the check: "http://h:x" raises)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a valid URL ({exc}): {visible(text)}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"not an http(s) URL with a host: {visible(text)}")
    for what, present in (
        ("a query", "?" in text),
        ("a fragment", "#" in text),
        ("credentials", parts.username is not None),
    ):
        if present:
            raise argparse.ArgumentTypeError(f"must not carry {what}: {visible(text)}")
    return text


def _task_id(text: str) -> str:
    """An argparse type: something that can be a task id. The spec bounds only its length;
    this refuses what would change the query's path (`..`, `/`) or a terminal's state."""
    _text(text)
    if not text.strip():
        raise argparse.ArgumentTypeError("empty task id")
    if set(text) <= {"."} or any(char in "/\\" or char.isspace() for char in text):
        raise argparse.ArgumentTypeError(f"not a task id: {visible(text)!r}")
    if visible(text) != text:
        raise argparse.ArgumentTypeError(f"not a task id (control characters): {visible(text)}")
    return text


def _out_dir(text: str) -> Path:
    """An argparse type: a directory that exists or can be created, and can be written into.
    Checked when the command line is read, so a bad `--out` never costs a task."""
    if not text:
        raise argparse.ArgumentTypeError("empty path")
    path = Path(text)
    existing = path
    try:
        while not os.path.lexists(existing) and existing.parent != existing:
            existing = existing.parent
        is_dir = existing.is_dir()
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot use {visible(text)}: {exc.strerror}") from None
    if not is_dir:
        where = "" if existing == path else f"cannot create {visible(text)}: "
        raise argparse.ArgumentTypeError(f"{where}{visible(existing)} is not a directory")
    import tempfile  # only for a command that downloads

    try:  # the real test (permissions, ACLs, read-only mounts): create and remove a directory
        os.rmdir(tempfile.mkdtemp(prefix=".chainhub-aigc-", dir=existing))
    except OSError as exc:
        raise argparse.ArgumentTypeError(
            f"cannot write into {visible(existing)}: {exc.strerror}"
        ) from None
    return path


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
        type=_out_dir,
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


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error: the option, what is wrong, where the help is; and
    ``fill``, options added only when this (sub)parser parses, for options costly to build."""

    fill: Callable[[argparse.ArgumentParser], None] | None = None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self.fill is not None:
            fill, self.fill = self.fill, None
            fill(self)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = Parser(
        prog="chainhub-aigc",
        description="Generate images and videos with the Tencent VOD AIGC API through chainhub.",
        parents=[common],
        epilog="Exit codes: 0 done, 1 task failed (or no output files), 2 usage or validation "
        "error, 3 API or network error, 4 wait timeout, 70 internal error, 130 Ctrl-C, "
        "129 SIGHUP, 143 SIGTERM, 141 stdout closed or a broken pipe.",
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
    status.add_argument("task_id", metavar="TASK_ID", type=_task_id)

    wait = commands.add_parser(
        "wait", parents=[common], help="wait for a task, then optionally download"
    )
    wait.add_argument("task_id", metavar="TASK_ID", type=_task_id)
    _wait_options(wait, with_flag=False)

    download = commands.add_parser(
        "download", parents=[common], help="download a finished task's files"
    )
    download.add_argument("task_id", metavar="TASK_ID", type=_task_id)
    download.add_argument(
        "--out", type=_out_dir, metavar="DIR", required=True, help="the directory to write into"
    )

    _add_batch_parser(commands, common)

    mock = commands.add_parser(
        "mock", help="run the mock server (needs the [mock] extra)", add_help=True
    )
    # Its options are added when `mock` is the command: they come from the mock package,
    # which imports the server (starlette, uvicorn) and is too slow to load for other commands.
    mock.fill = _add_mock_arguments
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {visible(text)!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _add_batch_parser(commands: Any, common: Parser) -> None:
    from ._batch_defaults import DEFAULT_CONCURRENCY, JOURNAL_FILE

    batch = commands.add_parser(
        "batch",
        parents=[common],
        help="run a JSONL file of jobs: paced, resumable, each billed at most once",
        description='One job a line: {"id": ..., "kind": "image"|"video", <request '
        "fields>}. Every line is checked before anything is sent. Rerun the same command "
        "after a crash: the journal resumes the batch without creating any task twice.",
        epilog="Exit codes: 0 every job done, 1 some failed or may exist (see "
        "DIR/results.jsonl), 2 bad input, 3 a fatal API error (authentication, ...), 130 "
        "Ctrl-C (rerun to resume).",
    )
    batch.add_argument("jobs", metavar="JOBS.jsonl", type=Path, help="the jobs, one a line")
    batch.add_argument(
        "--out",
        type=_out_dir,
        metavar="DIR",
        required=True,
        help="each job's files go to DIR/<id>/; DIR/results.jsonl at the end",
    )
    batch.add_argument(
        "--concurrency",
        type=_positive_int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help="jobs in flight at once (default %(default)s)",
    )
    for name, what in (("creates", "task creations"), ("queries", "task queries")):
        batch.add_argument(
            f"--{name}-per-second",
            type=_seconds,
            default=None,
            metavar="N",
            help=f"pace {what} at N a second (default: the spec's limit; 0: unpaced)",
        )
    batch.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help="each job's wait (default %(default).0f)",
    )
    batch.add_argument(
        "--journal", type=Path, metavar="PATH", help=f"the journal (default DIR/{JOURNAL_FILE})"
    )
    batch.add_argument(
        "--skip-invalid", action="store_true", help="report and skip bad lines instead of stopping"
    )


def _add_mock_arguments(parser: argparse.ArgumentParser) -> None:
    try:
        from .mock.__main__ import add_arguments
    except ImportError:  # installed without the [mock] extra: say so when used, whatever options
        parser.set_defaults(mock_missing=True)  # its options are then ignored: see main()
        return
    add_arguments(parser)


# -- running -------------------------------------------------------------------------------------


class Output:
    """Where the command writes: JSON on stdout with --json, human text otherwise.

    Everything that came from the server or the user is shown through `visible` (no control
    character reaches a terminal); JSON is written with `ensure_ascii`, so stdout gets pure
    ASCII. When stdout is closed or a broken pipe, what it would have said goes to stderr
    (the task id is never lost) and the command exits EXIT_NO_STDOUT.
    """

    def __init__(self, json_mode: bool, stdout: TextIO | None, stderr: TextIO | None) -> None:
        self.json_mode = json_mode
        self.stdout = stdout
        self.stderr = stderr
        self.tty = _isatty(stderr)
        self.stdout_lost: str | None = None if stdout is not None else "stdout is closed"
        self.task_id: str | None = None
        """The task this command works on, once known (printed when interrupted)."""
        self.resume: str | None = None
        """The command that picks the work up again, as the user would type it."""
        self._warned: set[str] = set()
        self._told_lost = False

    def result(self, human: str, data: Mapping[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=True) if self.json_mode else visible_lines(human)
        self._to_stdout(text + "\n")

    def info(self, text: str) -> None:
        if not self.json_mode or self.tty:
            self.err(visible_lines(text) + "\n")

    def warn(self, text: str) -> None:
        """One line on stderr, once per text (with --json too: stderr is not the document)."""
        if text not in self._warned:
            self._warned.add(text)
            self.err(f"warning: {visible(text)}\n")

    def err(self, text: str) -> None:
        """Write to stderr; a closed or broken stderr is ignored (nothing else can be done)."""
        try:
            if self.stderr is not None:
                self.stderr.write(text)
                self.stderr.flush()
        except (OSError, ValueError):
            pass

    def _to_stdout(self, text: str) -> None:
        if self.stdout_lost is None and self.stdout is not None:
            try:
                self.stdout.write(text)
                self.stdout.flush()
                return
            except (OSError, ValueError) as exc:
                self.stdout_lost = getattr(exc, "strerror", None) or str(exc)
                _silence(self.stdout)
        if not self._told_lost:
            self._told_lost = True
            self.err(f"warning: cannot write to stdout ({self.stdout_lost}): it follows here\n")
        self.err(text)


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _silence(stream: TextIO) -> None:
    """Point a broken stdout's descriptor at /dev/null, so that the interpreter's last flush
    does not print "Exception ignored ... BrokenPipeError" on the way out."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _client(args: argparse.Namespace) -> Client:
    from ._client import Client

    return Client(**_client_options(args), sleep=_sleep)


def _client_options(args: argparse.Namespace) -> dict[str, Any]:
    """The client's settings from the options and the environment (checked)."""
    options: dict[str, Any] = {}
    for name, key in (
        ("api_key", "api_key"),
        ("base_url", "base_url"),
        ("http_timeout", "timeout"),
        ("max_retries", "max_retries"),
    ):
        if name in args:
            options[key] = getattr(args, name)
    # The environment's values get the checks of the flags, naming the variable.
    for variable, key, check in (
        (API_KEY_ENV, "api_key", _api_key),
        (BASE_URL_ENV, "base_url", _base_url),
    ):
        value = os.environ.get(variable)
        if key not in options and value:
            try:
                check(value)
            except argparse.ArgumentTypeError as exc:
                raise ConfigurationError(f"{variable}: {exc}") from None
    return options


def _command(*words: str | Path) -> str:
    """A command line to copy: quoted for the shell, shown visibly."""
    return visible(shlex.join(str(word) for word in words))


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
    lines = [f"task {visible(task.task_id)}: {visible(task.status)}{progress}"]
    if task.is_failed:
        why = " ".join(str(x) for x in (task.err_code, task.err_code_ext, task.message) if x)
        lines.append(f"  failed: {visible(why)}")
    for file in task.files:
        expiry = f"  (expires {visible(file.expire_time)})" if file.expire_time else ""
        lines.append(f"  {visible(file.url)}{expiry}")
    return "\n".join(lines)


WAIT_GRACE = 0.5
"""Seconds past `--timeout` after which the CLI ends a wait itself (see `_deadline`)."""


class _Overrun(BaseException):
    """A wait ran past its deadline plus WAIT_GRACE (raised from SIGALRM, so that no
    `except Exception` on the way can swallow it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _Overrun in the main thread after `seconds`. The SDK bounds every request and
    sleep of a wait by the time left; this is the CLI's guarantee that `--timeout` holds
    whatever a server does, even where the SDK could not bound a step."""
    try:
        previous = signal.signal(signal.SIGALRM, _raise_overrun)
    except (AttributeError, ValueError):  # no SIGALRM (Windows), or not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_overrun(signum: int, frame: FrameType | None) -> None:
    raise _Overrun


def _wait(client: Client, task_id: str, timeout: float, out: Output) -> TaskResult:
    """Wait with a live display on stderr (none with --json unless stderr is a terminal); the
    download that may follow is not part of the wait."""
    show = not out.json_mode or out.tty
    last: list[Task] = []

    with WaitDisplay(task_id, out.stderr, out.tty, enabled=show) as display:

        def progress(task: Task) -> None:
            last[:] = [task]
            if task.unknown_status is not None:  # the SDK logs it; the CLI shows it, once
                out.warn(
                    f"task {task_id} reports status {task.unknown_status!r}, which the API "
                    "does not document; waiting on until it finishes or --timeout"
                )
            display.update(task.status, task.progress)

        try:
            with _deadline(timeout + WAIT_GRACE):
                result = client.tasks.wait(task_id, timeout=timeout, on_progress=progress)
        except _Overrun:
            raise WaitTimeoutError(task_id, timeout, last[-1] if last else None) from None
    if not result.files:  # the SDK checks this only for a CreatedTask; here, always
        raise NoOutputError(result.task)
    return result


def _part_files(directory: Path, task: Task) -> set[Path]:
    """The part files of `task`'s downloads in `directory` (see _download.PartFile)."""
    from ._core import safe_stem

    stems = {safe_stem(task.task_id, index) for index in range(len(task.files))}
    try:
        return {p for p in directory.glob("*.part") if p.name.rsplit(".", 2)[0] in stems}
    except OSError:
        return set()


def _download(result: TaskResult, directory: Path, out: Output) -> list[Path]:
    """Download with a byte counter and speed per file on stderr."""
    out.resume = _command("chainhub-aigc", "download", result.task_id, "--out", directory)
    count = len(result.files)
    show = not out.json_mode or out.tty
    stream = out.stderr
    displays = [
        DownloadDisplay(f"file {i + 1}/{count}", stream, out.tty, enabled=show)
        for i in range(count)
    ]
    before = _part_files(directory, result.task)
    try:
        return result.download(
            directory,
            on_bytes=lambda index, done, total: displays[index].update(done, total),
            on_file=lambda index, path, size: displays[index].finish(size, size, str(path)),
        )
    except BaseException:
        # The SDK removes its part file on any exception; a signal that lands between a
        # finished transfer and its rename would still leave one: remove what this run made.
        for part in _part_files(directory, result.task) - before:
            with contextlib.suppress(OSError):
                part.unlink()
        raise


def _finished(task: Task, paths: list[Path], out: Output) -> int:
    data = _task_json(task)
    data["downloaded"] = [str(p) for p in paths]
    human = _task_human(task) + "".join(f"\n  saved {visible(p)}" for p in paths)
    out.result(human, data)
    return EXIT_OK


def _run_create(args: argparse.Namespace, out: Output, kind: str) -> int:
    fields = _request_fields(args)
    with _client(args) as client:
        resource = client.images if kind == "image" else client.videos
        created = resource.create(**fields)
        out.task_id = created.task_id
        out.resume = _wait_command(created.task_id, args)
        if not (args.wait or args.out):
            out.result(
                f"created {kind} task {visible(created.task_id)}\n  follow it: {out.resume}",
                {
                    "task_id": created.task_id,
                    "request_id": created.request_id,
                    "session_id": created.session_id,
                    "response": created.raw_json,
                },
            )
            return EXIT_OK
        out.info(
            f"created {kind} task {visible(created.task_id)} "
            f"(session {visible(created.session_id)})"
        )
        return _wait_and_finish(client, created.task_id, args, out)


def _wait_command(task_id: str, args: argparse.Namespace) -> str:
    out_dir = ("--out", args.out) if getattr(args, "out", None) else ()
    return _command("chainhub-aigc", "wait", task_id, *out_dir)


def _wait_and_finish(client: Client, task_id: str, args: argparse.Namespace, out: Output) -> int:
    out.task_id = task_id
    out.resume = _wait_command(task_id, args)
    result = _wait(client, task_id, args.timeout, out)
    paths = _download(result, args.out, out) if args.out else []
    return _finished(result.task, paths, out)


def _run(args: argparse.Namespace, out: Output) -> int:
    if args.command == "batch":
        from ._batch_cli import run_batch_command

        return run_batch_command(args, out)
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
        out.task_id = args.task_id
        task = client.tasks.get(args.task_id)
        if args.command == "status":
            out.result(_task_human(task), _task_json(task))
            return EXIT_OK
        # download: a finished task's files (a failed one raises TaskFailedError: exit 1)
        if not task.is_done:
            raise TaskNotFinishedError(task)
        if not task.files:
            raise NoOutputError(task)
        return _finished(task, _download(client.tasks.result(task), args.out, out), out)


# -- signals: SIGTERM and SIGHUP end the command like Ctrl-C ---------------------------------------


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised in the main thread like Ctrl-C's KeyboardInterrupt, so that
    the same cleanup runs (a download removes its part file) and the task id is printed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise Interrupted; a second signal while
    the first is handled is ignored (the cleanup is short). The handlers are restored after."""
    numbers = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        for number in previous:
            if number != signal.SIGINT:
                signal.signal(number, signal.SIG_IGN)
        interrupt = KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)
        _PENDING.append(interrupt)
        raise interrupt

    try:
        for number in numbers:
            previous[number] = signal.signal(number, handler)
        # Ctrl-C too, unless it was ignored when we started (a background job keeps ignoring
        # it): recorded, so that an interrupt CPython swallows (one that lands in a __del__
        # or a weakref callback) is raised again at the next sleep.
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            previous[signal.SIGINT] = signal.signal(signal.SIGINT, handler)
    except ValueError:  # main() called from another thread: signals stay as they are
        pass
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old)
        _PENDING.clear()


_PENDING: list[KeyboardInterrupt] = []
"""Interrupts received while a command runs (see _signals_interrupt)."""


def _sleep(seconds: float) -> None:
    """The SDK's sleep in the CLI: raises an interrupt that was received but swallowed."""
    if _PENDING:
        raise _PENDING[0]
    time.sleep(seconds)
    if _PENDING:
        raise _PENDING[0]


def _interrupted(exc: KeyboardInterrupt, out: Output) -> int:
    code = 128 + exc.signum if isinstance(exc, Interrupted) else EXIT_INTERRUPTED
    what = f"interrupted ({exc.args[0]})" if isinstance(exc, Interrupted) else "interrupted"
    if out.resume:
        out.err(f"\n{what}; nothing partial was left. Resume with: {out.resume}\n")
    elif out.task_id:
        out.err(f"\n{what} (task {visible(out.task_id)})\n")
    else:
        out.err(f"\n{what}\n")
    if out.json_mode:
        name = exc.args[0] if isinstance(exc, Interrupted) else "SIGINT"
        out.result("", {"task_id": out.task_id, "interrupted": True, "signal": name,
                        "exit_code": code})  # fmt: skip
    return code


# -- errors: one clear line each (what, why, what to do) -----------------------------------------


class TaskNotFinishedError(ChainhubError):
    """`download` of a task whose files do not exist yet (a usage error: exit 2)."""

    def __init__(self, task: Task) -> None:
        super().__init__(f"task {task.task_id} is not finished (status {task.status})")
        self.last_task = task


def _hint(error: ChainhubError, out: Output) -> str:
    if isinstance(error, TaskNotFinishedError):
        command = _command("chainhub-aigc", "wait", error.last_task.task_id, "--out", "DIR")
        return f"wait and download with: {command}"
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
    if isinstance(error, NoOutputError):
        return "the gateway reported success without a result; quote the request id to support"
    if isinstance(error, TaskFailedError):
        return "change the prompt or the options and try again"
    if isinstance(error, WaitTimeoutError):
        resume = out.resume or _command("chainhub-aigc", "wait", error.task_id)
        return f"the task goes on: resume with {resume}"
    if isinstance(error, APIConnectionError):
        return "check the network and --base-url / CHAINHUB_BASE_URL"
    if isinstance(error, APIStatusError):
        return "run again later; quote the request id if it persists"
    return "run again with --debug for details"


def _exit_code(error: ChainhubError) -> int:
    if isinstance(error, (RequestValidationError, ConfigurationError, TaskNotFinishedError)):
        return EXIT_USAGE
    if isinstance(error, TaskFailedError):  # NoOutputError included
        return EXIT_TASK_FAILED
    if isinstance(error, WaitTimeoutError):
        return EXIT_TIMEOUT
    return EXIT_API


def _report(error: ChainhubError, out: Output) -> int:
    code = _exit_code(error)
    hint = _hint(error, out)
    # The SDK's message speaks of Client(api_key=...); on the command line, say it in flags.
    what = "no API key" if isinstance(error, MissingAPIKeyError) else visible(error)
    out.err(f"error: {what}. {hint}\n" if hint else f"error: {what}\n")
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
        out.result("", payload)
    return code


def _log_to(stderr: TextIO) -> None:
    """--debug: every logger's lines on stderr, server data shown visibly (tracebacks keep
    their lines). logging is imported here: --help and most commands never need it."""
    import logging

    from ._config import _VisibleFormatter  # the SDK's own (CHAINHUB_LOG's) formatter

    handler = logging.StreamHandler(stderr)
    handler.setFormatter(_VisibleFormatter("%(name)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.DEBUG, handlers=[handler])


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    # sys.stdout is None when the process started with its stdout closed (`>&-`).
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "mock_missing", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    debug = getattr(args, "debug", False)
    out = Output(getattr(args, "json", False), stdout, stderr)
    if debug and stderr is not None:
        _log_to(stderr)
    try:
        if args.command == "mock":  # the server handles its own signals
            code = _run(args, out)
        else:
            with _signals_interrupt():
                code = _run(args, out)
    except ChainhubError as error:
        if debug:
            out.err(visible_lines(traceback.format_exc()))
        code = _report(error, out)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM, SIGHUP
        code = _interrupted(exc, out)
    except Exception as exc:  # a bug (ours or the SDK's): one line, not the "task failed" code
        if debug:
            out.err(visible_lines(traceback.format_exc()))
        out.err(
            f"error: unexpected {type(exc).__name__}: {visible(exc)}. "
            "This is a bug: run again with --debug and report it\n"
        )
        code = EXIT_INTERNAL
    if out.stdout_lost is not None and code == EXIT_OK:
        return EXIT_NO_STDOUT
    return code
