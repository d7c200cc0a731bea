"""``tanggap city …`` and ``tanggap incidents …``: loading a real city and its call logs.

Thin adapters: parse the options, call one importer of :mod:`geodata.importers` inside one
transaction, show its progress and summary. A refused file exits with status 2 and a
message; nothing is written then.
"""

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
from geodata.importers.areas import AreaFields, AreaLevel, import_areas
from geodata.importers.city_area import DEFAULT_MARGIN_M
from geodata.importers.city_create import NewCity, create_city
from geodata.importers.incident_logs import import_incident_log
from geodata.importers.osm_city import CityIdentity, import_osm
from geodata.importers.outcome import ImportOutcome, ImportRefusedError
from geodata.importers.roads import DEFAULT_SNAP_M, NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.operations.incidents import IncidentValidationError
from geodata.settings import Settings
from geodata.vocabulary import AgencyKind, RoadClass

city_app = typer.Typer(help="Load a real city: roads, boundaries, posko.", no_args_is_help=True)
incidents_app = typer.Typer(help="Historical incident logs.", no_args_is_help=True)

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


def _run(
    title: str, work: Callable[[Connection, Callable[[str, int, int], None]], ImportOutcome]
) -> None:
    """Open the database, run ``work`` in one transaction with a progress bar, summarise."""
    started = time.perf_counter()
    try:
        with (
            open_database(Settings(), upgrade=False) as (engine, _),
            _progress() as progress,
            engine.begin() as conn,
        ):
            outcome = work(conn, progress)
    except (ImportRefusedError, IncidentValidationError) as error:
        typer.secho(f"Error: {error}", fg=typer.colors.RED, err=True)
        typer.secho("Nothing was written.", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    _summary(title, outcome)
    say(f"Done in {time.perf_counter() - started:.1f} s.")


#: The runner every import command shares (``tanggap units import`` too).
run_import = _run


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
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


def _summary(title: str, outcome: ImportOutcome) -> None:
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


@city_app.command("create")
def create_command(
    code: Annotated[str, typer.Option("--code", help="Kemendagri code, e.g. 18.72.")],
    city_name: Annotated[str, typer.Option(help='City name, e.g. "Kota Metro".')],
    boundary: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="The kab/kota outline: GeoJSON, GPKG or zipped Shapefile.",
        ),
    ] = None,
    bbox: Annotated[
        str | None,
        typer.Option(help="Instead of --boundary, for a first look: minlon,minlat,maxlon,maxlat."),
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="WIB, WITA, WIT or an IANA zone such as Asia/Pontianak.")
    ] = "WIB",
    crs: CrsOption = None,
    layer: LayerOption = None,
) -> None:
    """A city from its boundary alone, with its standard agencies; areas, roads, posko and
    units are added next (import-areas, import-roads, import-stations, units import)."""
    source = SourceFile(boundary, crs=crs, layer=layer) if boundary is not None else None
    _run(
        f"{city_name} ({code})",
        lambda conn, _: create_city(
            conn, NewCity(code, city_name, timezone), boundary=source, bbox=bbox
        ),
    )


@city_app.command("import-osm")
def import_osm_command(
    file: ExistingFile,
    boundary: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="The city's outline (or its kecamatan): GeoJSON, GPKG, SHP.",
        ),
    ],
    name: Annotated[
        str, typer.Option("--city-name", "--name", help='City name, e.g. "Kota Cilegon".')
    ],
    code: Annotated[str, typer.Option("--code", "--city", help="Kemendagri code, e.g. 36.72.")],
    timezone: Annotated[
        str, typer.Option(help="WIB, WITA, WIT or an IANA zone such as Asia/Pontianak.")
    ] = "WIB",
    margin_m: MarginOption = DEFAULT_MARGIN_M,
    boundary_crs: CrsOption = None,
) -> None:
    """A routable city with posko from an OpenStreetMap extract (.osm.pbf) and its boundary."""
    identity = CityIdentity(code, name, timezone)
    _run(
        f"{name} from {file.name}",
        lambda conn, progress: import_osm(
            conn,
            SourceFile(file),
            boundary=SourceFile(boundary, crs=boundary_crs),
            city=identity,
            margin_m=margin_m,
            progress=progress,
        ),
    )


@city_app.command("import-roads")
def import_roads_command(  # noqa: PLR0913 - one parameter per option
    file: ExistingFile,
    city: CityOption,
    class_field: Annotated[
        str, typer.Option(help="Column of the functional class (FUNGSI, NAMOBJ…).")
    ],
    name_field: Annotated[str | None, typer.Option(help="Column of the street name.")] = None,
    oneway_field: Annotated[
        str | None, typer.Option(help="Column saying one-way (yes/1/-1).")
    ] = None,
    class_map: Annotated[
        Path | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="YAML: class value → arterial|collector|local|residential|service.",
        ),
    ] = None,
    default_class: Annotated[
        RoadClass | None, typer.Option(help="Class of values not recognised.")
    ] = None,
    snap_m: Annotated[
        float, typer.Option(help="Near-miss tolerance: ends this close join, metres.")
    ] = DEFAULT_SNAP_M,
    split_crossings: Annotated[
        bool,
        typer.Option(
            help="Also join lines that cross without a shared vertex (no bridges in the layer)."
        ),
    ] = False,
    margin_m: MarginOption = DEFAULT_MARGIN_M,
    crs: CrsOption = None,
    layer: LayerOption = None,
    rejects: RejectsOption = None,
) -> None:
    """The city's road network from a government line layer (noded, near-misses snapped)."""
    fields = RoadFields(
        class_field, name_field, oneway_field, _yaml_mapping(class_map), default_class
    )
    options = NetworkOptions(snap_m, split_crossings, margin_m)
    _run(
        f"Roads of {city} from {file.name}",
        lambda conn, progress: import_roads(
            conn,
            SourceFile(file, crs=crs, layer=layer, rejects=rejects),
            city_code=city,
            fields=fields,
            options=options,
            progress=progress,
        ),
    )


@city_app.command("import-areas")
def import_areas_command(  # noqa: PLR0913 - one parameter per option
    file: ExistingFile,
    level: Annotated[AreaLevel, typer.Option(help="kelurahan includes desa.")],
    city: CityOption,
    name_field: Annotated[str, typer.Option(help="Column of the area's name.")],
    code_field: Annotated[str, typer.Option(help="Column of the Kemendagri code.")],
    population_field: Annotated[str | None, typer.Option(help="Column of the population.")] = None,
    parent_field: Annotated[
        str | None, typer.Option(help="Kelurahan: column of the kecamatan code.")
    ] = None,
    city_name: Annotated[
        str | None, typer.Option(help="Creates the city when missing, with --timezone.")
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="Zone of a city created here: WIB, WITA, WIT or IANA.")
    ] = "WIB",
    crs: CrsOption = None,
    layer: LayerOption = None,
    rejects: RejectsOption = None,
) -> None:
    """Kecamatan or kelurahan polygons, upserted by code (the city is created if asked)."""
    fields = AreaFields(name_field, code_field, population_field, parent_field)
    _run(
        f"{level.value.title()} of {city} from {file.name}",
        lambda conn, _: import_areas(
            conn,
            SourceFile(file, crs=crs, layer=layer, rejects=rejects),
            city_code=city,
            level=level.value,
            fields=fields,
            create=(city_name, timezone) if city_name else None,
        ),
    )


@city_app.command("import-stations")
def import_stations_command(  # noqa: PLR0913 - one parameter per option
    file: ExistingFile,
    city: CityOption,
    agency: Annotated[
        AgencyKind | None,
        typer.Option(help="Kind of every posko in the file; default: told by name."),
    ] = None,
    name_field: Annotated[
        str | None, typer.Option(help="Column of the name (default: name, nama, toponim).")
    ] = None,
    code_field: Annotated[
        str | None, typer.Option(help="Column of a stable id of the posko.")
    ] = None,
    type_field: Annotated[
        str | None, typer.Option(help="Column whose words tell the agency.")
    ] = None,
    lat_field: Annotated[
        str | None, typer.Option(help="CSV: latitude column (default: lat, latitude, lintang).")
    ] = None,
    lon_field: Annotated[
        str | None, typer.Option(help="CSV: longitude column (default: lon, lng, bujur).")
    ] = None,
    margin_m: MarginOption = DEFAULT_MARGIN_M,
    crs: CrsOption = None,
    layer: LayerOption = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet of an XLSX file.")] = None,
    rejects: RejectsOption = None,
) -> None:
    """Posko from a CSV/XLSX with lat/lon or a vector file, mapped to the city's agencies."""
    fields = StationFields(name_field, code_field, type_field, lat_field, lon_field, agency)
    _run(
        f"Posko of {city} from {file.name}",
        lambda conn, _: import_stations(
            conn,
            SourceFile(file, crs=crs, layer=layer, sheet=sheet, rejects=rejects),
            city_code=city,
            fields=fields,
            margin_m=margin_m,
        ),
    )


@incidents_app.command("import")
def import_incidents_command(
    file: ExistingFile,
    mapping: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="YAML mapping: shape, columns, categories, value maps (docs/mappings).",
        ),
    ],
    city: Annotated[
        str | None, typer.Option(help="Kemendagri code (default: the mapping's city).")
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet of an XLSX file.")] = None,
    margin_m: MarginOption = DEFAULT_MARGIN_M,
    rejects: RejectsOption = None,
) -> None:
    """A historical call log (CSV or XLSX), a row per incident or per unit response.

    The mapping says which (``shape``; examples in docs/mappings). Incidents are upserted on
    (source, id), dispatches on (incident, unit, dispatch time); a wrong value empties its
    field only, and rows and fields rejected go to a file to fix and import again.
    """
    _run(
        f"Incidents from {file.name}",
        lambda conn, progress: import_incident_log(
            conn,
            SourceFile(file, sheet=sheet, rejects=rejects),
            SourceFile(mapping),
            city_code=city,
            margin_m=margin_m,
            progress=progress,
        ),
    )


def _yaml_mapping(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path.name} must map class values to road classes")
    return {str(key): str(value) for key, value in data.items()}
