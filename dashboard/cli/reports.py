"""``tanggap report …``: reports a kepala dinas can forward, written from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from geodata import map_queries
from geodata.analytics.monthly import gather_monthly, parse_month
from geodata.analytics.standards import AnalyticsConfig
from geodata.db.database import database_url, make_engine
from geodata.settings import Settings
from layers.analytics.monthly_report import monthly_report_html

__all__ = ["reports_app"]

reports_app = typer.Typer(
    help="Reports to forward: the monthly response-time report.", no_args_is_help=True
)


@reports_app.callback()
def reports() -> None:
    """Reports to forward: the monthly response-time report."""


@reports_app.command("monthly")
def monthly(
    month: Annotated[str, typer.Option(help="Local month of the city, YYYY-MM, e.g. 2026-05.")],
    out: Annotated[Path, typer.Option(help="HTML file to write (self-contained, offline).")],
    city: Annotated[
        str | None, typer.Option(help="Kemendagri code of the city. Default: the first one.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option(help="id (Bahasa Indonesia) or en. Default: TANGGAP_LANGUAGE.")
    ] = None,
) -> None:
    """Write the monthly response-time report of MONTH as one HTML file."""
    settings = Settings()
    try:
        first_day = parse_month(month)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--month") from None
    language = lang or settings.language
    if language not in ("id", "en"):
        raise typer.BadParameter("use id or en", param_hint="--lang")
    with database_url(settings) as url:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                summary = map_queries.city_summary(conn, city or settings.default_city)
                if summary is None:
                    raise typer.BadParameter(
                        f"no city {city or ''} in the database", param_hint="--city"
                    )
                data = gather_monthly(
                    conn, summary, first_day, AnalyticsConfig.from_settings(settings),
                    generated_at=datetime.now(UTC),
                )  # fmt: skip
        finally:
            engine.dispose()
    html = monthly_report_html(data, language)  # type: ignore[arg-type]
    out.write_text(html, encoding="utf-8")
    typer.secho(f"• Wrote {out} ({len(html.encode()) / 1e6:.1f} MB): {summary.name}, {month}",
                fg=typer.colors.CYAN, err=True)  # fmt: skip
