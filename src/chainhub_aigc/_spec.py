"""The packaged OpenAPI document, read at run time (lazily, once).

The generated package ships the spec it was generated from as package data:
``chainhub_aigc_client/openapi.json`` (read with the standard library) and
``chainhub_aigc_client/openapi.yaml``. Only a generated package too old to have the JSON falls
back to the YAML, read with ruamel.yaml when it is installed (YAML 1.2: PyYAML is YAML 1.1 and
would turn ``16:9`` into the integer 969); ruamel.yaml is not a runtime dependency.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
from collections.abc import Mapping
from typing import Any

from .errors import ConfigurationError

SPEC_PACKAGE = "chainhub_aigc_client"

# The spec's servers[0]; a constant so that constructing a client never parses the spec
# (tests/client/test_config.py checks that it equals the packaged spec's first server).
DEFAULT_BASE_URL = "https://api.chainhub.tech"


@functools.cache
def load_spec() -> Mapping[str, Any]:
    """The packaged OpenAPI document as plain data."""
    files = importlib.resources.files(SPEC_PACKAGE)
    json_file = files / "openapi.json"
    if json_file.is_file():
        data = json.loads(json_file.read_text(encoding="utf-8"))
    else:
        yaml_file = files / "openapi.yaml"
        if not yaml_file.is_file():
            raise ConfigurationError(f"the package {SPEC_PACKAGE} has no openapi.json/openapi.yaml")
        try:  # an older generated package without openapi.json: needs a YAML 1.2 parser
            from ruamel.yaml import YAML
        except ImportError as exc:
            raise ConfigurationError(
                f"{SPEC_PACKAGE} ships no openapi.json and ruamel.yaml is not installed to read "
                "its openapi.yaml: regenerate the package (make generate) or install ruamel.yaml"
            ) from exc
        data = YAML(typ="safe", pure=True).load(yaml_file.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigurationError(
            f"the packaged OpenAPI document of {SPEC_PACKAGE} is not a mapping"
        )
    return data


def spec_server_url() -> str:
    """The first server URL of the packaged spec."""
    servers = load_spec().get("servers") or []
    return str(servers[0]["url"]).rstrip("/")
