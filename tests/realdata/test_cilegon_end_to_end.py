"""Kota Cilegon set up the way a new 112 center would, through the ``tanggap`` commands
alone, from the real files in ../shared/realdata (skipped when absent):

``city create`` from the Kemendagri boundary; kecamatan and kelurahan; the DPUTR 2016 road
layer (one routable network, near-misses snapped at 1 m); the hospitals and puskesmas as
PSC 119 posko and one Damkar posko written here by hand (SOURCES.md: the source has no
fire-station layer; it is placed at the Kantor Walikota); a roster written here; a week of
generated calls in the CAD unit-response shape at places inside the city, imported with
``docs/mappings/cad-unit-response.yaml``. Then: a dispatch recommendation ranks the real
units by road; the coverage page shows Damkar's 15-minute figure, equal to a Dijkstra of
our own on the stored roads; the analytics page's response figures equal pandas on the file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dash
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from flask.testing import FlaskClient
from scipy.sparse.csgraph import dijkstra
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from dashboard.cli.main import app as tanggap
from geodata.db.embedded import EmbeddedPostgres
from geodata.responders import DEFAULT_RESPONSE_AGENCIES
from geodata.routing.recommend import recommend_units
from tests.access import Person, add_people, sign_in
from tests.conftest import SHARED_REALDATA, TEMPLATE, drop_database, new_database
from tests.dash_client import app_on, components_of, initial_values, page_layout, run_callback
from tests.geodata.importers.cad_logs import MAPPINGS, cad_export, first_on_scene, write_cad
from tests.geodata.importers.test_realdata_import import stored_graph
from tests.geodata.importers.test_unit_response_logs import stored_count

BOUNDARIES, ROADS, POIS = (SHARED_REALDATA / name for name in ("boundaries", "roads", "pois"))
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SHARED_REALDATA.is_dir(), reason="../shared/realdata is absent"),
]
CODE = "36.72"
DAMKAR_POSKO = ("Pos Damkar Kota Cilegon", -6.00987, 106.0422)  # at the Kantor Walikota
#: (call sign, OPD as a roster writes it, posko, vehicle, crew, status)
ROSTER = [
    *[(f"E-{i}", "Damkar", DAMKAR_POSKO[0], "mobil pemadam", 5, "siaga") for i in range(1, 5)],
    ("M-1", "PSC 119", "RSUD KOTA CILEGON", "ambulans", 3, "siaga"),
    ("M-2", "PSC 119", "RS. KRAKATAU MEDIKA", "ambulans", 3, "siaga"),
    ("M-3", "PSC 119", "PUSKESMAS PULOMERAK", "ambulans", 2, "siaga"),
    ("M-4", "PSC 119", "PUSKESMAS CIWANDAN", "ambulans", 2, "siaga"),
    ("AMB-05", "PSC 119", "PUSKESMAS CIBEBER", "ambulans", 2, "siaga"),
    ("AMB-06", "PSC 119", "PUSKESMAS GROGOL", "ambulans", 2, "siaga"),
    ("AMB-07", "PSC 119", "PUSKESMAS JOMBANG", "ambulans", 2, "perbaikan"),
]
ROSTER_COLUMNS = ["kode unit", "opd", "posko", "jenis kendaraan", "awak", "status"]
INCIDENTS = 150
ANALYTICS_CONTROLS = ("an-dates.start_date", "an-dates.end_date", "an-categories.value",
                      "an-agency.value", "an-kecamatan.value", "an-interval.value",
                      "an-cells.value", "an-resolution.value", "an-target.value",
                      "an-measure.value", "an-context.data", "an-resolution-used.data")  # fmt: skip


@dataclass(frozen=True)
class Cilegon:
    """The database the commands filled, what each command printed, the generated log."""

    url: URL
    people: dict[str, Person]
    printed: dict[str, str]
    log: Path


def points_inside(boundary: shapely.Geometry, count: int, seed: int) -> np.ndarray:
    """``count`` seeded (lon, lat) points drawn uniformly inside ``boundary``."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = boundary.bounds
    found = np.empty((0, 2))
    while len(found) < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(4 * count, 2))
        found = np.vstack([found, xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]])
    return found[:count]


def commands(folder: Path, log: Path) -> dict[str, list[str]]:
    """Every command a new center runs, in order, as typed (``tanggap`` left out)."""
    areas = ["city", "import-areas", "--city", CODE, "--name-field", "nama", "--code-field", "kode"]
    return {
        "create": ["city", "create", "--boundary", str(BOUNDARIES / "cilegon_kabkota.geojson"),
                   "--code", CODE, "--city-name", "Kota Cilegon", "--timezone", "WIB"],
        "kecamatan": [*areas, str(BOUNDARIES / "cilegon_kecamatan.geojson"),
                      "--level", "kecamatan"],
        "kelurahan": [*areas, str(BOUNDARIES / "cilegon_desa_kelurahan.geojson"),
                      "--level", "kelurahan", "--parent-field", "kode_kecamatan"],
        "roads": ["city", "import-roads", str(ROADS / "cilegon_roads_by_status_dputr2016.geojson"),
                  "--city", CODE, "--class-field", "NAMOBJ", "--name-field", "KET",
                  "--snap-m", "1"],
        **{layer: ["city", "import-stations", str(POIS / f"cilegon_{layer}.geojson"),
                   "--city", CODE, "--rejects", str(folder / f"{layer}.rejected.csv")]
           for layer in ("hospitals", "puskesmas")},
        "damkar": ["city", "import-stations", str(folder / "posko_damkar.csv"), "--city", CODE,
                   "--agency", "fire"],
        "units": ["units", "import", str(folder / "armada.csv"), "--city", CODE],
        "log": ["incidents", "import", str(log), "--mapping",
                str(MAPPINGS / "cad-unit-response.yaml"), "--city", CODE],
    }  # fmt: skip


@pytest.fixture(scope="module")
def cilegon(
    pg_cluster: EmbeddedPostgres, template_url: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Cilegon]:
    url = new_database(pg_cluster, TEMPLATE)
    folder = tmp_path_factory.mktemp("cilegon")
    name, lat, lon = DAMKAR_POSKO
    pd.DataFrame([{"nama": name, "lat": lat, "lon": lon}]).to_csv(
        folder / "posko_damkar.csv", index=False
    )
    pd.DataFrame(ROSTER, columns=ROSTER_COLUMNS).to_csv(folder / "armada.csv", index=False)
    boundary = gpd.read_file(BOUNDARIES / "cilegon_kabkota.geojson").union_all()
    # a week of calls that ended a week ago, so the pages' default periods hold it
    start = pd.Timestamp.now(tz="Asia/Jakarta").tz_localize(None).normalize()
    frame = cad_export(seed=36, incidents=INCIDENTS, points=points_inside(boundary, 400, 72),
                       start=start - pd.Timedelta(days=14) + pd.Timedelta(hours=8))  # fmt: skip
    log = write_cad(frame, folder / "cad_cilegon.csv")
    printed = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TANGGAP_DATABASE_URL", url.render_as_string(hide_password=False))
        for step, args in commands(folder, log).items():
            done = CliRunner().invoke(tanggap, args)
            assert done.exit_code == 0, (step, done.output)
            printed[step] = done.output
    engine = create_engine(url)
    with engine.begin() as conn:
        people = add_people(conn)
    engine.dispose()
    yield Cilegon(url, people, printed, log)
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def engine(cilegon: Cilegon) -> Iterator[Engine]:
    made = create_engine(cilegon.url)
    yield made
    made.dispose()


@pytest.fixture(scope="module")
def app(cilegon: Cilegon) -> Iterator[dash.Dash]:
    """One app for the module."""
    with app_on(cilegon.url) as application:
        yield application


def signed_in(app: dash.Dash, cilegon: Cilegon, role: str) -> FlaskClient:
    return sign_in(app.server.test_client(), cilegon.people[role])


def test_the_commands_build_the_city_its_posko_and_fleet(cilegon: Cilegon) -> None:
    said = cilegon.printed
    assert stored_count(said["create"], "agencies new") == 6
    assert stored_count(said["kecamatan"], "kecamatan new") == 8
    assert stored_count(said["kelurahan"], "kelurahan new") == 43
    assert stored_count(said["roads"], "road edges written") > 1000
    assert stored_count(said["roads"], "rows rejected") == 0
    assert stored_count(said["hospitals"], "posko of PSC119") == 12
    assert stored_count(said["puskesmas"], "posko of PSC119") == 17
    assert stored_count(said["damkar"], "posko of DAMKAR") == 1
    assert stored_count(said["units"], "units new") == len(ROSTER)
    rows = pd.read_csv(cilegon.log, dtype=str)
    assert stored_count(said["log"], "incidents new") == INCIDENTS
    assert stored_count(said["log"], "dispatches new") == len(rows)  # every call sign known
    assert stored_count(said["log"], "rows rejected") == 0


def test_a_recommendation_ranks_the_real_units_by_road(cilegon: Cilegon, engine: Engine) -> None:
    """A health call near the Krakatau Steel gate: the ambulances in service ranked by drive
    time, the first the one a Dijkstra of our own on the stored roads finds nearest."""
    with engine.begin() as conn:
        city_id = conn.execute(text("SELECT id FROM cities")).scalar_one()
        incident = conn.execute(text(
            "INSERT INTO incidents (city_id, source, external_id, category, priority, received_at,"
            " geom) VALUES (:c, 'test', 'KS-1', 'health', 1, now(), "
            "ST_SetSRID(ST_MakePoint(106.0216, -6.0060), 4326)) RETURNING id"
        ), {"c": city_id}).scalar_one()  # fmt: skip
        [found] = recommend_units(conn, [incident], DEFAULT_RESPONSE_AGENCIES, k=10)
        posko_nodes = dict(conn.execute(text(
            "SELECT u.call_sign, (SELECT n.id FROM road_nodes n ORDER BY n.geom <-> s.geom "
            "LIMIT 1) FROM units u JOIN stations s ON s.id = u.home_station_id"
        )).all())  # fmt: skip
        target = conn.execute(text(
            "SELECT id FROM road_nodes ORDER BY geom <-> ST_SetSRID(ST_MakePoint(106.0216, "
            "-6.0060), 4326) LIMIT 1"
        )).scalar_one()  # fmt: skip
        conn.rollback()
    ranked = found.ranked("ambulance")
    signs = [option.call_sign for option in ranked]
    assert sorted(signs) == ["AMB-05", "AMB-06", "M-1", "M-2", "M-3", "M-4"]  # not AMB-07
    times = [option.travel_time_s for option in ranked]
    assert times == sorted(times) and 0 < times[0] < 15 * 60
    ids, graph = stored_graph(engine)
    to_incident = dijkstra(graph.T, indices=int(np.searchsorted(ids, target)))  # reversed
    ours = {sign: to_incident[np.searchsorted(ids, posko_nodes[sign])] for sign in signs}
    assert signs[0] == min(ours, key=ours.__getitem__)


def test_the_coverage_page_shows_damkars_15_minute_share(
    app: dash.Dash, cilegon: Cilegon, engine: Engine
) -> None:
    client = signed_in(app, cilegon, "planner")
    layout = page_layout(client, app, "/coverage", f"?city={CODE}&lang=en")
    values = {
        "cv-agency.value": "fire",
        "cv-mode.value": "planned",
        "cv-target.value": None,
        "cv-allowance.value": None,
        "cv-context.data": {"city": CODE, "language": "en"},
    }
    assert initial_values(layout, ("cv-agency.value",)) == {"cv-agency.value": "fire"}
    status, out = run_callback(client, app, "cv-cards.children", values)
    assert status == 200
    standard = " ".join(p["props"]["children"] for p in out["cv-standard"]["children"])
    assert "Permendagri 114/2018" in standard and "15" in standard
    cards = {card["props"]["children"][0]["props"]["children"]:
             card["props"]["children"][1]["props"]["children"]
             for card in out["cv-cards"]["children"]}  # fmt: skip
    shown = cards["Past incidents covered"]
    # ours: the fire calls Damkar was sent to, reached within 15 − 5 minutes of driving
    with engine.connect() as conn:
        fires = conn.execute(text(
            "SELECT DISTINCT i.id, (SELECT n.id FROM road_nodes n ORDER BY n.geom <-> i.geom "
            "LIMIT 1), (SELECT ST_Distance(n.geom::geography, i.geom::geography) FROM road_nodes n"
            " ORDER BY n.geom <-> i.geom LIMIT 1) FROM incidents i JOIN dispatches d ON "
            "d.incident_id = i.id JOIN units u ON u.id = d.unit_id WHERE u.call_sign LIKE 'E-%'"
        )).all()  # fmt: skip
        posko = conn.execute(text(
            "SELECT (SELECT n.id FROM road_nodes n ORDER BY n.geom <-> s.geom LIMIT 1) "
            "FROM stations s JOIN agencies a ON a.id = s.agency_id WHERE a.code = 'DAMKAR'"
        )).scalar_one()  # fmt: skip
    ids, graph = stored_graph(engine, profile="fire_engine")
    drive = dijkstra(graph, indices=int(np.searchsorted(ids, posko)))
    reached = [near_m <= 300 and drive[np.searchsorted(ids, node)] <= 600
               for _, node, near_m in fires]  # fmt: skip
    share = 100 * sum(reached) / len(fires)
    assert len(fires) > 20 and 0 < share < 100
    assert shown == f"{share:.0f} %", (shown, share)


def analytics_summary(app: dash.Dash, client: FlaskClient) -> tuple[str, pd.DataFrame]:
    """The response tab's note and its summary table, as the page's CSV export gives it."""
    layout = page_layout(client, app, "/analytics", f"?city={CODE}&lang=en")
    values = initial_values(layout, ANALYTICS_CONTROLS)
    status, out = run_callback(client, app, "an-note.children", values)
    assert status == 200
    button = {"type": "an-export", "layer": "summary", "format": "csv"}
    exports = [{"id": c["props"]["id"], "property": "n_clicks",
                "value": 1 if c["props"]["id"] == button else None}
               for c in components_of(layout)
               if isinstance(c["props"].get("id"), dict)
               and c["props"]["id"].get("type") == "an-export"]  # fmt: skip
    key = json.dumps(button, sort_keys=True, separators=(",", ":"))
    status, download = run_callback(
        client, app, "an-download.data",
        {**values, "an-resolution-used.data": out["an-resolution-used"]["data"],
         '{"format":["ALL"],"layer":["ALL"],"type":"an-export"}.n_clicks': exports},
        triggered=[f"{key}.n_clicks"],
    )  # fmt: skip
    assert status == 200, status
    csv = download["an-download"]["data"]["content"]
    return out["an-note"]["children"], pd.read_csv(io.StringIO(csv)).set_index("interval")


def test_the_analytics_figures_equal_pandas_on_the_file(app: dash.Dash, cilegon: Cilegon) -> None:
    note, summary = analytics_summary(app, signed_in(app, cilegon, "analyst"))
    expected = first_on_scene(cilegon.log)
    response = expected["response_s"]
    measured = response.notna()
    assert note.startswith(f"{INCIDENTS} incidents")
    row = summary.loc["response"]
    assert row["n"] == measured.sum()
    assert row["median_s"] == pytest.approx(response[measured].quantile(0.5))
    assert row["p90_s"] == pytest.approx(response[measured].quantile(0.9))
    # fires are judged by Damkar's 15 minutes, the rest by PSC 119's (local) 15 minutes
    within = (response[measured] <= 15 * 60).mean()
    assert row["compliance"] == pytest.approx(within)
    processing = expected["call_processing_s"]
    assert summary.loc["call_processing", "median_s"] == pytest.approx(processing.median())
