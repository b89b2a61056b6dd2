"""Helpers of the spec tests: walking schemas through $ref and allOf (scripts/defects.py's walk,
the same the defect report uses); the paths they use
(defined in tests.data, re-exported here under the short names of the spec tests)."""

from __future__ import annotations

import json
from typing import Any

from scripts.defects import deref as deref
from scripts.defects import prop as prop
from scripts.defects import request_schema as request_schema
from tests.data import BUILT_SPEC as BUILT_SPEC
from tests.data import IMAGE_PATH, QUERY_TEMPLATE, VIDEO_PATH
from tests.data import ROOT as ROOT
from tests.data import VENDOR_DIR as VENDOR_DIR

IMAGE = IMAGE_PATH
VIDEO = VIDEO_PATH
QUERY = QUERY_TEMPLATE


def plain(data: Any) -> Any:
    return json.loads(json.dumps(data))
