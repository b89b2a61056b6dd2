from chainhub_aigc import Client

# Retries (connection errors, timeouts, 408, 429, 5xx) are on by default:
# max_retries=2.
client = Client(timeout=30, max_retries=5, max_retry_after=60)

# A copy with other HTTP settings that shares the connection pool:
# fail fast, no retry.
fast = client.with_options(timeout=5, max_retries=0)
created = fast.images.create(
    model_name="GEM", model_version="3.0", prompt="a red fox"
)

# A create always carries a session_id (yours, or one the SDK makes up):
# a retry that reaches the server twice is refused as a duplicate instead
# of billing twice.
print(created.task_id, created.session_id)
client.close()
