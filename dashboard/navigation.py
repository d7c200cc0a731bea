"""The links between pages, shown in every page's top bar."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from dashboard.access.policy import may_open
from dashboard.access.signin import signed_in
from layers.words import Language, word

__all__ = ["PAGES", "nav_links"]

#: (path, phrasebook key of its name), in the order shown.
PAGES: tuple[tuple[str, str], ...] = (
    ("/", "app.page_overview"),
    ("/kejadian-baru", "app.page_manual_entry"),
    ("/dispatch", "app.page_dispatch"),
    ("/live", "app.page_live"),
    ("/wall", "app.page_wall"),
    ("/analytics", "app.page_analytics"),
    ("/coverage", "app.page_coverage"),
    ("/perencanaan", "app.page_planning"),
    ("/admin", "app.page_admin"),
)


def nav_links(language: Language, active: str) -> Any:
    """Links to the registered pages the signed-in role opens, in the current language."""
    who = signed_in()
    available = {page["path"] for page in dash.page_registry.values()}
    if who is not None:
        available = {path for path in available if may_open(who.role, path)}
    links = [
        dcc.Link(
            word(key, language),
            href=f"{path}?lang={language}",
            className="nav-link active" if path == active else "nav-link",
        )
        for path, key in PAGES
        if path in available
    ]
    return html.Nav(links, className="nav")
