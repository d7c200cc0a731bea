"""What a planner asks for, as one plain value that the API, the job table and a saved
scenario all keep (JSON both ways, every field checked and named when wrong)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any

from geodata.planning.demand import SpreadMethod
from geodata.planning.errors import PlanningInputError
from geodata.vocabulary import AgencyKind, IncidentCategory, VehicleProfile

__all__ = ["ExistingPosko", "ModelName", "PlanRequest"]


class ModelName(StrEnum):
    """The planning models."""

    MCLP = "mclp"
    LSCP = "lscp"
    BACKUP = "backup"
    P_MEDIAN = "p_median"
    P_CENTER = "p_center"


class ExistingPosko(StrEnum):
    """What the model may do with the agency's existing posko."""

    FIXED = "fixed"  # kept open; k new sites are added
    CLOSE = "close"  # may close: choose (existing + k) sites among existing and candidates
    IGNORE = "ignore"  # green field: k sites among the candidates alone


@dataclass(frozen=True)
class PlanRequest:
    """One planning run.

    agency_kind: whose posko (fire, ambulance…); model; k: new sites (MCLP, backup,
    p-median, p-center); share: of demand to cover (LSCP, 0…1); primary_weight: θ of
    backup coverage; target_min / allowance_min: the target from report and the call
    processing + turnout allowance (None: the agency's standard); profile: vehicle
    (None: the agency's usual one); existing: fixed / close / ignore.
    Candidates: kelurahan_candidates (one per kelurahan), grid_spacing_m (intersections
    on a grid; None: none), points (dicts of name, lon, lat; clicked or uploaded).
    Demand: category_weights (category → weight; empty: no incidents), since / until
    (ISO date-times, the incidents' range), population (spread by population_method),
    incident_share (weight of incidents when both, 0…1).
    Solving: time_limit_s; max_snap_m (metres to the road); median_bound_s (the matrix
    bound of p-median and p-center: times cap there).
    """

    agency_kind: str = AgencyKind.FIRE.value
    model: str = ModelName.MCLP.value
    k: int = 3
    share: float = 1.0
    primary_weight: float = 0.5
    target_min: float | None = None
    allowance_min: float | None = None
    profile: str | None = None
    existing: str = ExistingPosko.FIXED.value
    kelurahan_candidates: bool = True
    grid_spacing_m: float | None = None
    points: tuple[Mapping[str, Any], ...] = ()
    category_weights: Mapping[str, float] = field(default_factory=dict)
    since: str | None = None
    until: str | None = None
    population: bool = True
    population_method: str = SpreadMethod.EQUAL.value
    incident_share: float = 0.5
    time_limit_s: float = 30.0
    max_snap_m: float = 300.0
    median_bound_s: float = 3600.0

    def __post_init__(self) -> None:
        _member("agency_kind", self.agency_kind, AgencyKind)
        _member("model", self.model, ModelName)
        _member("existing", self.existing, ExistingPosko)
        _member("population_method", self.population_method, SpreadMethod)
        if self.profile is not None:
            _member("profile", self.profile, VehicleProfile)
        if not isinstance(self.k, int) or isinstance(self.k, bool) or self.k < 0:
            raise PlanningInputError("k", f"must be a whole number ≥ 0, not {self.k!r}")
        for name in ("share", "primary_weight", "incident_share"):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise PlanningInputError(name, f"must be between 0 and 1, not {value}")
        if self.target_min is not None and not 0 < self.target_min <= 240:
            raise PlanningInputError("target_min", "must be above 0 and at most 240 minutes")
        if self.allowance_min is not None and not 0 <= self.allowance_min < 240:
            raise PlanningInputError("allowance_min", "must be 0 or more minutes, under 240")
        if self.grid_spacing_m is not None and not 50 <= self.grid_spacing_m <= 20_000:
            raise PlanningInputError("grid_spacing_m", "must be between 50 and 20,000 m")
        if not 0.1 <= self.time_limit_s <= 3600:
            raise PlanningInputError("time_limit_s", "must be between 0.1 and 3600 s")
        for category, weight in self.category_weights.items():
            _member("category_weights", category, IncidentCategory)
            if not float(weight) >= 0:
                raise PlanningInputError("category_weights", f"{category}: weight must be ≥ 0")
        for name in ("since", "until"):
            self.moment(name)
        for point in self.points:
            _point(point)

    def moment(self, name: str) -> datetime | None:
        """``since`` or ``until`` as a tz-aware datetime (None when not given)."""
        value = getattr(self, name)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise PlanningInputError(name, f"not an ISO date-time: {value!r}") from None
        if moment.tzinfo is None:
            raise PlanningInputError(name, "needs a time zone (e.g. 2026-01-01T00:00+07:00)")
        return moment

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["points"] = [dict(p) for p in self.points]
        data["category_weights"] = dict(self.category_weights)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanRequest:
        """From a JSON object; unknown fields are refused by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PlanningInputError(
                unknown[0], f"unknown field (known: {', '.join(sorted(known))})"
            )
        values = dict(data)
        if "points" in values:
            if not isinstance(values["points"], list | tuple):
                raise PlanningInputError("points", "must be a list of {name, lon, lat}")
            values["points"] = tuple(values["points"])
        if "category_weights" in values and not isinstance(values["category_weights"], Mapping):
            raise PlanningInputError("category_weights", "must be an object category → weight")
        try:
            return cls(**values)
        except TypeError as error:
            raise PlanningInputError("request", str(error)) from None


def _member(name: str, value: object, kind: type[StrEnum]) -> None:
    if value not in {member.value for member in kind}:
        allowed = ", ".join(member.value for member in kind)
        raise PlanningInputError(name, f"{value!r} is not one of {allowed}")


def _point(point: Mapping[str, Any]) -> None:
    if not isinstance(point, Mapping) or not {"lon", "lat"} <= set(point):
        raise PlanningInputError("points", "each point needs lon and lat (and a name)")
    try:
        lon, lat = float(point["lon"]), float(point["lat"])
    except (TypeError, ValueError):
        raise PlanningInputError("points", f"lon/lat must be numbers: {dict(point)}") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise PlanningInputError("points", f"lon/lat out of range: {lon}, {lat}")
