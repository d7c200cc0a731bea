"""The rejected-rows file: each rejected row as it was read, with why, to fix and re-import.

The file is CSV (UTF-8 with a byte-order mark, so that Excel reads it right) with four
leading columns, ``reject_row``, ``reject_field``, ``reject_message`` and ``reject_kept``
(``yes``: the row was stored, only the fields named were left empty; ``no``: the row was
not stored), followed by the row's own columns. Column mappings name the source columns,
so the file fixed in place can be imported again as it is: the extra columns are ignored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from geodata.importers.outcome import ImportOutcome, Reject

__all__ = ["REJECT_COLUMNS", "default_rejects_path", "finish", "write_rejects"]

REJECT_COLUMNS = ("reject_row", "reject_field", "reject_message", "reject_kept")


def default_rejects_path(source: Path) -> Path:
    """``data/log.xlsx`` → ``data/log.rejected.csv``, next to the input.

    When the input's folder cannot be written (a read-only share, a CD), the file goes to
    the current directory instead, so a rejected row never makes the import fail.
    """
    name = f"{source.stem}.rejected.csv"
    folder = source.resolve().parent
    if os.access(folder, os.W_OK) and not _read_only_by_mode(folder):
        return source.with_name(name)
    return Path.cwd() / name


def _read_only_by_mode(folder: Path) -> bool:
    # Root passes os.access everywhere; a folder whose mode has no write bit is read-only
    # by intent (the shared data of this project is such a folder).
    return not folder.stat().st_mode & 0o222


def write_rejects(rejects: Iterable[Reject], rows: pd.DataFrame | None, path: Path) -> Path:
    """Write one line per rejected row (its problems joined) and return ``path``.

    Parameters
    ----------
    rejects
        The problems; several may name the same row.
    rows
        The source records indexed by the row number of :class:`Reject` (None: no copy).
    path
        Where to write; an existing file is replaced.
    """
    by_row: dict[int, list[Reject]] = {}
    for reject in rejects:
        by_row.setdefault(reject.row, []).append(reject)
    report = pd.DataFrame(
        {
            "reject_row": list(by_row),
            "reject_field": ["; ".join(r.field for r in problems) for problems in by_row.values()],
            "reject_message": [
                " | ".join(r.message for r in problems) for problems in by_row.values()
            ],
            "reject_kept": [
                "yes" if all(r.kept for r in problems) else "no" for problems in by_row.values()
            ],
        }
    )
    if rows is not None and len(report):
        originals = rows.reindex(report["reject_row"].to_numpy())
        originals = originals.drop(columns=[c for c in REJECT_COLUMNS if c in originals])
        report = pd.concat([report, originals.reset_index(drop=True)], axis=1)
    report = report.sort_values("reject_row", kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    report.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def finish(
    loaded: dict[str, int],
    rejects: Iterable[Reject],
    warnings: Iterable[str],
    rows: pd.DataFrame | None,
    rejects_path: Path | None,
) -> ImportOutcome:
    """The outcome of an import; writes the rejected rows to ``rejects_path`` if any."""
    ordered = tuple(sorted(rejects, key=lambda reject: reject.row))
    written = None
    if ordered and rejects_path is not None:
        written = write_rejects(ordered, rows, rejects_path)
    return ImportOutcome(loaded, ordered, tuple(warnings), written)
