"""A stateful, strict mock of the chainhub AIGC API, built from the OpenAPI spec at start-up.

    from chainhub_aigc.mock import create_app, MockConfig, MockServer

    app = create_app(MockConfig(tokens=frozenset({"dev-token"}), mode="deterministic",
                                finish_after=2, fault_rate=0.0, faults=(), seed=0))
    with MockServer(MockConfig(), host="127.0.0.1", port=0) as server:
        server.base_url    # "http://127.0.0.1:PORT"
        server.state       # MockState: .tasks (task_id -> MockTask), .session_creates

    python -m chainhub_aigc.mock --host 127.0.0.1 --port 4010 --token dev-token

The design, module by module:
- `spec`: the spec (read and `$ref`-resolved by the SDK's `chainhub_aigc._spec`, the copy
  shipped in `chainhub_aigc_client` by default), its OpenAPI 3.0 schemas converted to JSON
  Schema and compiled into jsonschema-rs validators, once;
- `app`: Starlette routes from the spec's paths, the request pipeline (auth, faults, size,
  content type, JSON, validation), the error envelope, the mock-only routes;
- `tasks`: what the operations do (createImageTask, createVideoTask, getTask by operationId);
- `synth`: what every other operation of the spec answers (its documented success, from the
  examples or synthesized from the schema), so no operation is ever a 501;
- `state`: tasks (bounded in count and in bytes), session_id deduplication, task progress
  (deterministic or timed, each task's duration fixed or drawn in a range);
- `limits`: the vendor's rate limits (`--rate-limits`), token buckets per bearer token;
- `config`: `MockConfig` and the fault vocabulary of `X-Mock-Fault` / `--faults`;
- `media`: the PNG and MP4 that finished tasks serve;
- `server`: uvicorn in a thread (`MockServer`) or in the foreground (the command line), with
  what uvicorn lacks against slow or hostile clients: a deadline for each whole request and a
  bound on request heads.
"""

import warnings
from typing import Any

from chainhub_aigc.mock.app import MockApp, MockConnectionDropped, create_app
from chainhub_aigc.mock.config import FAULT_HEADER, FAULT_KINDS, Fault, MockConfig, parse_faults
from chainhub_aigc.mock.server import MockServer
from chainhub_aigc.mock.state import MockState, MockTask

__all__ = [
    "FAULT_HEADER",
    "FAULT_KINDS",
    "Fault",
    "MockApp",
    "MockConfig",
    "MockConnectionDropped",
    "MockServer",
    "MockState",
    "MockTask",
    "create_app",
    "parse_faults",
]


def __getattr__(name: str) -> Any:
    # `Task` was the mock's task record; it is `MockTask` now (chainhub_aigc.Task is the SDK's).
    if name == "Task":
        warnings.warn(
            "chainhub_aigc.mock.Task is deprecated: use chainhub_aigc.mock.MockTask",
            DeprecationWarning,
            stacklevel=2,
        )
        return MockTask
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
