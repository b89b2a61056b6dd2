import uuid

from chainhub_aigc import Client

with Client() as client:
    created = client.images.create(
        model_name="GEM", model_version="3.0", prompt="a red fox"
    )
    task_id = created.task_id

    # Any GET path of the gateway, with the SDK's retries, typed errors,
    # timeout and key redaction:
    answer = client.get("/tencent-vod/v1/query/" + task_id)
    print(answer["Response"]["Status"])

    # By the spec's operationId, its path parameters filled in:
    answer = client.request("getTask", path_params={"task_id": task_id})
    print(answer["Response"]["TaskType"], answer["Response"]["Status"])

    # A POST is sent as given: retried only when its body carries a session_id
    # (unique: a repeat within 3 days is refused).
    answer = client.post(
        "/tencent-vod/v1/aigc-image",
        json={
            "model_name": "GEM",
            "model_version": "3.0",
            "prompt": "a fox",
            "session_id": uuid.uuid4().hex,
        },
    )
    print(answer["Response"]["TaskId"])
