"""``tanggap city …`` and ``tanggap incidents …``: loading a real city and its call logs.

Thin adapters: parse the options, call one importer of :mod:`geodata.importers` inside one
transaction, show its progress and summary. A refused file exits with status 2 and a
message; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dashboard.cli.imports import (
    CityOption,
    CrsOption,
    ExistingFile,
    LayerOption,
    MarginOption,
    RejectsOption,
    run_import,
)
from geodata.importers.areas import AreaFields, AreaLevel, import_areas
from geodata.importers.city_area import DEFAULT_MARGIN_M
from geodata.importers.city_create import NewCity, create_city
from geodata.importers.incident_logs import import_incident_log
from geodata.importers.osm_city import CityIdentity, import_osm
from geodata.importers.roads import DEFAULT_SNAP_M, NetworkOptions, RoadFields, import_roads
from geodata.importers.sources import SourceFile
from geodata.importers.stations import StationFields, import_stations
from geodata.vocabulary import AgencyKind, RoadClass

city_app = typer.Typer(help="Load a real city: roads, boundaries, posko.", no_args_is_help=True)
incidents_app = typer.Typer(help="Historical incident logs.", no_args_is_help=True)


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
    run_import(
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
    run_import(
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
    run_import(
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
    run_import(
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
    run_import(
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
    run_import(
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
