"""``tanggap units …``: the city's fleet from a roster file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli.imports import ExistingFile, RejectsOption, run_import
from geodata.importers.sources import SourceFile
from geodata.importers.units import import_units, read_mapping

units_app = typer.Typer(help="The city's fleet: units, their agency, posko and vehicle.",
                        no_args_is_help=True)  # fmt: skip


@units_app.command("import")
def import_units_command(
    file: ExistingFile,
    city: Annotated[str, typer.Option("--city", help="Kemendagri code of the city, e.g. 36.72.")],
    mapping: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="YAML: the file's columns and words."),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet of an XLSX file.")] = None,
    rejects: RejectsOption = None,
) -> None:
    """A unit roster (CSV or XLSX), upserted by call sign; rejected rows to a file."""
    source = SourceFile(file, sheet=sheet, rejects=rejects)
    run_import(
        f"Units of {city} from {file.name}",
        lambda conn, _: import_units(conn, source, city_code=city, mapping=read_mapping(mapping)),
    )
