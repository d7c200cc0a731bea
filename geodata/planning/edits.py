"""The planner's edits, shared by the page and the API: candidates read from an uploaded
file, and a what-if on a finished job (open or close one site, or add a posko at any
point on the roads) computed from the job's kept matrix rows, without a solver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, text

from geodata.planning import sources
from geodata.planning.errors import PlanningInputError
from geodata.planning.matrix import travel_row
from geodata.planning.payload import decode_state
from geodata.planning.request import PlanRequest
from geodata.planning.snapping import snap
from geodata.planning.uploads import candidates_from_file
from geodata.planning.whatif import WhatIf, WhatIfChange
from geodata.routing.road_graph import RoadGraph
from geodata.routing.vehicle_profiles import AGENCY_PROFILE

__all__ = [
    "CANDIDATE_COLUMNS",
    "job_whatif",
    "plan_profile",
    "site_toggle",
    "uploaded_candidates",
]

#: The columns a list of candidates is shown and returned with.
CANDIDATE_COLUMNS = ("candidate_id", "name", "source", "lon", "lat", "node_id", "snap_m", "status")


def plan_profile(plan: PlanRequest) -> str:
    """The vehicle profile a plan drives with: its own, else its agency's usual one."""
    return plan.profile or AGENCY_PROFILE.get(plan.agency_kind, "car")


def uploaded_candidates(
    conn: Connection,
    city_id: int,
    path: Path,
    *,
    profile: str,
    parcels: bool = False,
    max_snap_m: float = 300.0,
) -> pd.DataFrame:
    """The candidates in ``path`` snapped to the city's roads for ``profile``; every row
    kept with its ``status`` (``ok``, off the network, outside the city…)."""
    graph = RoadGraph.from_database(conn, city_id, profile)
    boundary = sources.city_boundary(conn, city_id)
    return candidates_from_file(path, graph, max_snap_m=max_snap_m, boundary=boundary,
                                parcels=parcels)  # fmt: skip


def _added_row(
    conn: Connection, city_id: int, plan: PlanRequest, state: WhatIf, lon: float, lat: float
) -> int:
    """A site at a point that is not a candidate: snapped, one bounded Dijkstra."""
    graph = RoadGraph.from_database(conn, city_id, plan_profile(plan))
    placed = snap(graph, [lon], [lat], plan.max_snap_m)
    if placed.node_pos[0] < 0:
        raise PlanningInputError("add_lon", f"no road within {plan.max_snap_m:.0f} m of the point")
    if state.node_ids is None:
        raise PlanningInputError("add_lon", "this job keeps no road nodes: run it again")
    row = travel_row(
        graph, int(placed.node_pos[0]), graph.positions(state.node_ids), float(state.budget_s)
    )
    return state.add_site(row)


def job_whatif(
    conn: Connection,
    city_id: int,
    job: dict[str, Any],
    *,
    add: int | None = None,
    remove: int | None = None,
    add_point: tuple[float, float] | None = None,
) -> WhatIfChange:
    """The effect of opening site ``add`` (or a posko at ``add_point``, lon/lat) and/or
    closing site ``remove`` on the finished ``job`` (a :func:`jobs.job_view` of
    ``city_id``); sites are positions in the job's result. Refused with the field."""
    if job["status"] not in ("done", "cancelled") or job["result"] is None:
        raise PlanningInputError("job_id", f"job {job['id']} has no result yet ({job['status']})")
    raw = conn.execute(
        text("SELECT state FROM planning_jobs WHERE id = :i AND city_id = :c"),
        {"i": job["id"], "c": city_id},
    ).scalar_one_or_none()
    if raw is None:
        raise PlanningInputError("job_id", f"job {job['id']} keeps no what-if state")
    state = decode_state(bytes(raw))
    if add_point is not None:
        plan = PlanRequest.from_json(
            {k: v for k, v in job["request"].items() if k != "scenario_name"}
        )
        add = _added_row(conn, city_id, plan, state, *add_point)
    return state.change(add=add, remove=remove)


def site_toggle(job: dict[str, Any], position: int) -> dict[str, int]:
    """What clicking site ``position`` of a finished job asks: close it when the plan
    keeps it open, open it otherwise (``{"remove": p}`` or ``{"add": p}``)."""
    sites = {int(s["position"]): s for s in (job.get("result") or {}).get("sites", ())}
    if position not in sites:
        raise PlanningInputError("site", f"no site {position} in job {job['id']}")
    return {"remove": position} if sites[position].get("open_after") else {"add": position}
