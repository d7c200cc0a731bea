"""The planner's tables, map and DPRD summary from a run's JSON, exactly."""

from __future__ import annotations

from layers.city_map import MapView
from layers.planning import scenario_summary_html
from layers.planning.plan_view import (
    compare_table,
    figures_table,
    job_status_text,
    plan_map,
    replay_table,
)

SUMMARY = {
    "request": {
        "agency_kind": "fire",
        "model": "mclp",
        "k": 2,
        "category_weights": {"fire": 1},
        "population": True,
        "population_method": "equal",
        "existing": "fixed",
    },
    "standard": "Permendagri 114/2018",
    "target_s": 900.0,
    "allowance_s": 300.0,
    "budget_s": 600.0,
    "profile": "fire_engine",
    "before": {
        "demand_share": 0.8,
        "population_share": 0.9,
        "incident_share": 0.75,
        "mean_s": 300.0,
        "p90_s": 660.0,
    },
    "after": {
        "demand_share": 0.95,
        "population_share": 0.97,
        "incident_share": 1.0,
        "mean_s": 240.0,
        "p90_s": 480.0,
    },
    "worst_served": {
        "name": "Sukamaju",
        "share_after": 0.5,
        "share_before": 0.1,
        "area_code": "X",
        "population": 100.0,
    },
    "exact": {"status": "time_limit", "gap": 0.0123},
    "greedy": {"status": "heuristic"},
}
SITES = [
    {
        "name": "Markas",
        "lon": 105.3,
        "lat": -5.1,
        "snap_m": 3.0,
        "existing": True,
        "open_after": True,
        "source": "existing",
    },
    {
        "name": "Kel. A",
        "lon": 105.31,
        "lat": -5.11,
        "snap_m": 40.0,
        "existing": False,
        "open_after": True,
        "source": "kelurahan",
    },
    {
        "name": "Grid 1-1",
        "lon": 105.32,
        "lat": -5.12,
        "snap_m": 0.0,
        "existing": False,
        "open_after": False,
        "source": "grid",
    },
]
REPLAY = [
    {
        "category": "fire",
        "incidents": 4,
        "reached_before": 3,
        "reached_after": 4,
        "share_before": 0.75,
        "share_after": 1.0,
    },
    {
        "category": "all",
        "incidents": 4,
        "reached_before": 3,
        "reached_after": 4,
        "share_before": 0.75,
        "share_after": 1.0,
    },
]


def test_figures_and_replay_tables_say_before_after_and_the_change() -> None:
    table = figures_table(SUMMARY, "id")
    assert table.header == ["Ukuran", "Posko sekarang", "Dengan usulan", "Perubahan"]
    assert table.rows[1] == ["Penduduk terjangkau dalam target", "90 %", "97 %", "+7,0 %"]
    assert table.rows[3] == ["Rata-rata waktu tempuh (menit)", "5,0", "4,0", ""]
    replay = replay_table(REPLAY, "en")
    assert replay.rows == [
        ["Fire", "4", "3 (75 %)", "4 (100 %)"],
        ["All", "4", "3 (75 %)", "4 (100 %)"],
    ]


def test_the_map_draws_each_kind_of_site_once() -> None:
    figure = plan_map(SITES, MapView(105.3, -5.1, 12), language="id")
    assert [trace.name for trace in figure.data] == [
        "Kandidat",
        "Posko sekarang",
        "Posko baru (usulan)",
    ]
    assert list(figure.data[2].lon) == [105.31]


def test_compare_and_status_words() -> None:
    table = compare_table(
        [
            {"figure": "model", "A": "mclp", "B": "p_median"},
            {"figure": "demand_share_after", "A": 0.5, "B": 0.625},
        ],
        "id",
    )
    assert table.header == ["Ukuran", "A", "B"]
    assert table.rows[1] == ["Permintaan dalam target, usulan", "50,0 %", "62,5 %"]
    failed = {"status": "failed", "error": {"field": "k", "message": "k too large"}}
    assert job_status_text(failed, "id") == "Tidak dapat dihitung: k too large (isian: k)"
    running = {"status": "running", "step": "matrix", "progress": 0.2}
    assert job_status_text(running, "en") == "Computing: road travel times (20 %)"


def test_the_dprd_summary_names_the_question_the_standard_and_the_gap() -> None:
    page = scenario_summary_html(
        {
            "name": "Rencana 2027",
            "created_by": "bappeda",
            "created_at": "2026-12-01T03:00:00+00:00",
            "summary": SUMMARY,
            "sites": SITES,
            "replay": REPLAY,
            "areas": [
                {"name": "Sukamaju", "population": 100.0, "share_before": 0.1, "share_after": 0.5}
            ],
        },
        "id",
        timezone="Asia/Jakarta",
        synthetic=True,
    )
    assert "Usulan Lokasi Posko Baru: Rencana 2027" in page
    assert "Dibuat 01-12-2026 10:00 WIB oleh bappeda" in page
    assert (
        "Di mana 2 posko Damkar baru ditempatkan agar sebanyak mungkin kejadian dan "
        "penduduk terjangkau dalam 15 menit dari laporan?"
    ) in page
    assert "tersisa 10,0 menit perjalanan" in page
    assert "selisih optimalitas 1,23 %" in page and "DATA SINTETIS" in page
    # four heads; five figures, the two open sites, two replay rows, one kelurahan
    assert page.count("<tr>") == 4 + 5 + 2 + 2 + 1
