"""The API's behaviour: create a task, answer a query. Shapes follow the real API (API.md).

Which request fields are echoed back, and under which PascalCase name, is read from the spec
at start-up (an "echo plan"): a request property `output_config.storage_mode` is echoed as
`Input.OutputConfig.StorageMode` because the query's response schema has that property, and
`session_id` as the task's `SessionId` for the same reason. A field the response schema does
not describe is not echoed, so what the mock sends stays valid against the spec.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import Scope

from chainhub_aigc.mock.media import MediaFile
from chainhub_aigc.mock.spec import JSON, Operation, array_items, object_properties, resolve
from chainhub_aigc.mock.state import FINISH, MEDIA, PROCESSING, MockState, MockTask, TaskFailure

UNSET_TIME = "0000-00-00T00:00:00Z"
_encode = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode
EXPIRY_SECONDS = 7 * 24 * 3600  # Temporary output URLs expire after 7 days (API.md)
FILES_PREFIX = "/_mock/files"

# Real query answers carry about 45 other `*Task` keys, all null (API.md section 2): a few of
# the real names, so that clients are exercised on null siblings.
NULL_TASK_KEYS = (
    "ProcedureTask",
    "EditMediaTask",
    "WechatPublishTask",
    "ComposeMediaTask",
    "SplitMediaTask",
    "PullUploadTask",
    "TranscodeTask",
    "SnapshotByTimeOffsetTask",
    "ReviewAudioVideoTask",
    "ExtractTraceWatermarkTask",
)
# The task object's own fields: never filled from the request, whatever it contains.
_MANAGED_FIELDS = frozenset(
    {"TaskId", "Status", "ErrCode", "ErrCodeExt", "Message", "Progress", "Input", "Output"}
)


class ApiError(Exception):
    """An answer with the Tencent error envelope."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return UNSET_TIME
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def pascal_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


# --- echo plans ----------------------------------------------------------------------------

# request property -> (response name, nested plan or None for a scalar, is an array, default)
EchoPlan = dict[str, tuple[str, "EchoPlan | None", bool]]


def build_echo_plan(
    spec: dict[str, Any],
    request_schema: JSON,
    response_schema: JSON,
    exclude: frozenset[str] = frozenset(),
    _depth: int = 0,
) -> EchoPlan:
    plan: EchoPlan = {}
    if _depth > 20:
        return plan
    targets = object_properties(spec, response_schema)
    for name, sub_request in object_properties(spec, request_schema).items():
        target = pascal_case(name)
        if target not in targets or target in exclude:
            continue
        request_items = array_items(spec, sub_request)
        response_items = array_items(spec, targets[target])
        if request_items is not None and response_items is not None:
            inner = _nested(spec, request_items, response_items, _depth)
            plan[name] = (target, inner, True)
        else:
            plan[name] = (target, _nested(spec, sub_request, targets[target], _depth), False)
    return plan


def _nested(spec: dict[str, Any], request: JSON, response: JSON, depth: int) -> EchoPlan | None:
    if not object_properties(spec, request):
        return None  # a scalar (or a free-form object): echoed as it is
    return build_echo_plan(spec, request, response, _depth=depth + 1)


def echo(plan: EchoPlan, value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, item in value.items():
        entry = plan.get(name)
        if entry is None:
            continue
        target, inner, is_array = entry
        if inner is not None and is_array and isinstance(item, list):
            out[target] = [echo(inner, x) if isinstance(x, dict) else x for x in item]
        elif inner is not None and isinstance(item, dict):
            out[target] = echo(inner, item)
        else:
            out[target] = item
    return out


# --- the handlers --------------------------------------------------------------------------


@dataclass(slots=True)
class ValidRequest:
    """One validated API request, as a handler sees it."""

    request_id: str
    scope: Scope  # the ASGI scope of the request
    params: dict[str, Any]  # parameters by their spec name
    body: Any  # the decoded JSON body, or None
    failure: TaskFailure | None  # a task-fail fault asked for this create

    @property
    def base_url(self) -> str:
        """scheme://host[:port][root_path] of this request: FileUrls point back at the mock."""
        return str(Request(self.scope).base_url).rstrip("/")


@dataclass(frozen=True, slots=True)
class TaskKind:
    task_type: str  # the TaskType and the key of the task object in a query answer
    media: MediaFile


# operationId -> what the create makes. The spec names the operations; what an image or a
# video task produces is the mock's own business.
CREATE_OPERATIONS: dict[str, TaskKind] = {
    "createImageTask": TaskKind("AigcImageTask", MEDIA["AigcImageTask"]),
    "createVideoTask": TaskKind("AigcVideoTask", MEDIA["AigcVideoTask"]),
}
QUERY_OPERATION = "getTask"


@dataclass(frozen=True, slots=True)
class Handler:
    respond: Callable[[ValidRequest], dict[str, Any]]
    creates: bool  # may be given a task-fail fault


class Behaviour:
    """The handlers of one mock, with their echo plans (built once from the spec)."""

    def __init__(self, spec: dict[str, Any], ops: list[Operation], state: MockState) -> None:
        self.state = state
        self.config = state.config
        by_id = {op.operation_id: op for op in ops}
        task_schemas = self._task_schemas(spec, by_id.get(QUERY_OPERATION))
        self.task_keys: tuple[str, ...] = tuple(
            key for key in task_schemas if key.endswith("Task")
        ) + tuple(key for key in NULL_TASK_KEYS if key not in task_schemas)
        self.handlers: dict[str, Handler] = {}
        self._input_plans: dict[str, EchoPlan] = {}
        self._task_plans: dict[str, EchoPlan] = {}
        self._task_defaults: dict[str, dict[str, Any]] = {}
        for operation_id, kind in CREATE_OPERATIONS.items():
            op = by_id.get(operation_id)
            if op is None:
                continue
            task_schema = task_schemas.get(kind.task_type, {})
            input_schema = object_properties(spec, task_schema).get("Input", {})
            request = op.body_schema or {}
            self._input_plans[operation_id] = build_echo_plan(spec, request, input_schema)
            task_plan = build_echo_plan(spec, request, task_schema, exclude=_MANAGED_FIELDS)
            self._task_plans[operation_id] = task_plan
            self._task_defaults[operation_id] = {
                target: "" if _is_string(spec, task_schema, target) else None
                for target, _, _ in task_plan.values()
            }
            self.handlers[operation_id] = Handler(self._creator(operation_id, kind), True)
        if QUERY_OPERATION in by_id:
            self.handlers[QUERY_OPERATION] = Handler(self.get_task, False)

    @staticmethod
    def _task_schemas(spec: dict[str, Any], query: Operation | None) -> dict[str, JSON]:
        """TaskType -> the schema of the task object in a query answer (from the spec)."""
        if query is None:
            return {}
        ok = query.responses.get("200", {})
        content: dict[str, Any] = ok.get("content", {}) if isinstance(ok, dict) else {}
        media: dict[str, Any] = next(iter(content.values()), {})
        schema = media.get("schema", {})
        envelope = object_properties(spec, schema).get("Response", {})
        return object_properties(spec, envelope)

    # --- create ----------------------------------------------------------------------------

    def _creator(
        self, operation_id: str, kind: TaskKind
    ) -> Callable[[ValidRequest], dict[str, Any]]:
        input_plan = self._input_plans[operation_id]
        task_plan = self._task_plans[operation_id]
        task_defaults = self._task_defaults[operation_id]
        state = self.state
        task_prefix = f"{self.config.app_id}-{kind.task_type}-"
        config_entry = input_plan.get("output_config")
        config_target = config_entry[0] if config_entry is not None else None
        low, high = self.config.finish_range
        ranged = low != high  # else every task takes the config's finish_after: no draw

        def create(call: ValidRequest) -> dict[str, Any]:
            body = call.body if isinstance(call.body, dict) else {}
            session_id = body.get("session_id")
            session_id = session_id if isinstance(session_id, str) else ""
            now = time.monotonic()
            if session_id and not state.claim_session(session_id, now):
                raise ApiError(
                    400,
                    "InvalidParameterValue.SessionId",
                    f"session_id {session_id!r} was already used by a task created in the "
                    "last 3 days (a repeated create is rejected)",
                )
            output_config = body.get("output_config")
            output_config = output_config if isinstance(output_config, dict) else {}
            storage_mode = output_config.get("storage_mode")
            storage_mode = storage_mode if isinstance(storage_mode, str) else "Temporary"
            media_name = output_config.get("media_name")
            duration = output_config.get("duration")
            echoed = echo(input_plan, body)
            if config_target is not None:  # the real API echoes the default StorageMode
                config_echo = echoed.setdefault(config_target, {})
                if isinstance(config_echo, dict):
                    config_echo.setdefault("StorageMode", storage_mode)
            task = MockTask.new(
                task_id=task_prefix + os.urandom(16).hex() + "t",
                task_type=kind.task_type,
                operation_id=operation_id,
                input_json=_encode(echoed),
                task_fields_json=_encode({**task_defaults, **echo(task_plan, body)}),
                storage_mode=storage_mode,
                media_name=media_name if isinstance(media_name, str) else "",
                duration=float(duration)
                if isinstance(duration, int | float) and not isinstance(duration, bool)
                else kind.media.duration,
                session_id=session_id,
                created_wall=time.time(),
                created_mono=now,
                failure=call.failure,
                finish_after=state.draw_finish_after() if ranged else None,
            )
            state.add_task(task)
            return {"Response": {"TaskId": task.task_id, "RequestId": call.request_id}}

        return create

    # --- query -----------------------------------------------------------------------------

    def get_task(self, call: ValidRequest) -> dict[str, Any]:
        task_id = next(iter(call.params.values()), "")
        task = self.state.find_task(task_id, time.monotonic()) if isinstance(task_id, str) else None
        if task is None:
            raise ApiError(
                404,
                "ResourceNotFound",
                f"the task {task_id!r} does not exist (only tasks of the last 3 days can be "
                "queried)",
            )
        status, progress = self.state.advance(task, query=True)
        return self.detail(task, status, progress, call)

    def detail(
        self, task: MockTask, status: str, progress: int, call: ValidRequest
    ) -> dict[str, Any]:
        finished = status == FINISH
        failure = task.failure if finished else None
        inner: dict[str, Any] = {
            "TaskId": task.task_id,
            "Status": FINISH if finished else PROCESSING,
            "ErrCode": failure.err_code if failure else 0,
            "ErrCodeExt": failure.err_code_ext if failure else "",
            "Message": failure.message if failure else "",
            "Progress": progress,
            "Input": task.input,
            "Output": self._output(task, call.base_url)
            if finished and not failure
            else {"FileInfos": []},
        }
        inner.update(task.task_fields)
        answer: dict[str, Any] = {
            "Status": status,
            "TaskType": task.task_type,
            "RequestId": call.request_id,
            "CreateTime": format_time(task.created_wall),
            "BeginProcessTime": format_time(task.begin_wall),
            "FinishTime": format_time(task.finish_wall),
        }
        for key in self.task_keys:
            answer[key] = inner if key == task.task_type else None
        return {"Response": answer}

    def _output(self, task: MockTask, base_url: str) -> dict[str, Any]:
        media = task.media
        finished = task.finish_wall if task.finish_wall is not None else time.time()
        hex_id = task.task_id.rsplit("-", 1)[-1]
        permanent = task.storage_mode == "Permanent"
        meta: dict[str, Any] = {
            "Size": len(media.content),
            "Container": media.file_type,
            "Width": media.width,
            "Height": media.height,
            "Rotate": 0,
            "Md5": media.md5,
        }
        if task.duration is not None:
            meta.update(
                Duration=task.duration,
                Bitrate=int(len(media.content) * 8 / max(task.duration, 0.001)),
                VideoStreamSet=[
                    {
                        "Bitrate": 0,
                        "Height": media.height,
                        "Width": media.width,
                        "Codec": "h264",
                        "Fps": 24,
                    }
                ],
                AudioStreamSet=[],
            )
        file_info = {
            "FileUrl": f"{base_url}{FILES_PREFIX}/{task.task_id}/{media.file_name}",
            "FileType": media.file_type,
            "FileId": str(10**17 + int(hex_id[:12], 16)) if permanent else "",
            "StorageMode": task.storage_mode,
            "MediaName": task.media_name,
            "ClassId": 0,
            "ExpireTime": format_time(finished + EXPIRY_SECONDS) if not permanent else UNSET_TIME,
            "MetaData": meta,
        }
        output: dict[str, Any] = {"FileInfos": [file_info]}
        if task.duration is not None:
            output["Usage"] = {"InputTokens": 0, "OutputSeconds": task.duration}
        return output

    def file_for(self, task_id: str, name: str) -> MediaFile | None:
        """The file behind a FileUrl: only for a task a query saw FINISH without failure."""
        task = self.state.find_task(task_id, time.monotonic())
        if task is None or task.failure is not None or name != task.media.file_name:
            return None
        status, _ = self.state.advance(task, query=False)
        return task.media if status == FINISH else None


def _is_string(spec: dict[str, Any], schema: JSON, name: str) -> bool:
    prop = resolve(spec, object_properties(spec, schema).get(name, {}))
    kind = prop.get("type") if isinstance(prop, dict) else None
    return kind == "string" or (isinstance(kind, list) and "string" in kind)
