"""Every ``tanggap …`` line of the guides names a real command and only its real options,
so a renamed option fails here before it fails a new center following the guide.

The commands themselves run in tests/realdata/test_cilegon_end_to_end.py; this reads the
text of the documents as a user copies it (continued lines joined, comments dropped).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperGroup

from dashboard.cli.main import app

ROOT = Path(__file__).resolve().parents[3]
#: guide → the fewest command lines it holds (a guide read as empty fails too)
GUIDES = {"docs/adopting.md": 15, "README.md": 4}


def documented_commands(path: Path) -> list[list[str]]:
    """The ``tanggap`` command lines of the ``bash`` blocks of ``path``, split as a shell does."""
    blocks = re.findall(r"```bash\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)
    lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
    return [shlex.split(line, comments=True) for line in lines
            if line.strip().startswith("tanggap ")]  # fmt: skip


def resolve(words: list[str]) -> tuple[Any, list[str]]:
    """The command the words name (Typer's own click), and the words left for its options."""
    command: Any = typer.main.get_command(app)
    rest = words[1:]
    while isinstance(command, TyperGroup) and rest and rest[0] in command.commands:
        command, rest = command.commands[rest[0]], rest[1:]
    return command, rest


@pytest.mark.parametrize("guide", sorted(GUIDES))
def test_every_documented_command_and_option_exists(guide: str) -> None:
    found = documented_commands(ROOT / guide)
    assert len(found) >= GUIDES[guide], "the guide's commands were not read"
    for words in found:
        command, rest = resolve(words)
        assert not isinstance(command, TyperGroup), f"not a command: {' '.join(words)}"
        options = {name for p in command.params for name in (*p.opts, *p.secondary_opts)}
        given = {word.split("=")[0] for word in rest if word.startswith("--")}
        assert given <= options, (" ".join(words[:3]), sorted(given - options))
        required = [p for p in command.params if p.required and p.param_type_name == "option"]
        missing = [p.opts[0] for p in required if not set(p.opts) & given]
        assert not missing, (" ".join(words[:3]), missing)
