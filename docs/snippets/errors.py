from chainhub_aigc import Client
from chainhub_aigc.errors import (
    APIConnectionError,
    RateLimitError,
    RequestValidationError,
    TaskFailedError,
    TencentAPIError,
    WaitTimeoutError,
)

with Client() as client:
    try:
        result = client.images.generate(
            model_name="GEM",
            model_version="3.0",
            prompt="a red fox",
            tasks_priority=99,  # the spec allows -10..10: nothing is sent
            timeout=600,
        )
        print(result.download("out/"))
    # Before sending, naming the field:
    except RequestValidationError as e:
        print(e)  # invalid request: tasks_priority: ...
    # FINISH with ErrCode/ErrCodeExt, or ABORTED:
    except TaskFailedError as e:
        print("failed:", e.task.err_code_ext, e.message)
    # The deadline passed; the task may still finish:
    except WaitTimeoutError as e:
        print("still running:", e.last_task)
    # 429 after the retries (Retry-After was honoured):
    except RateLimitError as e:
        print("rate limited:", e.code, e.request_id)
    # Any other Response.Error:
    except TencentAPIError as e:
        print(e.code, e.message, e.request_id)
    # No usable answer (APITimeoutError included):
    except APIConnectionError as e:
        print("network:", e)
