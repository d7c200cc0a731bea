"""The words of the analytics pages and report, in Bahasa Indonesia (default) and English.

Numbers follow each language's convention: ``7,5`` and ``1.234`` in Bahasa Indonesia,
``7.5`` and ``1,234`` in English.
"""

from __future__ import annotations

import math

from layers.vocabulary import CATEGORY_LABELS, Language, label

__all__ = [
    "INTERVAL_LABELS",
    "OUTCOME_LABELS",
    "PHRASES",
    "WEEKDAYS",
    "minutes",
    "number",
    "outcome_label",
    "percent",
    "phrase",
]

L = dict[Language, str]

INTERVAL_LABELS: dict[str, L] = {
    "call_processing": {"id": "Proses panggilan", "en": "Call processing"},
    "turnout": {"id": "Persiapan unit", "en": "Turnout"},
    "travel": {"id": "Perjalanan", "en": "Travel"},
    "response": {"id": "Waktu tanggap", "en": "Response time"},
}

OUTCOME_LABELS: dict[str, L] = {
    "emergency": {"id": "Darurat (diteruskan)", "en": "Emergency (forwarded)"},
    **{code: CATEGORY_LABELS[code] for code in ("information", "complaint", "prank", "ghost",
                                                 "dropped")},
}  # fmt: skip

WEEKDAYS: dict[Language, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

PHRASES: dict[str, L] = {
    "analytics_title": {"id": "Analitik waktu tanggap", "en": "Response-time analytics"},
    "coverage_title": {"id": "Cakupan layanan (model)", "en": "Service coverage (modelled)"},
    "period": {"id": "Periode", "en": "Period"},
    "category": {"id": "Kategori", "en": "Category"},
    "all_categories": {"id": "Semua kejadian darurat", "en": "All emergencies"},
    "agency": {"id": "Instansi", "en": "Agency"},
    "all_agencies": {"id": "Semua (unit pertama tiba)", "en": "All (first unit to arrive)"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan (district)"},
    "whole_city": {"id": "Seluruh kota", "en": "Whole city"},
    "interval": {"id": "Interval", "en": "Interval"},
    "map_measure": {"id": "Ukuran di peta", "en": "Map measure"},
    "map_cells": {"id": "Sel peta", "en": "Map cells"},
    "hexagons": {"id": "Heksagon", "en": "Hexagons"},
    "kelurahan": {"id": "Kelurahan", "en": "Kelurahan"},
    "target_minutes": {"id": "Target (menit)", "en": "Target (minutes)"},
    "target_per_agency": {"id": "standar tiap instansi", "en": "each agency's standard"},
    "minutes_unit": {"id": "menit", "en": "min"},
    "standard_default": {"id": "sesuai standar", "en": "as the standard"},
    "p90_s": {"id": "Persentil ke-90 {interval}", "en": "90th percentile of {interval}"},
    "median_s": {"id": "Median {interval}", "en": "Median {interval}"},
    "mean_s": {"id": "Rata-rata {interval}", "en": "Mean {interval}"},
    "rows": {"id": "Jumlah kejadian", "en": "Incidents"},
    "per_10k": {"id": "Kejadian per 10.000 penduduk", "en": "Incidents per 10,000 residents"},
    "compliance": {"id": "Memenuhi target (%)", "en": "Within target (%)"},
    "too_few": {"id": "Data terlalu sedikit (n < {min_count})",
                "en": "Too few incidents (n < {min_count})"},
    "population_unknown": {"id": "Jumlah penduduk tidak diketahui", "en": "Population unknown"},
    "grid_title": {"id": "{measure} menurut jam dan hari",
                   "en": "{measure} by hour and weekday"},
    "grid_section": {"id": "Menurut jam dan hari", "en": "By hour and weekday"},
    "trend_section": {"id": "Tren", "en": "Trend"},
    "hour_axis": {"id": "Jam ({zone})", "en": "Hour ({zone})"},
    "hour_axis_blocks": {"id": "Jam mulai ({zone}), blok {hours} jam",
                         "en": "Starting hour ({zone}), {hours}-hour blocks"},
    "grey_cells": {"id": "Abu-abu: kurang dari {min_count} kejadian terukur",
                   "en": "Grey: fewer than {min_count} measured incidents"},
    "hotspots_table": {"id": "Panggilan iseng per kelurahan", "en": "Prank calls per kelurahan"},
    "selection_note": {"id": "{count} {unit} · {first} s.d. {last} · kepatuhan terhadap {target}",
                       "en": "{count} {unit} · {first} to {last} · compliance against {target}"},
    "unit_incidents": {"id": "kejadian (unit pertama yang tiba)",
                       "en": "incidents (first unit to arrive)"},
    "unit_dispatches": {"id": "penugasan unit {agency}", "en": "{agency} unit dispatches"},
    "no_target": {"id": "– (tanpa target)", "en": "– (no target)"},
    "trend_title": {"id": "Tren {period}: {interval}", "en": "{period} trend: {interval}"},
    "day": {"id": "harian", "en": "Daily"},
    "week": {"id": "mingguan", "en": "Weekly"},
    "month": {"id": "bulanan", "en": "Monthly"},
    "target_line": {"id": "Target {minutes} menit", "en": "Target {minutes} min"},
    "count_axis": {"id": "Kejadian", "en": "Incidents"},
    "worst_title": {"id": "Kelurahan dengan waktu tanggap terlama",
                    "en": "Kelurahan with the slowest response"},
    "summary_title": {"id": "Ringkasan interval", "en": "Interval summary"},
    "excluded_note": {
        "id": "Tidak dihitung per interval: waktu hilang pada kejadian selesai, kejadian yang "
              "masih berjalan, dan waktu yang tidak konsisten (negatif).",
        "en": "Left out per interval: missing times on closed incidents, incidents still "
              "running, and inconsistent (negative) times.",
    },
    "definitions": {
        "id": "Persentil: interpolasi linear (numpy/pandas). Kepatuhan: porsi kejadian dengan "
              "waktu ≤ target. Jam dan hari menurut zona waktu kota.",
        "en": "Percentiles: linear interpolation (numpy/pandas). Compliance: share of incidents "
              "at or under the target. Hours and weekdays in the city's time zone.",
    },
    "interval_definitions": {
        "id": "Proses panggilan: diterima → unit ditugaskan. Persiapan unit: ditugaskan → "
              "berangkat. Perjalanan: berangkat → tiba di lokasi. Waktu tanggap: diterima → tiba "
              "(unit pertama; per instansi: unit instansi itu).",
        "en": "Call processing: received → unit assigned. Turnout: assigned → en route. "
              "Travel: en route → on scene. Response: received → on scene (first unit; per "
              "agency: that agency's unit).",
    },
    "col_interval": {"id": "Interval", "en": "Interval"},
    "col_n": {"id": "Dihitung (n)", "en": "Used (n)"},
    "col_missing": {"id": "Waktu hilang", "en": "Missing time"},
    "col_open": {"id": "Masih berjalan", "en": "Still open"},
    "col_inconsistent": {"id": "Tidak konsisten", "en": "Inconsistent"},
    "col_median": {"id": "Median (menit)", "en": "Median (min)"},
    "col_p90": {"id": "P90 (menit)", "en": "P90 (min)"},
    "col_mean": {"id": "Rata-rata (menit)", "en": "Mean (min)"},
    "col_compliance": {"id": "Memenuhi target", "en": "Within target"},
    "col_name": {"id": "Nama", "en": "Name"},
    "col_incidents": {"id": "Kejadian", "en": "Incidents"},
    "col_agency": {"id": "Instansi", "en": "Agency"},
    "col_handoffs": {"id": "Diteruskan", "en": "Hand-offs"},
    "col_calls": {"id": "Panggilan", "en": "Calls"},
    "col_share": {"id": "Porsi", "en": "Share"},
    "col_population": {"id": "Penduduk", "en": "Population"},
    "col_prank": {"id": "Panggilan iseng", "en": "Prank calls"},
    "col_prank_per_10k": {"id": "Iseng per 10.000 penduduk", "en": "Pranks per 10,000 residents"},
    "col_area_share": {"id": "Cakupan wilayah", "en": "Area covered"},
    "unassigned": {"id": "Tidak diteruskan ke instansi", "en": "Not handed to any agency"},
    "download_csv": {"id": "CSV", "en": "CSV"},
    "download_geojson": {"id": "GeoJSON", "en": "GeoJSON"},
    "download_report": {"id": "Unduh laporan bulanan (HTML)",
                        "en": "Download monthly report (HTML)"},
    "report_month": {"id": "Bulan laporan", "en": "Report month"},
    "png_hint": {"id": "PNG: tombol kamera di pojok kanan atas setiap grafik dan peta.",
                 "en": "PNG: the camera button at the top right of every chart and map."},
    "tab_response": {"id": "Waktu tanggap", "en": "Response times"},
    "tab_calls": {"id": "Panggilan 112", "en": "112 calls"},
    "funnel_title": {"id": "Panggilan per hasil", "en": "Calls by outcome"},
    "calls_by_day": {"id": "Panggilan per hari", "en": "Calls per day"},
    "calls_by_hour": {"id": "Panggilan per jam ({zone})", "en": "Calls per hour ({zone})"},
    "nuisance_share": {"id": "Porsi iseng + kosong", "en": "Prank + ghost share"},
    "hotspots_title": {"id": "Titik rawan panggilan iseng (per 10.000 penduduk)",
                       "en": "Prank-call hot spots (per 10,000 residents)"},
    "handoff_title": {"id": "Waktu instansi menanggapi penerusan (menit)",
                      "en": "Time for agencies to acknowledge a hand-off (min)"},
    "handoff_note": {
        "id": "Diukur dari panggilan diterima sampai unit pertama instansi itu ditugaskan.",
        "en": "Measured from the call received to the agency's first unit assigned.",
    },
    "coverage_standard": {
        "id": "{name}: {target} menit sejak laporan. Dikurangi {allowance} menit untuk "
              "proses panggilan dan persiapan unit (asumsi, dapat diatur) = {budget} menit "
              "perjalanan yang dimodelkan di jaringan jalan ({profile}).",
        "en": "{name}: {target} minutes from the report. Minus {allowance} minutes for "
              "call processing and turnout (an assumption, configurable) = {budget} minutes of "
              "driving, modelled on the road network ({profile}).",
    },
    "coverage_area": {"id": "Wilayah terjangkau", "en": "Area covered"},
    "coverage_population": {"id": "Penduduk terjangkau", "en": "Population covered"},
    "coverage_incidents": {"id": "Kejadian lalu terjangkau", "en": "Past incidents covered"},
    "coverage_mode": {"id": "Dari", "en": "From"},
    "allowance_minutes": {"id": "Proses + persiapan (menit)", "en": "Processing + turnout (min)"},
    "planned": {"id": "Semua posko", "en": "Every posko"},
    "live": {"id": "Unit siaga saat ini", "en": "Units available now"},
    "live_units": {"id": "{available} dari {total} unit siaga",
                   "en": "{available} of {total} units available"},
    "no_origins": {"id": "Tidak ada posko/unit siaga: seluruh kota di luar jangkauan.",
                   "en": "No posko or available unit: the whole city is out of reach."},
    "isochrone_title": {"id": "Waktu perjalanan dari posko terdekat (model)",
                        "en": "Travel time from the nearest posko (modelled)"},
    "gaps_title": {"id": "Kelurahan dengan cakupan terendah", "en": "Least covered kelurahan"},
    "curve_title": {"id": "Cakupan menurut menit perjalanan",
                    "en": "Coverage by minutes of travel"},
    "travel_minutes": {"id": "Menit perjalanan (model)", "en": "Minutes of travel (modelled)"},
    "unreached": {"id": "Tidak terjangkau", "en": "Not reached"},
    "population_note": {
        "id": "Penduduk dianggap tersebar merata di dalam kelurahan.",
        "en": "Residents are assumed spread evenly within each kelurahan.",
    },
    "no_data": {"id": "Tidak ada kejadian pada pilihan ini.",
                "en": "No incidents match this selection."},
}  # fmt: skip


def phrase(key: str, language: Language, **values: object) -> str:
    """The phrase ``key`` in ``language`` with ``values`` filled in."""
    return PHRASES[key][language].format(**values)


def outcome_label(code: str, language: Language) -> str:
    return label(OUTCOME_LABELS, code, language)


def number(value: float | None, language: Language, decimals: int = 0) -> str:
    """``value`` with the language's separators; an en dash when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if language == "id":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def minutes(seconds: float | None, language: Language, decimals: int = 1) -> str:
    """Seconds shown as minutes, e.g. ``7,5``."""
    if seconds is None or math.isnan(seconds):
        return "–"
    return number(seconds / 60.0, language, decimals)


def percent(share: float | None, language: Language, decimals: int = 0) -> str:
    """A 0…1 share shown as a percentage, e.g. ``93 %``."""
    if share is None or math.isnan(share):
        return "–"
    return f"{number(share * 100.0, language, decimals)} %"
