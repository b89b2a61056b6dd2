"""Generate the client package from the built spec with the pinned openapi-python-client.

    python scripts/generate.py [--spec SPEC] [--out PACKAGE_DIR]

The generator always runs in a fresh temporary directory (so its ruff post-hooks see no project
configuration and the output is the same wherever it runs), with --fail-on-warning (a dropped
schema or endpoint is only a warning otherwise), with our pinned custom template, and with the
virtual environment's bin/ first on PATH (the post-hooks need ruff). The result replaces the
output package whole, plus the spec it came from as package data (openapi.yaml, and
openapi.json for runtime readers), plus the SDK's typed request parameters (sdk_params.py,
written by scripts/generate_surface.py).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `scripts` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts import generate_surface
from scripts.overlay import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "chainhub-aigc.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
TEMPLATES = ROOT / "openapi" / "templates"
OUT = ROOT / "generated" / "chainhub_aigc_client"
GENERATOR_VERSION = "0.29.1"  # the custom template is a copy of this version's; keep in step


class GenerateError(Exception):
    pass


def generate(spec: Path = SPEC, out: Path = OUT) -> None:
    installed = importlib.metadata.version("openapi-python-client")
    if installed != GENERATOR_VERSION:
        raise GenerateError(
            f"openapi-python-client {installed} is installed, the pipeline is pinned to "
            f"{GENERATOR_VERSION} (the custom template in openapi/templates/ is its copy)"
        )
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    data = load_yaml(spec)  # once: the YAML 1.2 round-trip load is the slow part of a run
    # The spec as JSON, for the generator and as package data for runtime readers (the SDK's
    # request checks, the mock) that should not need a YAML 1.2 parser. The generator parses a
    # `.json` path with json.loads instead of its pure-Python YAML loader: same data, less CPU.
    spec_text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    with tempfile.TemporaryDirectory(prefix="chainhub-generate-") as tmp:
        package = Path(tmp) / out.name
        spec_json = Path(tmp) / "openapi.json"
        spec_json.write_text(spec_text, encoding="utf-8")
        command = [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(spec_json),
            "--config",
            str(CONFIG),
            "--custom-template-path",
            str(TEMPLATES),
            "--meta",
            "none",
            "--output-path",
            str(package),
            "--fail-on-warning",
        ]
        result = subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise GenerateError(
                "openapi-python-client failed:\n" + (result.stdout + result.stderr).strip()
            )
        # The spec as package data: YAML as built, and its JSON form.
        shutil.copyfile(spec, package / "openapi.yaml")
        shutil.copyfile(spec_json, package / "openapi.json")
        (package / "py.typed").touch()
        try:  # the SDK's typed request parameters, derived from the same spec
            generate_surface.write(data, package)
        except generate_surface.SurfaceError as exc:
            raise GenerateError(f"typed params: {exc}") from exc
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(package, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=SPEC)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    try:
        generate(args.spec, args.out)
    except GenerateError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 1
    print(f"generated {args.out} from {args.spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
