from chainhub_aigc import Client

with Client() as client:
    created = client.images.create(model_name="GEM", model_version="3.0", prompt="a red fox")
    task_id = created.task_id

    # Any GET path of the gateway, with the SDK's retries, errors, timeout and key redaction:
    answer = client.get("/tencent-vod/v1/query/" + task_id)
    print(answer["Response"]["Status"])

    # By the spec's operationId, its path parameters filled in:
    answer = client.request("getTask", path_params={"task_id": task_id})
    print(answer["Response"]["TaskType"], answer["Response"]["Status"])

    # A POST is retried only when its body carries a non-empty session_id.
    answer = client.post(
        "/tencent-vod/v1/aigc-image",
        json={"model_name": "GEM", "model_version": "3.0", "prompt": "a fox", "session_id": "s-1"},
    )
    print(answer["Response"]["TaskId"])
