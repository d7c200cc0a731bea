"""Travel speeds per vehicle profile and road class, and the edge costs derived from them.

This is the one place where speeds are set. The figures are planning assumptions for
Indonesian urban traffic with warning lights where a vehicle has them (motorbikes filter
through congestion; fire engines are heavy and slow on narrow streets); replace them with
GPS-observed medians once a city has unit tracks.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from geodata.vocabulary import AgencyKind, RoadClass, VehicleProfile

__all__ = ["AGENCY_PROFILE", "SPEEDS_KMH", "edge_costs"]

P, R, A = VehicleProfile, RoadClass, AgencyKind

#: Speed in km/h by profile and road class.
SPEEDS_KMH: Mapping[VehicleProfile, Mapping[RoadClass, float]] = {
    P.AMBULANCE: {R.ARTERIAL: 45, R.COLLECTOR: 35, R.LOCAL: 25, R.RESIDENTIAL: 20, R.SERVICE: 10},
    P.FIRE_ENGINE: {R.ARTERIAL: 40, R.COLLECTOR: 30, R.LOCAL: 20, R.RESIDENTIAL: 15, R.SERVICE: 8},
    P.MOTORBIKE: {R.ARTERIAL: 45, R.COLLECTOR: 38, R.LOCAL: 28, R.RESIDENTIAL: 22, R.SERVICE: 12},
    P.CAR: {R.ARTERIAL: 40, R.COLLECTOR: 32, R.LOCAL: 24, R.RESIDENTIAL: 18, R.SERVICE: 10},
}

#: The vehicle an agency usually sends: how its posko (which have no unit) are routed and
#: modelled. A unit is routed by its own ``vehicle_profile``.
AGENCY_PROFILE: Mapping[str, str] = {
    A.AMBULANCE: P.AMBULANCE,
    A.FIRE: P.FIRE_ENGINE,
    A.POLICE: P.CAR,
    A.DISASTER: P.CAR,
    A.SAR: P.CAR,
    A.TRANSPORT: P.CAR,
    A.OTHER: P.CAR,
}


def edge_costs(edges: pd.DataFrame) -> pd.DataFrame:
    """Travel time over each edge for every profile, in pgRouting's cost convention.

    Parameters
    ----------
    edges
        Columns ``edge_id``, ``road_class``, ``length_m`` (metres), ``oneway`` (bool).

    Returns
    -------
    DataFrame with ``edge_id``, ``profile``, ``cost_s`` and ``reverse_cost_s`` (seconds;
    ``-1`` where a one-way edge cannot be driven target → source).
    """
    unknown = set(edges["road_class"]) - set(RoadClass)
    if unknown:
        raise ValueError(f"unknown road classes {sorted(unknown)}; known: {[*RoadClass]}")
    frames = []
    for profile, speeds in SPEEDS_KMH.items():
        speed_ms = edges["road_class"].map({k.value: v / 3.6 for k, v in speeds.items()})
        cost = edges["length_m"].to_numpy(dtype=float) / speed_ms.to_numpy(dtype=float)
        frames.append(
            pd.DataFrame(
                {
                    "edge_id": edges["edge_id"].to_numpy(),
                    "profile": profile.value,
                    "cost_s": cost,
                    "reverse_cost_s": np.where(edges["oneway"].to_numpy(dtype=bool), -1.0, cost),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
