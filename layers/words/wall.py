"""Words of the wall display (large type, read from across the room)."""

from layers.words.types import Words

WORDS: Words = {
    "open": {"id": "Kejadian terbuka", "en": "Open incidents"},
    "units": {"id": "Unit siaga", "en": "Units available"},
    "median": {"id": "Waktu tanggap hari ini", "en": "Response time today"},
    "median_note": {
        "id": "median, diterima → tiba di lokasi ({n} kejadian)",
        "en": "median, received → on scene ({n} incidents)",
    },
    "calls": {"id": "Panggilan hari ini", "en": "Calls today"},
    "prank": {"id": "iseng / kosong: {share}", "en": "prank / ghost: {share}"},
    "city": {"id": "Seluruh kota", "en": "Whole city"},
    "busiest": {"id": "Kecamatan tersibuk: {name}", "en": "Busiest kecamatan: {name}"},
    "alert": {"id": "KEJADIAN KRITIS", "en": "CRITICAL INCIDENT"},
}
