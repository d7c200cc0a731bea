"""Running a page's Dash callback the way the browser does: a POST to
``/_dash-update-component``, through the Flask test client (no browser, the real app)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import dash
from flask.testing import FlaskClient

__all__ = ["callback_payload", "run_callback"]


def _parts(key: str) -> list[tuple[str, str]]:
    """(id, property) of each output in a callback map key (``..a.b...c.d..`` or ``a.b``)."""
    names = key.strip(".").split("...") if key.startswith("..") else [key]
    return [tuple(name.rsplit(".", 1)) for name in names]  # type: ignore[misc]


def callback_payload(
    app: dash.Dash, output: str, values: Mapping[str, Any], triggered: Sequence[str] = ()
) -> dict[str, Any]:
    """The body the browser posts for the callback whose outputs include ``output``
    (``"id.property"``). ``values`` gives each input and state by ``"id.property"``; a
    pattern-matching input takes the list of ``{"id": {...}, "property", "value"}`` the
    browser would send. ``triggered``: the ``"id.property"`` that changed (none: page load).
    """
    key = next(k for k in app.callback_map if output in {f"{i}.{p}" for i, p in _parts(k)})
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
) -> tuple[int, dict[str, dict[str, Any]]]:
    """POST the callback; (status, {component id: {property: value}}) of what it returned."""
    body = callback_payload(app, output, values, triggered)
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200:
        return response.status_code, {}
    return 200, json.loads(response.data)["response"]
