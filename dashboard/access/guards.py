"""The checks every page layout and every callback makes, on the server, every time.

A page's layout starts with ``refusal = page_refusal(path, language)`` and returns it when
it is not None. A callback is wrapped in ``@guarded(path)`` (below ``@dash.callback``): an
anonymous request gets 401, a role the page does not admit 403, before the callback runs.
What the browser sends (a city in a store, a unit id in a button) is checked against the
account too: :func:`reachable_city` refuses a city outside the account's scope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from dash import html
from flask import abort
from limits import parse as parse_limit
from sqlalchemy import Connection

from dashboard.access.policy import PAGE_ROLES, home_path, may_open
from dashboard.access.protection import limiter
from dashboard.access.signin import signed_in
from geodata import map_queries
from geodata.map_queries import CitySummary
from geodata.operations.users import Account
from geodata.vocabulary import UserRole
from layers.words import Language, label, word

__all__ = [
    "account",
    "guarded",
    "page_refusal",
    "reachable_city",
    "requested_city",
    "requested_city_id",
    "spend",
]

F = TypeVar("F", bound=Callable[..., Any])


def account() -> Account:
    """The signed-in account (a guarded callback or layout has one: else 401)."""
    found = signed_in()
    if found is None:
        abort(401)
    return found


def guarded(path: str, *roles: UserRole) -> Callable[[F], F]:
    """Admit the callback's request only for a role that opens ``path`` (or ``roles``)."""
    admitted = roles or PAGE_ROLES[path]

    def wrap(callback: F) -> F:
        @functools.wraps(callback)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if account().role not in admitted:
                abort(403)
            return callback(*args, **kwargs)

        checked.__tanggap_roles__ = admitted  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap


#: What one person may ask of the expensive callbacks (analytics, coverage, exports, the
#: report), shared by every worker: a page's normal use stays far below.
EXPENSIVE = parse_limit("60/minute")


def spend(bucket: str) -> None:
    """Count one expensive request of this account in ``bucket``; 429 past the limit."""
    if not limiter().limiter.hit(EXPENSIVE, bucket, account().username):
        abort(429, description=f"at most {EXPENSIVE} of {bucket} per person")


def page_refusal(path: str, language: Language) -> Any:
    """None when the signed-in role may open ``path``; else the notice to show instead."""
    found = signed_in()
    if found is not None and may_open(found.role, path):
        return None
    role = label("user_role", found.role.value, language) if found else "—"
    home = home_path(found.role) if found else "/masuk"
    return html.Div(
        [html.P(word("access.not_permitted", language, role=role)),
         html.A(word("access.go_home", language), href=home)],
        className="notice", id="not-permitted",
    )  # fmt: skip


def reachable_city(conn: Connection, code: str | None, default: str | None) -> CitySummary | None:
    """The city to show: the account's own when it is scoped to one, else ``code`` (or the
    default); None when the account may not see the one asked for."""
    who = account()
    if who.city_id is not None:
        city = map_queries.city_summary_by_id(conn, who.city_id)
        return city if code is None or city is None or city.code == code else None
    return map_queries.city_summary(conn, code or default)


def requested_city(conn: Connection, code: object) -> CitySummary:
    """The city a callback's store names (``code``), if this account may see it; else 403.

    A store is what the browser sends back: never trusted without this check.
    """
    city = reachable_city(conn, code if isinstance(code, str) else None, None)
    if city is None or not isinstance(code, str) or city.code != code:
        abort(403)
    return city


def requested_city_id(city_id: object) -> int:
    """A city id a callback's store names, if this account may see it; else 403."""
    if (
        not isinstance(city_id, int)
        or isinstance(city_id, bool)
        or not account().reaches_city(city_id)
    ):
        abort(403)
    return city_id
