"""Words of the supervisor's dispatch page."""

from layers.words.types import Words

WORDS: Words = {
    "page_of": {"id": "{first}–{last} dari {total}", "en": "{first}–{last} of {total}"},
    "previous": {"id": "‹ Sebelumnya", "en": "‹ Previous"},
    "next": {"id": "Berikutnya ›", "en": "Next ›"},
    "caller": {"id": "Penelepon", "en": "Caller"},
    "show_caller": {"id": "Tampilkan penelepon (dicatat)", "en": "Show caller (recorded)"},
    "caller_unknown": {"id": "tidak tercatat", "en": "not recorded"},
    "assigning_as": {"id": "Menugaskan sebagai {name}", "en": "Assigning as {name}"},
    "refused_no_actor": {
        "id": "Tidak diketahui siapa yang menugaskan: masuk lagi.",
        "en": "Who is assigning is not known: sign in again.",
    },
    "refused_reason_needed": {
        "id": "Unit ini bukan yang tercepat: tuliskan alasannya dulu.",
        "en": "This is not the fastest unit: write the reason first.",
    },
    "refused_no_incident": {
        "id": "Kejadian ini tidak ada (lagi).",
        "en": "This incident does not exist (any more).",
    },
    "refused_cleared": {
        "id": "Kejadian ini sudah selesai.",
        "en": "This incident is already cleared.",
    },
    "refused_other_city": {
        "id": "Unit ini milik kota lain.",
        "en": "This unit belongs to another city.",
    },
    "refused_no_unit": {
        "id": "Unit ini tidak ada (lagi).",
        "en": "This unit does not exist (any more).",
    },
    "refused_too_early": {
        "id": "Waktu penugasan sebelum panggilan diterima.",
        "en": "The dispatch time is before the call was received.",
    },
    "refused_unavailable": {
        "id": "Unit ini sudah tidak siaga (daftar diperbarui).",
        "en": "This unit is no longer available (list refreshed).",
    },
    "refused_refused": {"id": "Penugasan ditolak.", "en": "The assignment was refused."},
    "title": {"id": "Penugasan unit", "en": "Dispatch"},
    "queue": {"id": "Kejadian terbuka", "en": "Open incidents"},
    "pick": {"id": "Pilih kejadian di kiri.", "en": "Pick an incident on the left."},
    "map_waits": {
        "id": "Peta rute tampil setelah satu kejadian dipilih di antrean.",
        "en": "The route map shows once an incident is picked in the queue.",
    },
    "assign": {"id": "Tugaskan", "en": "Assign"},
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
