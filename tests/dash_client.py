"""Running a page's Dash callback the way the browser does: a POST to
``/_dash-update-component``, through the Flask test client (no browser, the real app)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dash
from flask.testing import FlaskClient
from sqlalchemy.engine import URL

from dashboard.app import create_app
from geodata.settings import Settings

__all__ = [
    "app_on",
    "callback_payload",
    "components_of",
    "first_callbacks",
    "initial_values",
    "page_layout",
    "post_first_callbacks",
    "run_callback",
    "text_of",
]


@contextlib.contextmanager
def app_on(url: URL, **settings: object) -> Iterator[dash.Dash]:
    """The Tanggap app on the database at ``url`` (no planning job threads unless asked),
    its engine disposed on exit, before the database is dropped."""
    options: dict[str, object] = {"planning_workers": 0, **settings}
    application = create_app(
        Settings(database_url=url.render_as_string(hide_password=False), **options)
    )
    try:
        yield application
    finally:
        application.server.config["TANGGAP_ENGINE"].dispose()


def _parts(key: str) -> list[tuple[str, str]]:
    """(id, property) of each output in a callback map key (``..a.b...c.d..`` or ``a.b``)."""
    names = key.strip(".").split("...") if key.startswith("..") else [key]
    return [tuple(name.rsplit(".", 1)) for name in names]  # type: ignore[misc]


def _matches(app: dash.Dash, key: str, output: str, via: str | None) -> bool:
    outputs = {f"{i}.{p.split('@')[0]}" for i, p in _parts(key)}
    inputs = {f"{e['id']}.{e['property']}" for e in app.callback_map[key]["inputs"]}
    return output in outputs and (via is None or via in inputs)


def callback_payload(
    app: dash.Dash,
    output: str,
    values: Mapping[str, Any],
    triggered: Sequence[str] = (),
    via: str | None = None,
) -> dict[str, Any]:
    """The body the browser posts for the callback whose outputs include ``output``
    (``"id.property"``). ``values`` gives each input and state by ``"id.property"``; a
    pattern-matching input takes the list of ``{"id": {...}, "property", "value"}`` the
    browser would send. ``triggered``: the ``"id.property"`` that changed (none: page load).
    ``via``: an input of the callback, when several write ``output``.
    """
    key = next(k for k in app.callback_map if _matches(app, k, output, via))
    spec = app.callback_map[key]

    def item(entry: Mapping[str, str]) -> Any:
        name = f"{entry['id']}.{entry['property']}"
        if entry["id"].startswith("{"):
            return list(values.get(name, []))
        return {"id": entry["id"], "property": entry["property"], "value": values.get(name)}

    outputs = [{"id": i, "property": p} for i, p in _parts(key)]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [item(entry) for entry in spec["inputs"]],
        "state": [item(entry) for entry in spec["state"]],
        "changedPropIds": list(triggered),
    }


def run_callback(
    client: FlaskClient,
    app: dash.Dash,
    output: str,
    values: Mapping[str, Any],
    triggered: Sequence[str] = (),
    via: str | None = None,
) -> tuple[int, dict[str, dict[str, Any]]]:
    """POST the callback; (status, {component id: {property: value}}) of what it returned."""
    body = callback_payload(app, output, values, triggered, via)
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return response.status_code, {}
    return 200, json.loads(response.data)["response"]


def page_layout(client: FlaskClient, app: dash.Dash, path: str, search: str = "") -> dict[str, Any]:
    """The layout Dash's page router answers for ``path`` (as JSON), as the browser gets it."""
    values = {"_pages_location.pathname": path, "_pages_location.search": search}
    status, out = run_callback(client, app, "_pages_content.children", values,
                               triggered=["_pages_location.pathname"])  # fmt: skip
    assert status == 200, f"the router answered {status} for {path}"
    return out["_pages_content"]["children"]  # type: ignore[no-any-return]


def components_of(tree: Any) -> list[dict[str, Any]]:
    """Every component of a layout as JSON (``{"type", "namespace", "props"}``)."""
    found: list[dict[str, Any]] = []
    if isinstance(tree, list):
        for child in tree:
            found += components_of(child)
    elif isinstance(tree, dict) and "props" in tree:
        found.append(tree)
        found += components_of(tree["props"].get("children"))
    return found


def initial_values(layout: Any, names: Sequence[str]) -> dict[str, Any]:
    """What the browser holds for each ``"id.property"`` right after the page loaded."""
    by_id = {c["props"]["id"]: c["props"] for c in components_of(layout)
             if isinstance(c["props"].get("id"), str)}  # fmt: skip
    return {name: by_id[name.split(".")[0]].get(name.split(".")[1]) for name in names}


def text_of(tree: Any) -> str:
    """The text a reader sees in a component tree (as JSON)."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, list):
        return " ".join(text_of(child) for child in tree)
    if isinstance(tree, dict):
        return text_of(tree.get("props", {}).get("children", ""))
    return "" if tree is None else str(tree)


def _values(layout: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for component in components_of(layout):
        props = component["props"]
        if isinstance(props.get("id"), str):
            for name, value in props.items():
                values[f"{props['id']}.{name}"] = value
    return values


def _ids(layout: Any) -> set[str]:
    return {
        c["props"]["id"] for c in components_of(layout) if isinstance(c["props"].get("id"), str)
    }


def first_callbacks(app: dash.Dash, layout: Any) -> list[str]:
    """The keys of the server callbacks the browser fires when ``layout`` loads: not
    prevented on load, every input and state a plain id present in the layout."""
    present = _ids(layout)
    found = []
    for entry in app._callback_list:
        if entry.get("clientside_function") or entry.get("prevent_initial_call"):
            continue
        key = entry["output"]
        spec = app.callback_map.get(key)
        if spec is None or not spec["inputs"]:
            continue
        ids = [e["id"] for e in (*spec["inputs"], *spec["state"])]
        if all(not i.startswith("{") and i in present for i in ids):
            found.append(key)
    return found


def post_first_callbacks(client: FlaskClient, app: dash.Dash, layout: Any) -> dict[str, Any]:
    """Post every first callback of ``layout``; assert none errs; what they returned."""
    values = _values(layout)
    answers: dict[str, Any] = {}
    keys = first_callbacks(app, layout)
    assert keys, "the layout fires no callback on load"
    for key in keys:
        spec = app.callback_map[key]
        parts = key.strip(".").split("...") if key.startswith("..") else [key]
        outputs = [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True))
                   for part in parts]  # fmt: skip

        def item(entry: dict[str, str]) -> dict[str, Any]:
            return {**entry, "value": values.get(f"{entry['id']}.{entry['property']}")}

        body = {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
                "inputs": [item(e) for e in spec["inputs"]],
                "state": [item(e) for e in spec["state"]], "changedPropIds": []}  # fmt: skip
        response = client.post("/_dash-update-component", json=body)
        answer = response.get_data(as_text=True)[:500]
        assert response.status_code in (200, 204), (key, response.status_code, answer)
        if response.status_code == 200:
            answers.update(json.loads(response.data)["response"])
    return answers
