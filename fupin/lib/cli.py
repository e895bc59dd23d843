"""Shared pieces of the `fupin` management commands: JSON output and refusing bad files."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console


class FupinCommand(BaseCommand):
    """A command with `--json`: a human summary line by default, one JSON object with it."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def emit(self, options: dict[str, Any], summary: str, data: dict[str, Any]) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps(data, ensure_ascii=False))
        else:
            self.stdout.write(summary)


def refuse(problems: list[Any], title: str) -> CommandError:
    """A CommandError listing every problem (the process exits with status 1)."""
    lines = [title, *(f"  {p}" for p in problems)]
    return CommandError("\n".join(lines))


@contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner on the terminal while a long step runs; silent when output is piped."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(message):
        yield
