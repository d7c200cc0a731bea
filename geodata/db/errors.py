"""What a database error says about the rule it broke, without its SQL or its values.

A constraint violation's full message holds the failing row (an address, a time) and a
failed statement's parameters hold callers' data: neither may reach a response or a log.
The name of the constraint is enough to say which rule was broken.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

__all__ = ["constraint_name", "sqlstate"]


def constraint_name(error: DBAPIError) -> str | None:
    """The name of the constraint ``error`` violated (e.g. ``ck_dispatches_on_scene_order``)."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return str(name) if name else None


def sqlstate(error: DBAPIError) -> str | None:
    """The SQLSTATE code of ``error`` (``23514`` check violation, ``23505`` unique…)."""
    code = getattr(error.orig, "sqlstate", None)
    return str(code) if code else None
