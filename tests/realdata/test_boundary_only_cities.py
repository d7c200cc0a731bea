"""Kota Metro, Kabupaten Tangerang and Kabupaten Ketapang created from their real
Kemendagri outlines alone with ``tanggap city create`` (the full derived files of
../shared/realdata, not the simplified ones: Ketapang's has 66 parts, its islands), then
every page opened by an admin: the router answers it with its layout and readiness notice,
and every callback that fires on load answers without error. Skipped when the data is
absent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from dashboard.cli.main import app as tanggap
from geodata.db.embedded import EmbeddedPostgres
from tests.access import Person, add_people, sign_in
from tests.conftest import SHARED_REALDATA, TEMPLATE, drop_database, new_database
from tests.dash_client import app_on, components_of, page_layout, post_first_callbacks, text_of

BOUNDARIES = SHARED_REALDATA / "boundaries"
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not BOUNDARIES.is_dir(), reason="../shared/realdata is absent"),
]
#: code → (file, name, zone as typed, IANA zone stored, km² per SOURCES.md)
CITIES = {
    "18.72": ("metro_kabkota.geojson", "Kota Metro", "WIB", "Asia/Jakarta", 73.15),
    "36.03": ("kab_tangerang_kabkota.geojson", "Kabupaten Tangerang", "WIB", "Asia/Jakarta",
              1027.63),
    "61.04": ("ketapang_kabkota.geojson", "Kabupaten Ketapang", "Asia/Pontianak",
              "Asia/Pontianak", 29996.99),
}  # fmt: skip
PAGES = ("/", "/dispatch", "/live", "/wall", "/analytics", "/coverage", "/perencanaan",
         "/kejadian-baru", "/admin")  # fmt: skip


@pytest.fixture(scope="module")
def boundary_only(
    pg_cluster: EmbeddedPostgres, template_url: URL
) -> Iterator[tuple[URL, dict[str, Person]]]:
    url = new_database(pg_cluster, TEMPLATE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TANGGAP_DATABASE_URL", url.render_as_string(hide_password=False))
        for code, (file, name, zone, _, _) in CITIES.items():
            done = CliRunner().invoke(tanggap, [
                "city", "create", "--boundary", str(BOUNDARIES / file), "--code", code,
                "--city-name", name, "--timezone", zone])  # fmt: skip
            assert done.exit_code == 0, (code, done.output)
    engine = create_engine(url)
    with engine.begin() as conn:
        people = add_people(conn)
    engine.dispose()
    yield url, people
    drop_database(pg_cluster, url)


@pytest.fixture(scope="module")
def app(boundary_only: tuple[URL, dict[str, Person]]) -> Iterator[dash.Dash]:
    """One app for the module."""
    with app_on(boundary_only[0]) as application:
        yield application


@pytest.fixture(scope="module")
def admin(app: dash.Dash, boundary_only: tuple[URL, dict[str, Person]]) -> FlaskClient:
    return sign_in(app.server.test_client(), boundary_only[1]["admin"])


def test_each_city_has_its_outline_zone_and_agencies(
    boundary_only: tuple[URL, dict[str, Person]],
) -> None:
    engine = create_engine(boundary_only[0])
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT c.code, c.name, c.timezone, ST_Area(c.boundary::geography) / 1e6, "
            "ST_NumGeometries(c.boundary), (SELECT count(*) FROM agencies a "
            "WHERE a.city_id = c.id) FROM cities c"
        )).all()  # fmt: skip
    engine.dispose()
    found = {code: rest for code, *rest in rows}
    assert set(found) == set(CITIES)
    for code, (_, name, _, zone, km2) in CITIES.items():
        stored_name, stored_zone, area_km2, _, agencies = found[code]
        assert (stored_name, stored_zone, agencies) == (name, zone, 6), code
        assert area_km2 == pytest.approx(km2, rel=2e-3), code
    assert (found["61.04"][3], found["36.03"][3]) == (66, 2)  # Ketapang's islands kept


@pytest.mark.parametrize("code", sorted(CITIES))
@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_for_a_city_made_from_its_boundary(
    app: dash.Dash, admin: FlaskClient, code: str, path: str
) -> None:
    assert admin.get(f"{path}?city={code}").status_code == 200
    layout = page_layout(admin, app, path, f"?city={code}&lang=en")
    assert "not-permitted" not in json.dumps(layout), path
    assert CITIES[code][1] in text_of(layout), (path, "the city's name is not shown")
    notice = [c for c in components_of(layout) if c["props"].get("id") == "readiness"]
    if path != "/admin":
        assert notice, f"{path} has no readiness notice for {code}"
        said = text_of(notice[0])
        assert "is not complete yet" in said
        assert f"--city {code}" in said and "tanggap " in said  # the command that adds it
    answers: dict[str, Any] = post_first_callbacks(admin, app, layout)
    assert answers or path == "/admin"
