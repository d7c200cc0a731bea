"""The planner page's form: its controls, their ids and the request their values make
(not a page module, so that it can be imported and tested without an app)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from geodata.planning.demand import SpreadMethod
from geodata.planning.errors import PlanningInputError
from geodata.planning.request import ExistingPosko, ModelName, PlanRequest
from geodata.responders import responding_kinds
from geodata.vocabulary import AgencyKind, IncidentCategory
from layers.words import Language, label, word

__all__ = ["CONTROLS", "MAX_UPLOAD_BYTES", "controls", "plan_request"]

#: The largest candidate file the page reads (bytes).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

CONTROLS = (
    "pl-agency",
    "pl-model",
    "pl-k",
    "pl-share",
    "pl-target",
    "pl-allowance",
    "pl-existing",
    "pl-demand",
    "pl-categories",
    "pl-spread",
    "pl-incident-share",
    "pl-candidates",
    "pl-grid",
    "pl-time-limit",
    "pl-points",
)
#: The property each control's value is read from (default: ``value``).
VALUES = {"pl-points": "data"}


def _number(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _share(value: Any, default_percent: float) -> float:
    """A percentage field as a share 0…1 (empty: the default; 0 stays 0)."""
    number = _number(value)
    return (default_percent if number is None else number) / 100.0


def plan_request(values: dict[str, Any], agencies: dict[str, tuple[str, ...]]) -> PlanRequest:
    """The request of the page's control values; refused with the field at fault."""
    kind = values["pl-agency"]
    demand = set(values["pl-demand"] or ())
    chosen = [c for c in values.get("pl-categories") or () if c in set(IncidentCategory)]
    answered = [c.value for c in IncidentCategory if kind in responding_kinds(c.value, agencies)]
    categories = {c: 1.0 for c in (chosen or answered)} if "incidents" in demand else {}
    points = tuple(
        {"name": str(p.get("name") or ""), "lon": p.get("lon"), "lat": p.get("lat")}
        for p in values.get("pl-points") or ()
        if isinstance(p, dict)
    )
    k = values["pl-k"]
    if k in (None, "") or float(k) != int(float(k)):
        raise PlanningInputError("k", "a whole number of new posko")
    grid = _number(values["pl-grid"])
    return PlanRequest(
        agency_kind=kind,
        model=values["pl-model"],
        k=int(float(k)),
        share=_share(values["pl-share"], 100.0),
        target_min=_number(values["pl-target"]),
        allowance_min=_number(values["pl-allowance"]),
        existing=values["pl-existing"],
        category_weights=categories,
        population="population" in demand,
        population_method=values.get("pl-spread") or SpreadMethod.EQUAL.value,
        points=points,
        incident_share=_share(values["pl-incident-share"], 50.0),
        kelurahan_candidates="kelurahan" in set(values["pl-candidates"] or ()),
        grid_spacing_m=grid,
        time_limit_s=_number(values["pl-time-limit"]) or 30.0,
    )


def controls(language: Language) -> Any:
    """The form: agency, model, target, demand, candidates (incl. an uploaded file)."""

    def field(title: str, control: Any) -> Any:
        return html.Label([html.Span(title), control], className="an-field")

    def w(key: str) -> str:
        return word(f"planning.{key}", language)

    kinds = [
        {"label": label("agency_kind", k.value, language), "value": k.value} for k in AgencyKind
    ]
    models = [{"label": w(f"model_{m.value}"), "value": m.value} for m in ModelName]
    existing = [{"label": w(f"existing_{e.value}"), "value": e.value} for e in ExistingPosko]
    categories = [
        {"label": label("category", c.value, language), "value": c.value} for c in IncidentCategory
    ]
    spreads = [{"label": w(f"spread_{m.value}"), "value": m.value} for m in SpreadMethod]
    number = {"type": "number", "debounce": True}
    return html.Div(
        [
            field(
                w("agency"),
                dcc.Dropdown(id="pl-agency", options=kinds, value="fire", clearable=False),
            ),
            field(
                w("model"),
                dcc.Dropdown(id="pl-model", options=models, value="mclp", clearable=False),
            ),
            field(w("k"), dcc.Input(id="pl-k", value=2, min=0, max=50, step=1, **number)),
            field(w("share"), dcc.Input(id="pl-share", value=100, min=1, max=100, **number)),
            field(
                w("target_minutes"),
                dcc.Input(
                    id="pl-target", min=1, max=240, placeholder=w("standard_default"), **number
                ),
            ),
            field(
                w("allowance_minutes"),
                dcc.Input(
                    id="pl-allowance", min=0, max=120, placeholder=w("standard_default"), **number
                ),
            ),
            field(
                w("existing"),
                dcc.Dropdown(id="pl-existing", options=existing, value="fixed", clearable=False),
            ),
            field(
                w("demand"),
                dcc.Checklist(
                    id="pl-demand",
                    value=["incidents", "population"],
                    options=[
                        {"label": w("use_incidents"), "value": "incidents"},
                        {"label": w("use_population"), "value": "population"},
                    ],
                ),
            ),
            field(
                w("categories"),
                dcc.Dropdown(
                    id="pl-categories",
                    options=categories,
                    value=[],
                    multi=True,
                    placeholder=w("categories_default"),
                ),
            ),
            field(
                w("spread"),
                dcc.Dropdown(id="pl-spread", options=spreads, value="equal", clearable=False),
            ),
            field(
                w("incident_weight"),
                dcc.Input(id="pl-incident-share", value=50, min=0, max=100, **number),
            ),
            field(
                w("candidates"),
                dcc.Checklist(
                    id="pl-candidates",
                    value=["kelurahan"],
                    options=[{"label": w("use_kelurahan"), "value": "kelurahan"}],
                ),
            ),
            field(
                w("upload"),
                html.Div(
                    [
                        dcc.Upload(
                            html.Button(w("upload_button"), className="an-export"),
                            id="pl-upload",
                            max_size=MAX_UPLOAD_BYTES,
                        ),
                        html.Span(w("upload_formats"), className="an-small"),
                        html.Div(id="pl-upload-list", className="an-small"),
                    ]
                ),
            ),
            field(
                w("grid_spacing"), dcc.Input(id="pl-grid", value=800, min=50, max=20000, **number)
            ),
            field(
                w("time_limit"), dcc.Input(id="pl-time-limit", value=30, min=1, max=600, **number)
            ),
        ],
        className="an-controls",
    )
