"""The file an import reads, and how: its CRS, layer or sheet, and where rejects go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geodata.importers.rejects import default_rejects_path

__all__ = ["SourceFile"]


@dataclass(frozen=True)
class SourceFile:
    """An input file and how to read it.

    ``crs`` is the CRS of a vector file that declares none (or a wrong one); ``layer`` the
    layer of a GeoPackage, ``sheet`` the sheet of a workbook; ``rejects`` where to write
    the rejected rows (default: ``<name>.rejected.csv`` next to the file).
    """

    path: Path
    crs: str | None = None
    layer: str | None = None
    sheet: str | None = None
    rejects: Path | None = None

    @property
    def rejects_path(self) -> Path:
        return self.rejects or default_rejects_path(self.path)
