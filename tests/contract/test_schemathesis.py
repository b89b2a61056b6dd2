"""schemathesis against the mock, in-process (ASGI, no socket): every default check, zero failures.

The schema is loaded the way a user would: from the mock's own `/openapi.json`, with the
settings of `schemathesis.toml` (bearer token, seed, max-examples, the session_id hook). No
check is disabled or loosened. Two parts:

- stateless: `@schema.parametrize()` runs, per operation, the examples, coverage and fuzzing
  phases (positive and negative data) and every default check on each response
  (not_a_server_error, status_code_conformance, content_type_conformance,
  response_schema_conformance, response_headers_conformance, negative_data_rejection,
  positive_data_acceptance, ignored_auth, unsupported_method, missing_required_header,
  allow_header_conformance, use_after_free, ensure_resource_availability, ...);
- stateful: `schema.as_state_machine()` follows the spec's OpenAPI links, create -> getTask
  with the created TaskId; the test then checks that the links were really followed.

What bounds the work: max-examples and the seed in schemathesis.toml (per operation that many
fuzzed cases, plus the coverage phase's boundary and negative cases, the spec's example, and
the extra requests of ignored_auth and unsupported_method), and STATEFUL_EXAMPLES scenarios of
up to STATEFUL_STEPS steps. Hypothesis is derandomized, with deadline=None and the too_slow
health check off, so every run sends the same cases and a slow machine cannot make it flaky.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from chainhub_aigc.mock import MockConfig, create_app
from tests.data import MOCK_TOKEN, SCHEMATHESIS_TOML

STATEFUL_EXAMPLES = 25
STATEFUL_STEPS = 12
HYPOTHESIS = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

app = create_app(MockConfig(tokens=frozenset({MOCK_TOKEN}), mode="deterministic", finish_after=2))
config = SchemathesisConfig.from_path(SCHEMATHESIS_TOML)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@schema.parametrize()
@HYPOTHESIS
def test_api_conforms(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()


class APIWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """The stateful phase, counting what it saw (to prove the links were followed)."""

    seen: ClassVar[Counter[tuple[str, int]]] = Counter()

    def after_call(self, response: Any, case: schemathesis.Case[Any]) -> None:
        super().after_call(response, case)
        operation_id = case.operation.definition.raw.get("operationId", "?")
        APIWorkflow.seen[(operation_id, response.status_code)] += 1


def test_stateful_links_create_then_query() -> None:
    APIWorkflow.seen.clear()
    APIWorkflow.run(
        settings=settings(
            HYPOTHESIS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=STATEFUL_STEPS
        )
    )
    seen = APIWorkflow.seen
    created = seen[("createImageTask", 200)] + seen[("createVideoTask", 200)]
    assert created > 0, seen
    # getTask answered 200: it was called with a TaskId that a create returned (the link);
    # a made-up id gets 404.
    assert seen[("getTask", 200)] > 0, seen
    mock = app.state.mock
    assert any(task.queries > 0 for task in mock.state.tasks.values())
