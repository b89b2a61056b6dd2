"""schemathesis hooks of the contract tests, loaded through `schemathesis.toml` (`hooks = ...`),
so that pytest and `st run` send the same requests.

`session_id` is a uniqueness key: the API rejects a repeat within 3 days with 400
`InvalidParameterValue.SessionId` (API.md section 3), and the mock does the same. A fuzzer
replays examples (the spec's example, the coverage phase's boundary values), so its second
valid create would collide with its first and `positive_data_acceptance` would report the
right answer as a rejected valid request. As schemathesis itself advises for such fields, a
`before_call` hook gives each request a fresh session_id; it keeps the value's class: only a
non-empty value within the 50-character limit is replaced, by a unique one no longer than
the limit, so a case that is negative because of its session_id stays negative, and the
duplicate rule itself is tested in tests/mock/.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis

SESSION_ID_MAX = 50  # API.md section 3 (the spec's maxLength)
_fresh = itertools.count()


@schemathesis.hook
def before_call(context: Any, case: schemathesis.Case[Any], kwargs: dict[str, Any]) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    session_id = body.get("session_id")
    if isinstance(session_id, str) and 0 < len(session_id) <= SESSION_ID_MAX:
        fresh = f"st{next(_fresh):x}"
        keep = max(0, len(session_id) - len(fresh))
        body["session_id"] = session_id[:keep] + fresh
