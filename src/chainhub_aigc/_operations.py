"""The operation table: one row per operation of the packaged spec, computed (lazily, once).

Nothing here names an operation, a path or a field: a row is read from the spec (operationId,
method, path template, parameters, request schema), plus what the generator made of it (the
module ``chainhub_aigc_client.api.<tag>.<snake_case operationId>``, named by the generator's own
rule) and the retry rule (:meth:`OperationRow.retry_safe`). ``client.get``/``client.post``/
``client.request`` reach any row with no code of their own; a typed method is one entry of
``_resources.PARSERS`` (operationId -> parser of the answer) plus its signature.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any
from urllib.parse import quote

from ._spec import SpecError, operation_rate_limit, packaged_spec, resolve, spec_operations
from ._validation import SpecValidator
from .errors import RequestValidationError

GENERATED_API = "chainhub_aigc_client.api"
# Methods that change nothing on the server: always safe to send again.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The API's dedupe key: a create that carries one cannot bill twice (a repeat is rejected).
DEDUPE_KEY = "session_id"

_DELIMITERS = r"\. _-"
_TEMPLATE = re.compile(r"\{([^{}]+)\}")


def generated_identifier(name: str, prefix: str) -> str:
    """A name as openapi-python-client 0.29.1 turns it into a module (``PythonIdentifier``):
    snake_case over its words, a ``_`` suffix for a keyword or builtin, ``prefix`` in front
    if it is still no identifier (``tag`` for tags, ``field_`` for operations).
    ``tests/client/test_generic_calls.py`` compares it with the generator's own."""
    safe = "".join(c for c in name if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)
    leading_underscore = safe.startswith("_")
    if any(c.isupper() for c in safe):
        safe = " ".join(re.split("([A-Z]?[a-z]+)", safe))
    value = "_".join(re.findall(rf"[^{re.escape(_DELIMITERS)}]+", safe)).lower()
    if keyword.iskeyword(value) or value in _RESERVED:
        value += "_"
    return value if value.isidentifier() and not leading_underscore else prefix + value


_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def retry_safe(method: str, body: Any) -> bool:
    """GETs (and other safe methods) always; a POST only when its JSON body carries a
    non-empty ``session_id`` (the server rejects a repeat instead of billing twice)."""
    if method.upper() in SAFE_METHODS:
        return True
    if isinstance(body, Mapping):
        key = body.get(DEDUPE_KEY)
        return isinstance(key, str) and bool(key)
    return False


@dataclass(frozen=True, slots=True)
class OperationRow:
    """One operation of the spec, as the SDK uses it."""

    operation_id: str
    method: str
    """Upper case."""
    path: str
    """The spec's path template (``/tencent-vod/v1/query/{task_id}``)."""
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    parameter_schemas: Mapping[tuple[str, str], Mapping[str, Any]]
    """``(location, name)`` -> the parameter's schema (resolved)."""
    request_schema: Mapping[str, Any] | None
    """The JSON request body's schema (resolved), or None."""
    module: str
    """The generated module (``chainhub_aigc_client.api.tasks.get_task``)."""
    segments: tuple[str, ...]
    """The path template split at its parameters: literal, name, literal, ... literal."""
    rate_bucket: str = "query"
    """The per-account rate limit the operation spends (``create`` or ``query``), from the
    spec's ``x-rate-limit``; ``query`` when the spec says nothing."""
    rate_per_second: float = math.inf
    """That bucket's documented limit in requests per second; ``math.inf`` when unknown."""

    def retry_safe(self, body: Any) -> bool:
        return retry_safe(self.method, body)

    def generated_module(self) -> ModuleType:
        return _import(self.module)

    def request_model(self) -> type[Any] | None:
        """The generated model class of the request body (what the generated client sends)."""
        return _request_model(self.module)

    def fill(self, path_params: Mapping[str, Any]) -> str:
        """The path with its parameters filled in (percent-encoded, ``/`` included)."""
        if len(path_params) == len(self.path_params) and all(
            name in path_params for name in self.path_params
        ):
            parts = list(self.segments)
            for index, name in enumerate(self.path_params):
                parts[2 * index + 1] = quote(str(path_params[name]), safe="")
            return "".join(parts)
        missing = [name for name in self.path_params if name not in path_params]
        unknown = [name for name in path_params if name not in self.path_params]
        problems = [(name, f"missing (path parameter of {self.operation_id})") for name in missing]
        problems += [
            (
                name,
                f"not a path parameter of {self.operation_id} (it has: "
                f"{', '.join(self.path_params) or 'none'})",
            )
            for name in unknown
        ]
        raise RequestValidationError(problems)


@functools.cache
def _import(module: str) -> ModuleType:
    return importlib.import_module(module)


@functools.cache
def _request_model(module: str) -> type[Any] | None:
    body = _import(module)._get_kwargs.__annotations__.get("body")
    return body if isinstance(body, type) else None


class OperationTable:
    """The rows by operationId, and a matcher from a concrete request path back to its row."""

    def __init__(self, spec: Mapping[str, Any], rows: Mapping[str, OperationRow]) -> None:
        self.spec = spec
        self.rows = dict(rows)
        self._validator: SpecValidator | None = None
        self._patterns = [
            (
                row,
                re.compile(
                    "^"
                    + "".join(
                        "([^/]+)" if index % 2 else re.escape(part)
                        for index, part in enumerate(_TEMPLATE.split(row.path))
                    )
                    + "$"
                ),
            )
            # literal paths before templated ones, so that /x/{id} never shadows /x/list
            for row in sorted(self.rows.values(), key=lambda r: (r.path.count("{"), r.path))
        ]

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> OperationTable:
        rows: dict[str, OperationRow] = {}
        for path, method, op, parameters in spec_operations(spec):
            operation_id = op["operationId"]
            if operation_id in rows:
                raise SpecError(f"operationId {operation_id!r} is used twice")
            schemas = {
                (str(p["in"]), str(p["name"])): resolve(spec, p.get("schema", {}))
                for p in parameters
            }
            body = resolve(spec, op.get("requestBody")) or {}
            media = (body.get("content") or {}).get("application/json") or {}
            request = resolve(spec, media["schema"]) if "schema" in media else None
            tags = op.get("tags") or ["default"]
            rate_bucket, rate_per_second = operation_rate_limit(op)
            rows[operation_id] = OperationRow(
                operation_id=operation_id,
                method=method.upper(),
                path=path,
                path_params=tuple(_TEMPLATE.findall(path)),
                segments=tuple(_TEMPLATE.split(path)),
                query_params=tuple(name for where, name in schemas if where == "query"),
                parameter_schemas=schemas,
                request_schema=request,
                module=f"{GENERATED_API}.{generated_identifier(str(tags[0]), 'tag')}."
                f"{generated_identifier(operation_id, 'field_')}",
                rate_bucket=rate_bucket,
                rate_per_second=rate_per_second,
            )
        return cls(spec, rows)

    def __getitem__(self, operation_id: str) -> OperationRow:
        try:
            return self.rows[operation_id]
        except KeyError:
            known = ", ".join(sorted(self.rows))
            raise RequestValidationError(
                [("operation_id", f"no operation {operation_id!r} in the spec (known: {known})")]
            ) from None

    def errors(self, row: OperationRow, where: str, name: str, value: Any) -> list[tuple[str, str]]:
        """What is wrong with a value of ``row`` (``where``: path, query, or body), by the
        spec's rules; a body may have fields the spec does not declare (generic calls)."""
        if self._validator is None:
            self._validator = SpecValidator(self.spec, unknown_fields=True)
        schema = row.request_schema if where == "body" else row.parameter_schemas.get((where, name))
        if schema is None:
            return []
        return self._validator.errors(schema, value, name)

    def match(self, method: str, path: str) -> tuple[OperationRow, dict[str, str]] | None:
        """The row of ``METHOD path`` (a concrete path) and its path parameters, or None."""
        method = method.upper()
        for row, pattern in self._patterns:
            if row.method != method:
                continue
            found = pattern.match(path)
            if found is not None:
                return row, dict(zip(row.path_params, found.groups(), strict=True))
        return None


@functools.cache
def operation_table() -> OperationTable:
    """The table of the packaged spec, computed on first use."""
    return OperationTable.from_spec(packaged_spec())
