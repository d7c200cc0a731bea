"""Response-time standards, named, and the settings of the analyses that use them.

A standard is a target *from report* (the call received) to the first unit on scene. The
road network models only the drive, so coverage compares the modelled travel time with
the *travel budget*: the target minus an allowance for call processing and turnout. The
allowance is an assumption, configurable per agency kind, and always shown with the figure.

The fire target is the SPM of Permendagri 114/2018 (waktu tanggap Damkar 15 minutes from
the report). The default allowance of 5 minutes for receiving the report and getting the
crew rolling follows the breakdown commonly cited from Kepmen PU 11/KPTS/2000; set it to
your own SOP. Other agencies have no national target encoded here: their defaults are
local targets (assumptions) until a city configures its own.

Which standard judges an incident (:meth:`AnalyticsConfig.target_kinds`): that of the agency
of its first unit sent; without a dispatch (a log that names no unit, a call not yet
answered), that of the agency its category goes to first (``Settings.response_agencies``:
a fire without a dispatch is still held to Damkar's 15 minutes); only a category no agency
answers falls back to the "other" target. Every figure says which it used (:data:`BASES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from geodata.responders import DEFAULT_RESPONSE_AGENCIES, ResponseAgencies, primary_kind
from geodata.vocabulary import AgencyKind

if TYPE_CHECKING:
    from geodata.settings import Settings

__all__ = [
    "BASES",
    "DEFAULT_STANDARDS",
    "AnalyticsConfig",
    "ResponseStandard",
]

MINUTE_S = 60.0
#: Why a row is judged by its standard: the agency of the unit sent ("dispatch"), the
#: agency its category goes to ("category", nobody was sent), or neither ("fallback").
BASES = ("dispatch", "category", "fallback")


@dataclass(frozen=True)
class ResponseStandard:
    """A response-time target for one agency kind, with the standard it comes from.

    target_s: from call received to first unit on scene, seconds. allowance_s: call
    processing + turnout assumed before the unit drives, seconds. name: the standard as
    shown to people (a regulation, or "local target"); is_regulation: False for a target
    the city set itself or an assumption.
    """

    agency_kind: str
    target_s: float
    allowance_s: float
    name: str
    is_regulation: bool = False

    @property
    def travel_budget_s(self) -> float:
        """Modelled drive time that still meets the target: target − allowance, ≥ 0 (s)."""
        return max(self.target_s - self.allowance_s, 0.0)


def _local(kind: AgencyKind, target_min: float, allowance_min: float) -> ResponseStandard:
    return ResponseStandard(kind.value, target_min * MINUTE_S, allowance_min * MINUTE_S,
                            "Target lokal (asumsi)")  # fmt: skip


K = AgencyKind
DEFAULT_STANDARDS: Mapping[str, ResponseStandard] = {
    K.FIRE.value: ResponseStandard(
        K.FIRE.value, 15 * MINUTE_S, 5 * MINUTE_S, "Permendagri 114/2018", is_regulation=True
    ),
    K.AMBULANCE.value: _local(K.AMBULANCE, 15, 4),
    K.POLICE.value: _local(K.POLICE, 15, 4),
    K.DISASTER.value: _local(K.DISASTER, 30, 10),
    K.SAR.value: _local(K.SAR, 30, 10),
    K.TRANSPORT.value: _local(K.TRANSPORT, 30, 10),
    K.OTHER.value: _local(K.OTHER, 30, 10),
}


@dataclass(frozen=True)
class AnalyticsConfig:
    """Settings of the analytics pages and report; each has its unit and default.

    heat_resolution: H3 resolution of the observed heatmap (8: cells of about 0.74 km²).
    coverage_resolution: H3 resolution of the modelled surface (9: about 0.105 km²).
    min_count: fewest incidents with a measured interval for a cell, area or hour to be
    coloured; below it the cell is marked "too few". max_snap_m: a place farther than
    this from any road node counts as unreachable (metres). max_travel_s: the modelled
    surface stops at this drive time (seconds). standards: per agency kind.
    response_agencies: category → agency kinds (``Settings.response_agencies``), which
    gives an incident without a dispatch its standard.
    """

    heat_resolution: int = 8
    coverage_resolution: int = 9
    min_count: int = 10
    max_snap_m: float = 300.0
    max_travel_s: float = 3600.0
    standards: Mapping[str, ResponseStandard] = field(
        default_factory=lambda: dict(DEFAULT_STANDARDS)
    )
    response_agencies: ResponseAgencies = field(
        default_factory=lambda: dict(DEFAULT_RESPONSE_AGENCIES)
    )

    def standard(self, agency_kind: str) -> ResponseStandard:
        """The standard of ``agency_kind`` (the "other" one when the kind has none)."""
        return self.standards.get(agency_kind) or self.standards[K.OTHER.value]

    def with_target(
        self, agency_kind: str, target_min: float | None, allowance_min: float | None
    ) -> AnalyticsConfig:
        """A copy whose standard for ``agency_kind`` has these minutes (None keeps the
        configured value); a changed target is named "Target pilihan" (not a regulation)."""
        base = self.standard(agency_kind)
        target_s = base.target_s if target_min is None else float(target_min) * MINUTE_S
        allowance_s = base.allowance_s if allowance_min is None else float(allowance_min) * MINUTE_S
        changed = target_s != base.target_s
        standard = replace(
            base, agency_kind=agency_kind, target_s=target_s, allowance_s=allowance_s,
            name="Target pilihan" if changed else base.name,
            is_regulation=base.is_regulation and not changed,
        )  # fmt: skip
        return replace(self, standards={**self.standards, agency_kind: standard})

    def target_kinds(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per row of ``frame`` (columns agency_kind, category): the agency kind whose
        standard judges it (``target_kind``) and why (``basis``, one of :data:`BASES`).

        The kind of the unit sent when there is one; else the first kind the category goes
        to (``response_agencies``); else "other". A kind without a standard of its own is
        judged by "other", and its basis is then "fallback"."""
        sent = frame["agency_kind"].astype(object)
        by_category = frame["category"].map(
            lambda category: primary_kind(str(category), self.response_agencies)
        )
        dispatched = sent.notna().to_numpy()
        kind = sent.where(dispatched, by_category).astype(object)
        basis = pd.Series("category", index=frame.index, dtype=object)
        basis[dispatched] = "dispatch"
        known = kind.isin(list(self.standards)).to_numpy()
        basis[~known] = "fallback"
        kind = kind.where(known, K.OTHER.value)
        return pd.DataFrame({"target_kind": kind.astype(str), "basis": basis}, index=frame.index)

    def targets_for(self, frame: pd.DataFrame) -> pd.Series:
        """The response target (s) of each row of ``frame`` (agency_kind, category), from
        the standard :meth:`target_kinds` chooses."""
        kinds = self.target_kinds(frame)["target_kind"]
        return kinds.map(lambda kind: self.standard(str(kind)).target_s).astype(float)

    def target_basis(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Which targets judged the rows of ``frame``: one row per (target_kind, basis) with
        rows (how many), target_s, name (the standard's) and is_regulation; by kind, then
        in the order of :data:`BASES`. Empty (same columns) for an empty frame."""
        chosen = self.target_kinds(frame)
        counted = chosen.groupby(["target_kind", "basis"], sort=False).size().reset_index()
        records = []
        for kind, basis, rows in counted.itertuples(index=False):
            standard = self.standard(str(kind))
            records.append({"target_kind": kind, "basis": basis, "rows": int(rows),
                            "target_s": standard.target_s, "name": standard.name,
                            "is_regulation": standard.is_regulation})  # fmt: skip
        result = pd.DataFrame.from_records(
            records,
            columns=["target_kind", "basis", "rows", "target_s", "name", "is_regulation"],
        )
        order = result["basis"].map({basis: index for index, basis in enumerate(BASES)})
        return result.assign(_order=order).sort_values(["target_kind", "_order"]).drop(
            columns="_order").reset_index(drop=True)  # fmt: skip

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalyticsConfig:
        """The config of ``Settings``: its heat resolution, minimum count, and the city's
        own targets and allowances (minutes per agency kind) over the defaults above, and
        its category → agency mapping."""
        config = cls()
        standards = dict(config.standards)
        targets, allowances = settings.response_targets_min, settings.response_allowances_min
        for kind in set(targets) | set(allowances):
            base = config.standard(kind)
            standards[kind] = replace(
                base,
                agency_kind=kind,
                target_s=float(targets.get(kind, base.target_s / MINUTE_S)) * MINUTE_S,
                allowance_s=float(allowances.get(kind, base.allowance_s / MINUTE_S)) * MINUTE_S,
                name=base.name if kind not in targets else "Target daerah",
                is_regulation=base.is_regulation and kind not in targets,
            )
        return replace(
            config,
            heat_resolution=settings.analytics_heat_resolution,
            min_count=settings.analytics_min_count,
            standards=standards,
            response_agencies=settings.response_agencies,
        )
