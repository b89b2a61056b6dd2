from chainhub_aigc import Client, Task

with Client() as client:
    # 1. Create: returns at once with the task id (and the session_id that
    #    makes retries safe).
    created = client.videos.create(
        model_name="Kling",
        model_version="2.1",
        prompt="a car on a highway",
        output_config={"duration": 5, "resolution": "1080P"},
    )
    print(created.task_id, created.session_id)

    # 2. Look at it once...
    task = client.tasks.get(created.task_id)
    print(task.status, task.progress)

    # 3. ...or wait until it is done, hearing of every change.
    def show(task: Task) -> None:
        print(f"{task.task_id}: {task.status} {task.progress}%")

    result = client.tasks.wait(created, timeout=600, on_progress=show)

    # 4. Download every output file.
    for file in result.files:
        print(file.url, file.width, file.height, file.duration)
    print(result.download("videos/"))
