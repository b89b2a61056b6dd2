"""The environment variables the SDK and the CLI read (a module that imports nothing, so the
CLI can name them before it loads the HTTP stack)."""

from typing import Final

API_KEY_ENV: Final = "CHAINHUB_API_KEY"
BASE_URL_ENV: Final = "CHAINHUB_BASE_URL"
INSECURE_HTTP_ENV: Final = "CHAINHUB_ALLOW_INSECURE_HTTP"
LOG_ENV: Final = "CHAINHUB_LOG"
