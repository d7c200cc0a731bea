"""The error of one refused field of one submitted row, shared by every write path."""

from __future__ import annotations

__all__ = ["RowFieldError"]


class RowFieldError(ValueError):
    """A value that cannot be stored; names the row (``index``) and the ``field``."""

    def __init__(self, message: str, *, field_name: str, index: int | None = None) -> None:
        where = f"row {index}, " if index is not None else ""
        super().__init__(f"{where}field '{field_name}': {message}")
        self.field_name = field_name
        self.index = index
