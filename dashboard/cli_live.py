"""``tanggap simulate`` and ``tanggap api …``: live operations."""

from __future__ import annotations

import typer

api_app = typer.Typer(help="Ingest API integrations and their tokens.", no_args_is_help=True)
