"""Running a page's Dash callback the way the browser does: a POST to
``/_dash-update-component``, through the Flask test client (no browser, the real app)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash
from flask.testing import FlaskClient

__all__ = [
    "callback_payload",
    "components_of",
    "initial_values",
    "page_layout",
    "run_callback",
]


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
