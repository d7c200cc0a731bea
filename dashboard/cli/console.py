"""How the CLI talks to the person at the terminal."""

from __future__ import annotations

import typer

__all__ = ["say"]


def say(message: str) -> None:
    """One line of progress on stderr (stdout stays for what a command outputs)."""
    typer.secho(f"• {message}", fg=typer.colors.CYAN, err=True)
