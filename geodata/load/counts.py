"""What a writer did with one batch of rows."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UpsertCounts"]


@dataclass(frozen=True)
class UpsertCounts:
    """Rows of one batch: new, changed, and already stored exactly so."""

    inserted: int
    updated: int
    unchanged: int
