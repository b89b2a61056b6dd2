"""A stateful, strict mock of the chainhub AIGC API, built from the OpenAPI spec at start-up.

    from chainhub_aigc.mock import create_app, MockConfig, MockServer

    app = create_app(MockConfig(tokens=frozenset({"dev-token"}), mode="deterministic",
                                finish_after=2, fault_rate=0.0, faults=(), seed=0))
    with MockServer(MockConfig(), host="127.0.0.1", port=0) as server:
        server.base_url    # "http://127.0.0.1:PORT"
        server.state       # MockState: .tasks (task_id -> Task), .session_creates

    python -m chainhub_aigc.mock --host 127.0.0.1 --port 4010 --token dev-token

The design, module by module:
- `spec`: reads the spec (the copy shipped in `chainhub_aigc_client`), converts its OpenAPI
  3.0 schemas to JSON Schema and compiles jsonschema-rs validators, once;
- `app`: Starlette routes from the spec's paths, the request pipeline (auth, faults, size,
  content type, JSON, validation), the error envelope, the mock-only routes;
- `tasks`: what the operations do (createImageTask, createVideoTask, getTask by operationId);
- `state`: tasks, session_id deduplication, task progress (deterministic or timed);
- `config`: `MockConfig` and the fault vocabulary of `X-Mock-Fault` / `--faults`;
- `media`: the PNG and MP4 that finished tasks serve;
- `server`: uvicorn in a thread (`MockServer`) or in the foreground (the command line).
"""

from chainhub_aigc.mock.app import MockApp, MockConnectionDropped, create_app
from chainhub_aigc.mock.config import FAULT_HEADER, FAULT_KINDS, Fault, MockConfig, parse_faults
from chainhub_aigc.mock.server import MockServer
from chainhub_aigc.mock.state import MockState, Task

__all__ = [
    "FAULT_HEADER",
    "FAULT_KINDS",
    "Fault",
    "MockApp",
    "MockConfig",
    "MockConnectionDropped",
    "MockServer",
    "MockState",
    "Task",
    "create_app",
    "parse_faults",
]
