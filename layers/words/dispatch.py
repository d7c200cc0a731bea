"""Words of the supervisor's dispatch page."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Penugasan unit", "en": "Dispatch"},
    "queue": {"id": "Kejadian terbuka", "en": "Open incidents"},
    "pick": {"id": "Pilih kejadian di kiri.", "en": "Pick an incident on the left."},
    "assign": {"id": "Tugaskan", "en": "Assign"},
    "actor": {"id": "Nama supervisor", "en": "Supervisor name"},
    "reason": {"id": "Alasan bila bukan unit tercepat", "en": "Reason if not the fastest unit"},
    "assigned": {
        "id": "{unit} ditugaskan ke kejadian #{incident}.",
        "en": "{unit} assigned to incident #{incident}.",
    },
    "none": {"id": "Tidak ada unit siaga.", "en": "No available unit."},
    "columns": {
        "id": "Unit|Kendaraan|ETA|Jarak jalan|Garis lurus|Ke jalan|Posisi|Status|",
        "en": "Unit|Vehicle|ETA|By road|Straight|To road|From|Outcome|",
    },
    "empty_queue": {
        "id": "Tidak ada kejadian darurat terbuka.",
        "en": "No open emergency incident.",
    },
    "snap_to_road": {"id": "{metres} m ke jalan", "en": "{metres} m to road"},
    "from_station": {"id": "posko", "en": "station"},
    "from_gps": {"id": "GPS", "en": "GPS"},
    "route": {"id": "Rute {call_sign}", "en": "Route {call_sign}"},
}
