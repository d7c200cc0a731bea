"""The one table of who may open which page and see callers' data."""

from __future__ import annotations

from collections.abc import Mapping

from geodata.vocabulary import UserRole

__all__ = ["ASSIGN_ROLES", "CALLER_ROLES", "PAGE_ROLES", "home_path", "may_open"]

R = UserRole
OPERATORS = (R.CALL_TAKER, R.SUPERVISOR, R.ADMIN)
READERS = (R.SUPERVISOR, R.PLANNER, R.ANALYST, R.ADMIN)

#: Page path → the roles that may open it (and use its callbacks).
PAGE_ROLES: Mapping[str, tuple[UserRole, ...]] = {
    "/": (R.CALL_TAKER, R.SUPERVISOR, R.PLANNER, R.ANALYST, R.ADMIN),
    "/dispatch": (R.SUPERVISOR, R.ADMIN),
    "/live": OPERATORS,
    "/wall": (R.WALL, *OPERATORS),
    "/analytics": READERS,
    "/coverage": READERS,
    "/perencanaan": (R.PLANNER, R.ADMIN),
    "/kejadian-baru": OPERATORS,
    "/admin": (R.ADMIN,),
}
#: Who may assign a unit (the dispatch page's write).
ASSIGN_ROLES = (R.SUPERVISOR, R.ADMIN)
#: Who may see a caller's name and number (each view is audited); never the wall.
CALLER_ROLES = (R.CALL_TAKER, R.SUPERVISOR, R.ADMIN)


def may_open(role: UserRole, path: str) -> bool:
    """Whether ``role`` may open the page at ``path`` (unknown pages: admins only)."""
    return role in PAGE_ROLES.get(path, (R.ADMIN,))


def home_path(role: UserRole) -> str:
    """Where a role lands after signing in: the wall on its screen, everyone else the map."""
    return "/wall" if role == R.WALL else "/"
