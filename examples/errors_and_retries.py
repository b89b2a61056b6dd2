"""Typed errors and retries, each shown once against the mock's injected faults.

    chainhub-aigc mock --port 4010 --token dev-token &
    CHAINHUB_BASE_URL=http://127.0.0.1:4010 CHAINHUB_API_KEY=dev-token \
        python examples/errors_and_retries.py

Faults are asked for with the mock-only header `X-Mock-Fault` (the real gateway ignores it),
set here through `default_headers`: every request of that client carries it.
"""

from __future__ import annotations

import logging

from chainhub_aigc import Client
from chainhub_aigc.errors import (
    InternalServerError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
)
from chainhub_aigc.types import ImageTaskParams

IMAGE: ImageTaskParams = {"model_name": "GEM", "model_version": "3.0", "prompt": "a red fox"}


def faulty(fault: str, max_retries: int = 2) -> Client:
    """A client whose every request asks the mock for `fault`."""
    return Client(default_headers={"X-Mock-Fault": fault}, max_retries=max_retries)


def main() -> list[str]:
    seen: list[str] = []

    # 1. A value the spec forbids: refused before anything is sent, the field named.
    too_urgent: ImageTaskParams = {**IMAGE, "tasks_priority": 99}  # the spec says -10..10
    with Client() as client:
        try:
            client.images.create(**too_urgent)
        except RequestValidationError as error:
            print(f"validation: {error.field}: {error.rule}")
            seen.append("RequestValidationError")

    # 2. 429 with Retry-After, every time: retried max_retries times, then RateLimitError.
    with faulty("rate-limit;retry-after=0", max_retries=1) as client:
        try:
            client.images.create(**IMAGE)
        except RateLimitError as error:
            print(f"rate limit: HTTP {error.status_code} {error.code} after 2 attempts")
            seen.append("RateLimitError")

    # 3. A 503 on each attempt, no retry: InternalServerError at once.
    with faulty("unavailable", max_retries=0) as client:
        try:
            client.tasks.get("1392336703-AigcImageTask-" + "0" * 32 + "t")
        except InternalServerError as error:
            print(f"unavailable: HTTP {error.status_code} {error.code}")
            seen.append("InternalServerError")

    # 4. The task is created, then FINISHes failed: TaskFailedError with ErrCodeExt.
    with faulty("task-fail;code=ContentModerationFailed") as client:
        try:
            client.images.generate(**IMAGE, timeout=60)
        except TaskFailedError as error:
            print(f"task failed: {error.task_id}: {error.err_code_ext} ({error.message})")
            seen.append("TaskFailedError")
    return seen


if __name__ == "__main__":
    # The SDK says what it retries, and why, on the "chainhub_aigc" logger.
    logging.basicConfig(level=logging.INFO, format="  log: %(message)s")
    main()
