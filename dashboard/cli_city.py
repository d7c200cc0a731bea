"""``tanggap city …`` and ``tanggap incidents …``: loading a real city and its call logs."""

from __future__ import annotations

import typer

city_app = typer.Typer(help="Load a real city: roads, boundaries, posko.", no_args_is_help=True)
incidents_app = typer.Typer(help="Historical incident logs.", no_args_is_help=True)
