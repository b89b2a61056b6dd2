"""chainhub-aigc: the Python SDK for the Tencent VOD AIGC image/video API (chainhub gateway).

::

    from chainhub_aigc import Client

    with Client() as client:  # CHAINHUB_API_KEY, CHAINHUB_BASE_URL
        result = client.images.generate(model_name="GEM", model_version="3.0", prompt="a fox")
        paths = result.download("out/")

Any operation of the spec, one the SDK has no method for included, is one call away, with the
same retries, typed errors, timeout and redaction: ``client.get(path, params=...)``,
``client.post(path, json=...)``, ``client.request(operation_id, path_params=...)`` (parsed
JSON). ``AsyncClient`` has the same surface with ``await``. Errors are in
``chainhub_aigc.errors``; the generated low-level client is the ``chainhub_aigc_client``
package.

Importing the package loads nothing but this module: each public name is imported on first use
(PEP 562 ``__getattr__``), so ``import chainhub_aigc`` and the CLI's ``--help`` stay fast, a
synchronous user never loads asyncio, and nobody loads the mock server unless they use it.
"""

from typing import TYPE_CHECKING

from ._version import __version__

if TYPE_CHECKING:  # what the lazy names are, for type checkers and IDEs
    from ._async_client import AsyncClient
    from ._client import Client
    from ._ratelimit import RateLimits
    from .errors import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ChainhubError,
        ConfigurationError,
        DownloadError,
        InternalServerError,
        MissingAPIKeyError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        RequestValidationError,
        TaskFailedError,
        TaskMayExistError,
        TencentAPIError,
        WaitTimeoutError,
    )
    from .types import (
        AsyncTaskResult,
        CreatedTask,
        OutputFile,
        PollSchedule,
        Task,
        TaskResult,
        parse_time,
    )

# public name -> the submodule that defines it
_LAZY = {
    "AsyncClient": "_async_client",
    "Client": "_client",
    "RateLimits": "_ratelimit",
    "APIConnectionError": "errors",
    "APIResponseValidationError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "ChainhubError": "errors",
    "ConfigurationError": "errors",
    "DownloadError": "errors",
    "InternalServerError": "errors",
    "MissingAPIKeyError": "errors",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "RateLimitError": "errors",
    "RequestValidationError": "errors",
    "TaskFailedError": "errors",
    "TaskMayExistError": "errors",
    "TencentAPIError": "errors",
    "WaitTimeoutError": "errors",
    "AsyncTaskResult": "types",
    "CreatedTask": "types",
    "OutputFile": "types",
    "PollSchedule": "types",
    "Task": "types",
    "TaskResult": "types",
    "parse_time": "types",
}


# Hidden from type checkers, which see the imports above: a typo stays a type error.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # the next access is a plain lookup
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncTaskResult",
    "AuthenticationError",
    "BadRequestError",
    "ChainhubError",
    "Client",
    "ConfigurationError",
    "CreatedTask",
    "DownloadError",
    "InternalServerError",
    "MissingAPIKeyError",
    "NotFoundError",
    "OutputFile",
    "PermissionDeniedError",
    "PollSchedule",
    "RateLimitError",
    "RateLimits",
    "RequestValidationError",
    "Task",
    "TaskFailedError",
    "TaskMayExistError",
    "TaskResult",
    "TencentAPIError",
    "WaitTimeoutError",
    "__version__",
    "parse_time",
]
