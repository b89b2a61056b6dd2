from chainhub_aigc import Client
from chainhub_aigc_client.api.tasks import get_task

with Client() as client:
    created = client.images.create(
        model_name="GEM", model_version="3.0", prompt="a red fox"
    )
    # The generated package, configured like the client
    # (it has its own connection pool: close it).
    with client.generated_client() as low_level:
        detail = get_task.sync(created.task_id, client=low_level)
        print(type(detail).__name__)
