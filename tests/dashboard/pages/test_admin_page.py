"""The admin's fleet page through its callbacks, as the browser posts them: add, edit, retire
as an admin (audited under the session's name); refused for a supervisor and another city."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from dashboard.app import create_app
from geodata.importers.city_create import NewCity, create_city
from geodata.settings import Settings
from tests.access import Person, add_people, sign_in
from tests.dash_client import callback_payload, page_layout, run_callback

CONTEXT = {"city": "73.99", "language": "id"}
FORM_EMPTY = {
    "admin-call-sign.value": None, "admin-agency.value": None, "admin-posko.value": None,
    "admin-profile.value": "", "admin-crew.value": None,
}  # fmt: skip


@dataclass(frozen=True)
class FleetApp:
    app: dash.Dash
    engine: Engine
    people: dict[str, Person]
    strangers: dict[str, Person]


@pytest.fixture
def fleet(engine: Engine) -> Iterator[FleetApp]:
    """Kota Uji (from a box, with its standard agencies), one unit, and accounts; a second
    city's accounts (scoped to it)."""
    with engine.begin() as conn:
        create_city(conn, NewCity("73.99", "Kota Uji", "WITA"), bbox="119.38,-5.20,119.50,-5.08")
        other = create_city(conn, NewCity("73.98", "Kota Lain", "WITA"),
                            bbox="119.60,-5.20,119.70,-5.08")  # fmt: skip
        other_id = conn.execute(text("SELECT id FROM cities WHERE code = '73.98'")).scalar_one()
        conn.execute(text(
            "INSERT INTO units (agency_id, call_sign, vehicle_profile) SELECT id, 'AMB-01', "
            "'ambulance' FROM agencies WHERE code = 'PSC119' AND city_id = "
            "(SELECT id FROM cities WHERE code = '73.99')"))  # fmt: skip
        people = add_people(conn)
        strangers = add_people(conn, city_id=other_id, suffix=".lain")
    assert other.loaded["city new"] == 1
    app = create_app(Settings(database_url=engine.url.render_as_string(hide_password=False)))
    yield FleetApp(app, engine, people, strangers)
    app.server.config["TANGGAP_ENGINE"].dispose()


def prop_id(component: dict[str, Any], prop: str = "n_clicks") -> str:
    return json.dumps(component, sort_keys=True, separators=(",", ":")) + f".{prop}"


def post(client: FlaskClient, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = client.post("/_dash-update-component", json=body)
    return answer.status_code, (answer.json["response"] if answer.status_code == 200 else {})


def save(client: FlaskClient, fa: FleetApp, form: dict[str, Any], editing: str | None = None,
         ) -> tuple[int, dict[str, Any]]:  # fmt: skip
    body = callback_payload(fa.app, "admin-message.children",
                            {**FORM_EMPTY, **form, "admin-editing.data": editing,
                             "admin-save.n_clicks": 1, "admin-refresh.data": 0,
                             "admin-context.data": CONTEXT},
                            triggered=["admin-save.n_clicks"])  # fmt: skip
    return post(client, body)


def retire(client: FlaskClient, fa: FleetApp, unit: str, flag: bool) -> tuple[int, dict]:
    button = {"type": "admin-retire", "unit": unit, "retire": flag}
    values = {**FORM_EMPTY, "admin-refresh.data": 3, "admin-context.data": CONTEXT}
    body = callback_payload(fa.app, "admin-message.children", values)
    body["inputs"][1] = [{"id": button, "property": "n_clicks", "value": 1}]
    body["changedPropIds"] = [prop_id(button)]
    return post(client, body)


def units(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT u.call_sign, a.code, u.vehicle_profile, u.crew_size, u.status, "
            "u.retired_at IS NOT NULL FROM units u JOIN agencies a ON a.id = u.agency_id "
            "ORDER BY u.call_sign"))]  # fmt: skip


def test_an_admin_adds_edits_and_retires_a_unit(fleet: FleetApp) -> None:
    admin = sign_in(fleet.app.server.test_client(), fleet.people["admin"])
    assert "admin-units" not in str(page_layout(admin, fleet.app, "/admin"))  # no data in it
    load = {"admin-refresh.data": 0, "admin-context.data": CONTEXT}
    status, out = run_callback(admin, fleet.app, "admin-table.children", load)
    assert status == 200
    assert "AMB-01" in json.dumps(out["admin-table"])
    assert out["admin-summary"]["children"].startswith("1 unit · 1 beroperasi")
    agencies = {o["value"] for o in out["admin-agency"]["options"]}
    assert agencies == {"PSC119", "DAMKAR", "BPBD", "POLRES", "DISHUB", "BASARNAS"}

    new = {"admin-call-sign.value": " DMK-09 ", "admin-agency.value": "DAMKAR",
           "admin-crew.value": 5}  # fmt: skip
    status, out = save(admin, fleet, new)
    assert status == 200 and out["admin-refresh"]["data"] == 1
    assert "DMK-09 ditambahkan" in json.dumps(out["admin-message"])
    assert ("DMK-09", "DAMKAR", "fire_engine", 5, "available", False) in units(fleet.engine)

    edit = {"type": "admin-edit", "unit": "DMK-09"}
    body = callback_payload(fleet.app, "admin-editing.data",
                            {"admin-cancel.n_clicks": None, "admin-refresh.data": 1,
                             "admin-context.data": CONTEXT})  # fmt: skip
    body["inputs"][0] = [{"id": edit, "property": "n_clicks", "value": 1}]
    body["changedPropIds"] = [prop_id(edit)]
    status, out = post(admin, body)
    assert status == 200 and out["admin-editing"]["data"] == "DMK-09"
    assert out["admin-agency"]["value"] == "DAMKAR" and out["admin-crew"]["value"] == 5
    assert out["admin-call-sign"]["disabled"] is True

    status, out = save(admin, fleet, {"admin-agency.value": "DAMKAR", "admin-crew.value": 4,
                                      "admin-profile.value": "car"}, editing="DMK-09")  # fmt: skip
    assert status == 200 and "DMK-09 diubah" in json.dumps(out["admin-message"])
    assert ("DMK-09", "DAMKAR", "car", 4, "available", False) in units(fleet.engine)

    status, out = retire(admin, fleet, "DMK-09", True)
    assert status == 200 and "dipensiunkan" in json.dumps(out["admin-message"])
    assert ("DMK-09", "DAMKAR", "car", 4, "out_of_service", True) in units(fleet.engine)
    with fleet.engine.connect() as conn:
        audited = conn.execute(text("SELECT actor, action FROM audit_log WHERE entity = 'unit' "
                                    "ORDER BY id")).all()  # fmt: skip
    actions = ("unit.create", "unit.update", "unit.retire")
    assert [tuple(a) for a in audited] == [(fleet.people["admin"].username, a) for a in actions]


def test_a_refused_unit_names_its_field_and_stores_nothing(fleet: FleetApp) -> None:
    admin = sign_in(fleet.app.server.test_client(), fleet.people["admin"])
    before = units(fleet.engine)
    for form, words in (
        ({"admin-call-sign.value": "AMB-01", "admin-agency.value": "PSC119"}, "Kode panggil"),
        ({"admin-call-sign.value": "A\x00B", "admin-agency.value": "PSC119"}, "Kode panggil"),
        ({"admin-call-sign.value": "X-1", "admin-agency.value": None}, "Instansi (OPD)"),
        ({"admin-call-sign.value": "X-1", "admin-agency.value": "BPBD",
          "admin-crew.value": 2.5}, "Awak"),
    ):  # fmt: skip
        status, out = save(admin, fleet, form)
        assert status == 200 and "refresh" not in json.dumps(out)
        assert f"Ditolak ({words})" in json.dumps(out["admin-message"])
    assert units(fleet.engine) == before


def test_a_supervisor_and_another_citys_admin_are_refused(fleet: FleetApp) -> None:
    supervisor = sign_in(fleet.app.server.test_client(), fleet.people["supervisor"])
    assert "not-permitted" in str(page_layout(supervisor, fleet.app, "/admin"))
    assert (
        save(supervisor, fleet, {"admin-call-sign.value": "X", "admin-agency.value": "BPBD"})[0]
        == 403
    )
    assert retire(supervisor, fleet, "AMB-01", True)[0] == 403
    status, _ = run_callback(supervisor, fleet.app, "admin-table.children",
                             {"admin-refresh.data": 0, "admin-context.data": CONTEXT})  # fmt: skip
    assert status == 403
    stranger = sign_in(fleet.app.server.test_client(), fleet.strangers["admin"])
    assert retire(stranger, fleet, "AMB-01", True)[0] == 403
    anonymous = fleet.app.server.test_client()
    assert retire(anonymous, fleet, "AMB-01", True)[0] in (400, 401, 403)
    assert units(fleet.engine) == [("AMB-01", "PSC119", "ambulance", None, "available", False)]
