"""Typed errors of the planner: each names the input field that is wrong and says why.

The API answers them with 422 and the field; the page shows the message beside the field.
"""

from __future__ import annotations

__all__ = [
    "CoordinatesOutsideCityError",
    "NoCandidatesError",
    "NoDemandWeightError",
    "NoGeometryError",
    "PlanningInputError",
    "TargetUnreachableError",
    "TooManySitesError",
]


class PlanningInputError(ValueError):
    """Bad planner input. ``field`` is the name of the input that is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NoCandidatesError(PlanningInputError):
    """There is no usable candidate site (none given, or none on the road network)."""


class TargetUnreachableError(PlanningInputError):
    """No candidate reaches any demand (or the share asked for) within the target."""


class TooManySitesError(PlanningInputError):
    """More sites asked for than there are candidates to choose from."""


class NoDemandWeightError(PlanningInputError):
    """The demand has no positive weight (no incidents chosen, no population, zero weights)."""


class NoGeometryError(PlanningInputError):
    """An uploaded file has no geometry or coordinates to read."""


class CoordinatesOutsideCityError(PlanningInputError):
    """An uploaded file's places lie outside the city."""
