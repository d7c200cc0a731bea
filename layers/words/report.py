"""Words of the monthly response-time report for the kepala dinas."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Laporan Bulanan Waktu Tanggap 112", "en": "112 Response-Time Monthly Report"},
    "generated": {"id": "Dibuat {time} oleh Tanggap", "en": "Generated {time} by Tanggap"},
    "synthetic": {
        "id": "DATA SINTETIS (kota demo) — bukan data nyata.",
        "en": "SYNTHETIC DATA (demo city) — not real data.",
    },
    "key_figures": {"id": "Angka utama", "en": "Key figures"},
    "calls": {"id": "Panggilan 112", "en": "112 calls"},
    "emergencies": {"id": "Kejadian darurat", "en": "Emergencies"},
    "median_response": {"id": "Median waktu tanggap", "en": "Median response time"},
    "p90_response": {"id": "P90 waktu tanggap", "en": "P90 response time"},
    "within_standard": {"id": "Memenuhi standar instansi", "en": "Within agency standard"},
    "previous": {"id": "bulan lalu: {value}", "en": "previous month: {value}"},
    "by_agency": {
        "id": "Per instansi (setiap unit, terhadap standarnya)",
        "en": "Per agency (every unit, against its own standard)",
    },
    "by_category": {"id": "Per kategori kejadian", "en": "Per incident category"},
    "areas": {"id": "Wilayah", "en": "Areas"},
    "time_pattern": {"id": "Pola waktu", "en": "Time pattern"},
    "data_quality": {"id": "Kualitas data dan definisi", "en": "Data quality and definitions"},
    "coverage": {
        "id": "Cakupan layanan (model jaringan jalan)",
        "en": "Service coverage (road-network model)",
    },
    "dagger": {
        "id": "† kurang dari {min_count} kejadian terukur: angka tidak stabil.",
        "en": "† fewer than {min_count} measured incidents: figures are unstable.",
    },
}
