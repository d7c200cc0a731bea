"""``tanggap report monthly`` on the demo city, through the Typer app the CLI mounts."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from dashboard.cli.reports import reports_app


@pytest.fixture
def tanggap() -> typer.Typer:
    """The reports app mounted as ``report``, as ``dashboard.cli.main`` registers it."""
    app = typer.Typer()
    app.add_typer(reports_app, name="report")
    return app


def test_monthly_report_is_written_as_one_html_file(
    tanggap: typer.Typer,
    demo_url: URL,
    tmp_path: Path,
    artifacts_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TANGGAP_DATABASE_URL", demo_url.render_as_string(hide_password=False))
    out = tmp_path / "laporan.html"
    result = CliRunner().invoke(
        tanggap, ["report", "monthly", "--month", "2026-05", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Laporan Bulanan Waktu Tanggap 112" in html and "Mei 2026" in html
    assert "DATA SINTETIS" in html and "<script src=" not in html
    (artifacts_dir / "monthly_report_2026-05.html").write_text(html, encoding="utf-8")


def test_a_badly_written_month_is_a_message(tanggap: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        tanggap, ["report", "monthly", "--month", "05-2026", "--out", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2 and "YYYY-MM" in result.output
    assert not (tmp_path / "x.html").exists()
