"""What an import did: rows written, rows rejected (row, field, message) and warnings.

Counts of one written batch are :class:`geodata.load.counts.UpsertCounts`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "ImportOutcome",
    "ImportRefusedError",
    "Progress",
    "Reject",
    "no_progress",
]

#: Progress callback: ``(step, done, total)``; ``total`` is 0 when unknown.
Progress = Callable[[str, int, int], None]


def no_progress(step: str, done: int, total: int) -> None:
    """The default :data:`Progress`: say nothing."""


class ImportRefusedError(ValueError):
    """The file as a whole cannot be imported (empty, wrong CRS, missing column…).

    Raised before anything is written; the message says what is wrong and how to fix it.
    """


@dataclass(frozen=True)
class Reject:
    """One problem with one row: it keeps the row out of the database, or (``kept``) only
    the field, whose value is left empty while the rest of the row is stored.

    ``row`` is what the user sees: the spreadsheet row for CSV/XLSX (the header is row 1,
    so the first record is row 2) and the feature number (from 1) for vector files.
    """

    row: int
    field: str
    message: str
    kept: bool = False

    def __str__(self) -> str:
        return f"row {self.row}, field '{self.field}': {self.message}"


@dataclass(frozen=True)
class ImportOutcome:
    """Counts written per kind (``{"stations new": 3, …}``), rejects and warnings."""

    loaded: dict[str, int]
    rejects: tuple[Reject, ...] = ()
    warnings: tuple[str, ...] = ()
    rejects_file: Path | None = None
    details: dict[str, object] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected (a row with several problems counts once)."""
        return len({reject.row for reject in self.rejects if not reject.kept})

    @property
    def rejected_fields(self) -> int:
        """How many fields were left empty in rows that were stored all the same."""
        return sum(1 for reject in self.rejects if reject.kept)

    def rejects_by_field(self) -> dict[str, int]:
        """Rejected rows per field, most frequent first."""
        counts = Counter(reject.field for reject in self.rejects)
        return dict(counts.most_common())
