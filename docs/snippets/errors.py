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
    except RequestValidationError as e:  # before sending, naming the field
        print(e)  # invalid request: tasks_priority: ...
    except TaskFailedError as e:  # FINISH with ErrCode/ErrCodeExt, or ABORTED
        print("failed:", e.task.err_code_ext, e.message)
    except WaitTimeoutError as e:  # the deadline passed; the task may still finish
        print("still running:", e.last_task)
    except RateLimitError as e:  # 429 after the retries (Retry-After was honoured)
        print("rate limited:", e.code, e.request_id)
    except TencentAPIError as e:  # any other Response.Error
        print(e.code, e.message, e.request_id)
    except APIConnectionError as e:  # no usable answer (APITimeoutError included)
        print("network:", e)
