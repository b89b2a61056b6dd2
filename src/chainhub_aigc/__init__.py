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
:mod:`chainhub_aigc.errors`; the generated low-level client is the ``chainhub_aigc_client``
package.
"""

from ._async_client import AsyncClient
from ._client import Client
from ._config import __version__
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
