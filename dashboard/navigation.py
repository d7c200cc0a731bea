"""The links between pages, shown in every page's top bar."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from layers.vocabulary import Language

__all__ = ["PAGES", "nav_links"]

#: (path, label in Bahasa Indonesia, label in English), in the order shown.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("/", "Peta kota", "City map"),
    ("/dispatch", "Penugasan unit", "Dispatch"),
    ("/live", "Operasi langsung", "Live operations"),
    ("/wall", "Layar dinding", "Wall display"),
    ("/analytics", "Analitik", "Analytics"),
    ("/coverage", "Cakupan layanan", "Coverage"),
)


def nav_links(language: Language, active: str) -> Any:
    """Links to the registered pages, in the current language."""
    available = {page["path"] for page in dash.page_registry.values()}
    links = [
        dcc.Link(
            label_id if language == "id" else label_en,
            href=f"{path}?lang={language}",
            className="nav-link active" if path == active else "nav-link",
        )
        for path, label_id, label_en in PAGES
        if path in available
    ]
    return html.Nav(links, className="nav")
