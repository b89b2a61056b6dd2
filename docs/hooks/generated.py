"""mkdocs hook: the parts of pages that are generated at build time, never pasted.

- `<!-- cli-help -->`: the help of `chainhub-aigc` and of each of its commands, in the
  parser's own order (the commands are read from the parser, so a new command or a new
  option from the spec appears without editing the docs);
- `<!-- operations -->`: a table of the built spec's operations (operationId, method, path,
  summary), each linked to its section of the HTTP API page;
- `<!-- demote-headings -->`: every heading after it goes one level down. The OAD plugin
  (which runs before this hook) renders the spec from a `# title` on; a second `#` on a page
  hides everything under it from Material's table of contents.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

CLI_MARKER = "<!-- cli-help -->"
OPERATIONS_MARKER = "<!-- operations -->"
DEMOTE_MARKER = "<!-- demote-headings -->"
BUILT_SPEC = Path(__file__).resolve().parents[2] / "openapi" / "chainhub-aigc.yaml"
WIDTH = "88"  # argparse wraps to $COLUMNS: a fixed width makes the page reproducible
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _commands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _help(parser: argparse.ArgumentParser) -> str:
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        return parser.format_help()
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def cli_help_markdown() -> str:
    """Markdown sections: `chainhub-aigc --help`, then `chainhub-aigc COMMAND --help` each."""
    from chainhub_aigc.cli import build_parser

    parser = build_parser()
    sections = [("chainhub-aigc --help", _help(parser))]
    sections += [(f"chainhub-aigc {name} --help", _help(sub)) for name, sub in _commands(parser)]
    return "\n".join(
        f"### `{title}`\n\n```text\n{text.rstrip()}\n```\n" for title, text in sections
    )


def operations_markdown(spec_path: Path = BUILT_SPEC) -> str:
    """A Markdown table of the spec's operations, linked to the sections that the OAD plugin
    renders (their ids are the toc slugs of the headings `METHOD /path`)."""
    from ruamel.yaml import YAML

    spec: dict[str, Any] = YAML(typ="safe").load(spec_path)
    rows = ["| operationId | method and path | summary |", "| --- | --- | --- |"]
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            anchor = slugify(f"{method.upper()} {path}", "-")
            summary = str(operation.get("summary", "")).replace("|", "\\|")
            rows.append(
                f"| `{operation.get('operationId', '')}` "
                f"| [`{method.upper()} {path}`](#{anchor}) | {summary} |"
            )
    return "\n".join(rows) + "\n"


def demote_headings(markdown: str) -> str:
    """`#`-headings one level down (`## x` -> `### x`), outside fenced code blocks."""
    lines, fence = [], ""
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = "" if fence == marker else (fence or marker)
        elif not fence and line.startswith("#") and line.lstrip("#").startswith(" "):
            line = "#" + line
        lines.append(line)
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    if CLI_MARKER in markdown:
        markdown = markdown.replace(CLI_MARKER, cli_help_markdown())
    if OPERATIONS_MARKER in markdown:
        markdown = markdown.replace(OPERATIONS_MARKER, operations_markdown())
    if DEMOTE_MARKER in markdown:
        before, after = markdown.split(DEMOTE_MARKER, 1)
        markdown = before + demote_headings(after)
    return markdown
