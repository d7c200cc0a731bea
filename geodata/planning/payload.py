"""A planning run as plain data: the JSON a job stores and a scenario saves, and the
compact bytes of its what-if state (the matrix rows), for any worker to reopen."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from geodata.planning.plan import PlanOutcome
from geodata.planning.results import AREA_FIELDS
from geodata.planning.whatif import WhatIf

__all__ = [
    "SITE_FIELDS",
    "decode_state",
    "encode_state",
    "outcome_payload",
    "records",
]

SITE_FIELDS = (
    "position",
    "candidate_id",
    "name",
    "source",
    "lon",
    "lat",
    "node_id",
    "snap_m",
    "existing",
    "open_after",
    "reaches_demand",
    "station_id",
)
_CANDIDATE_FIELDS = ("candidate_id", "name", "source", "lon", "lat", "node_id", "snap_m", "status")
_DEMAND_FIELDS = ("weight", "population")


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT or (value is not None and _is_nan(value)):
        return None
    return value


def _is_nan(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready dicts of ``columns`` (NaN → None)."""
    present = [c for c in columns if c in frame.columns]
    return [
        {column: _plain(value) for column, value in zip(present, row, strict=True)}
        for row in frame[present].itertuples(index=False, name=None)
    ]


def outcome_payload(outcome: PlanOutcome) -> dict[str, Any]:
    """Everything a scenario keeps: the summary, sites, kelurahan, replay, candidates."""
    sites = outcome.sites.reset_index(drop=True).assign(position=lambda f: np.arange(len(f)))
    return {
        "summary": outcome.summary(),
        "sites": records(sites, SITE_FIELDS),
        "areas": records(outcome.areas, AREA_FIELDS),
        "replay": records(outcome.replay, tuple(outcome.replay.columns)),
        "candidates": records(outcome.inputs.candidates, _CANDIDATE_FIELDS),
    }


def encode_state(whatif: WhatIf) -> bytes:
    """The what-if state as compressed NumPy arrays (no pickles)."""
    rows, demand = whatif.rows, whatif.demand
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        data=rows.data,
        indices=rows.indices,
        indptr=rows.indptr,
        shape=np.array(rows.shape),
        point_column=whatif.point_column,
        weight=demand["weight"].to_numpy(float),
        population=demand["population"].to_numpy(float),
        incident=(demand["kind"] == "incident").to_numpy(),
        category=demand["category"].fillna("").astype(str).to_numpy(dtype=str),
        area_code=demand["area_code"].fillna("").astype(str).to_numpy(dtype=str),
        budget_s=np.array([whatif.budget_s]),
        open_sites=np.asarray(whatif.open_sites, int),
        node_ids=np.asarray([] if whatif.node_ids is None else whatif.node_ids, np.int64),
    )
    return buffer.getvalue()


def decode_state(raw: bytes) -> WhatIf:
    """The :class:`WhatIf` of :func:`encode_state`'s bytes."""
    with np.load(io.BytesIO(raw), allow_pickle=False) as arrays:
        rows = csr_array(
            (arrays["data"], arrays["indices"], arrays["indptr"]), shape=tuple(arrays["shape"])
        )
        incident = arrays["incident"]
        category = arrays["category"].astype(object)
        category[~incident] = None
        demand = pd.DataFrame(
            {
                "weight": arrays["weight"],
                "population": arrays["population"],
                "kind": np.where(incident, "incident", "population"),
                "category": category,
                "area_code": arrays["area_code"],
            }
        )
        return WhatIf(
            rows,
            arrays["point_column"].astype(np.intp),
            demand,
            float(arrays["budget_s"][0]),
            [int(s) for s in arrays["open_sites"]],
            arrays["node_ids"] if len(arrays["node_ids"]) else None,
        )
