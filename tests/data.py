"""Test data shared by the whole suite: one definition each, imported where needed.

Repository paths, the API's paths, the mock's default token, the smallest valid create
bodies (and the CLI arguments that send them), and task ids shaped like real ones. Values
that only one folder uses stay in that folder's conftest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# -- the repository ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
BUILT_SPEC = ROOT / "openapi" / "chainhub-aigc.yaml"
VENDOR_DIR = ROOT / "openapi" / "vendor"
OVERLAYS_DIR = ROOT / "overlays"
SCHEMATHESIS_TOML = ROOT / "schemathesis.toml"

# -- the API ----------------------------------------------------------------------------------

IMAGE_PATH = "/tencent-vod/v1/aigc-image"
VIDEO_PATH = "/tencent-vod/v1/aigc-video"
QUERY_PATH = "/tencent-vod/v1/query/"
"""The query's prefix: append a task id."""
QUERY_TEMPLATE = QUERY_PATH + "{task_id}"
"""The query's path as the spec names it."""
OPERATION_IDS = {IMAGE_PATH: "createImageTask", VIDEO_PATH: "createVideoTask"}

MOCK_TOKEN = "dev-token"
"""The token a mock accepts when MockConfig is given no `tokens`."""
AUTH = {"Authorization": f"Bearer {MOCK_TOKEN}"}

# The smallest valid creates: required fields only (copy before changing: {**IMAGE, ...}).
IMAGE: dict[str, Any] = {"model_name": "GEM", "model_version": "3.0", "prompt": "a red fox"}
VIDEO: dict[str, Any] = {"model_name": "Kling", "model_version": "2.1", "prompt": "a car"}
IMAGE_ARGS = ["image", "--model", "GEM", "--version", "3.0", "--prompt", "a red fox"]
"""The CLI's arguments for IMAGE."""
VIDEO_ARGS = ["video", "--model", "Kling", "--version", "2.1", "--prompt", "a car"]
"""The CLI's arguments for VIDEO."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
"""The first bytes of every PNG file (the PNG standard's, not the mock's own constant)."""

# Task ids in the real format, `<appid>-AigcImageTask-<32 hex>t` (API.md section 2).
TASK_ID = "1392336703-AigcImageTask-47965947a83db42af4b1e3a74c243531t"
VIDEO_TASK_ID = "1392336703-AigcVideoTask-0123456789abcdef0123456789abcdeft"
UNKNOWN_TASK_ID = "1392336703-AigcImageTask-00000000000000000000000000000000t"
"""Well-formed, and no mock ever creates it: the query answers 404."""
