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
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from geodata.vocabulary import AgencyKind

if TYPE_CHECKING:
    from geodata.settings import Settings

__all__ = [
    "DEFAULT_STANDARDS",
    "AnalyticsConfig",
    "ResponseStandard",
]

MINUTE_S = 60.0


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
    """

    heat_resolution: int = 8
    coverage_resolution: int = 9
    min_count: int = 10
    max_snap_m: float = 300.0
    max_travel_s: float = 3600.0
    standards: Mapping[str, ResponseStandard] = field(
        default_factory=lambda: dict(DEFAULT_STANDARDS)
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

    def targets_for(self, agency_kinds: pd.Series) -> pd.Series:
        """The target (s) of each row's agency kind; the "other" target where it is None."""
        return agency_kinds.map(lambda kind: self.standard(str(kind)).target_s).astype(float)

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalyticsConfig:
        """The config of ``Settings``: its heat resolution, minimum count, and the city's
        own targets and allowances (minutes per agency kind) over the defaults above."""
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
        )
