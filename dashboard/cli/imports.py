"""What every ``tanggap … import`` command shares: its options, and the runner that opens
the database, runs one importer in one transaction with a progress bar and summarises
its outcome (what was loaded, what was rejected and why, where the rejects file is)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy import Connection

from dashboard.cli.console import say
from dashboard.cli.db import open_database
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.operations.incidents import IncidentValidationError
from geodata.settings import Settings

__all__ = [
    "CityOption",
    "CrsOption",
    "ExistingFile",
    "LayerOption",
    "MarginOption",
    "RejectsOption",
    "console",
    "run_import",
]

console = Console(stderr=True)

ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
CityOption = Annotated[str, typer.Option("--city", help="Kemendagri code of the city, e.g. 36.72.")]
CrsOption = Annotated[
    str | None, typer.Option(help="CRS of the file when it declares none, e.g. EPSG:32748.")
]
LayerOption = Annotated[str | None, typer.Option(help="Layer of a multi-layer file (GPKG).")]
RejectsOption = Annotated[
    Path | None, typer.Option(help="Where to write rejected rows (default: FILE.rejected.csv).")
]
MarginOption = Annotated[
    float, typer.Option(help="Metres beyond the city boundary still accepted.")
]


def run_import(
    title: str, work: Callable[[Connection, Callable[[str, int, int], None]], ImportOutcome]
) -> None:
    """Open the database, run ``work`` in one transaction with a progress bar, summarise."""
    started = time.perf_counter()
    try:
        with (
            open_database(Settings(), upgrade=False) as (engine, _),
            progress_bar() as progress,
            engine.begin() as conn,
        ):
            outcome = work(conn, progress)
    except (ImportRefusedError, IncidentValidationError) as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        typer.secho("Nothing was written.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    summarise(title, outcome)
    say(f"Done in {time.perf_counter() - started:.1f} s.")


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("starting", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total or None)

        yield update


def summarise(title: str, outcome: ImportOutcome) -> None:
    loaded = Table(title=escape(title), show_header=True, header_style="bold")
    loaded.add_column("loaded")
    loaded.add_column("count", justify="right")
    for what, count in outcome.loaded.items():
        loaded.add_row(escape(what), f"{count:,}")
    loaded.add_row(
        "rows rejected", f"{outcome.rejected_rows:,}", style="red" if outcome.rejected_rows else ""
    )
    if outcome.rejected_fields:
        loaded.add_row("fields left empty (row kept)", f"{outcome.rejected_fields:,}", style="red")
    console.print(loaded)
    if outcome.rejects:
        why = Table(title="Rejected, by field", header_style="bold")
        why.add_column("field")
        why.add_column("rows", justify="right")
        why.add_column("for example")
        examples = {}
        for reject in outcome.rejects:
            examples.setdefault(reject.field, escape(f"row {reject.row}: {reject.message}"))
        for field, count in outcome.rejects_by_field().items():
            why.add_row(escape(field), f"{count:,}", examples[field])
        console.print(why)
    if outcome.rejects_file is not None:
        where = escape(str(outcome.rejects_file))
        console.print(f"Rejected rows and fields, to fix and import again: [bold]{where}[/]")
    for warning in outcome.warnings[:10]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if len(outcome.warnings) > 10:
        console.print(f"[yellow]… and {len(outcome.warnings) - 10} more warnings[/]")
