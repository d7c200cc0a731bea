"""Words of the live operations page: queue, layers, legend, details of a point."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Operasi langsung", "en": "Live operations"},
    # On the live page and the wall when answers stop (database or server away).
    "stale_since": {
        "id": "Data belum diperbarui sejak {since} (koneksi terputus, mencoba lagi…)",
        "en": "Data not updated since {since} (connection lost, retrying…)",
    },
    "queue": {"id": "Antrean kejadian terbuka", "en": "Open incident queue"},
    "shown": {"id": "{shown} dari {total} ditampilkan", "en": "{shown} of {total} shown"},
    "layers": {"id": "Lapisan peta", "en": "Map layers"},
    "categories": {"id": "Kategori", "en": "Category"},
    "agencies": {"id": "Instansi", "en": "Agency"},
    "kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "open": {"id": "Kejadian terbuka: {n}", "en": "Open incidents: {n}"},
    "units": {
        "id": "Unit berposisi: {n} (usang: {stale})",
        "en": "Units located: {n} (stale: {stale})",
    },
    "legend_units": {
        "id": "Unit: cincin = status, isi = instansi",
        "en": "Units: ring = status, centre = agency",
    },
    "legend_age": {"id": "Umur kejadian", "en": "Incident age"},
    "empty": {"id": "Tidak ada kejadian terbuka.", "en": "No open incidents."},
    "received_at": {"id": "diterima {time} ({age})", "en": "received {time} ({age})"},
    "position_stale": {"id": "Posisi usang: {age}", "en": "Stale position: {age}"},
    "position_at": {"id": "Posisi {time}", "en": "Position {time}"},
    "age_0": {"id": "< 10 mnt", "en": "< 10 min"},
    "age_1": {"id": "< 30 mnt", "en": "< 30 min"},
    "age_2": {"id": "< 2 j", "en": "< 2 h"},
    "age_3": {"id": "≥ 2 j", "en": "≥ 2 h"},
    "units_available": {
        "id": "{available}/{units} unit siaga",
        "en": "{available}/{units} units available",
    },
    "station_of": {"id": "Posko {agency}", "en": "Posko {agency}"},
}
