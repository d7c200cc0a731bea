"""Words of the admin's fleet page (``/admin``): the city's units, added, edited, retired."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Armada {city}", "en": "Fleet of {city}"},
    "summary": {
        "id": "{total} unit · {in_service} beroperasi · {retired} pensiun",
        "en": "{total} units · {in_service} in service · {retired} retired",
    },
    "editing_as": {"id": "Mengelola sebagai {name}", "en": "Managing as {name}"},
    "add": {"id": "Tambah unit", "en": "Add a unit"},
    "edit_heading": {"id": "Ubah unit {unit}", "en": "Edit unit {unit}"},
    "save": {"id": "Simpan", "en": "Save"},
    "cancel": {"id": "Batal", "en": "Cancel"},
    "edit": {"id": "Ubah", "en": "Edit"},
    "retire": {"id": "Pensiunkan", "en": "Retire"},
    "unretire": {"id": "Aktifkan lagi", "en": "Bring back"},
    "call_sign": {"id": "Kode panggil", "en": "Call sign"},
    "agency": {"id": "Instansi (OPD)", "en": "Agency"},
    "home_posko": {"id": "Posko asal", "en": "Home posko"},
    "vehicle_profile": {"id": "Kendaraan", "en": "Vehicle"},
    "status": {"id": "Status", "en": "Status"},
    "crew_size": {"id": "Awak", "en": "Crew"},
    "in_service": {"id": "Beroperasi", "en": "In service"},
    "actions": {"id": "Tindakan", "en": "Actions"},
    "yes": {"id": "ya", "en": "yes"},
    "retired_since": {"id": "pensiun sejak {date}", "en": "retired since {date}"},
    "no_posko": {"id": "tanpa posko", "en": "no posko"},
    "profile_default": {
        "id": "sesuai instansi",
        "en": "as the agency's usual",
    },
    "empty": {
        "id": "Belum ada unit. Tambahkan di atas, atau impor daftar armada: "
        "tanggap units import ARMADA.csv --city {code}",
        "en": "No units yet. Add one above, or import a roster: "
        "tanggap units import ROSTER.csv --city {code}",
    },
    "no_agencies": {
        "id": "Kota ini belum punya instansi: tanggap city create … --code {code}",
        "en": "This city has no agencies yet: tanggap city create … --code {code}",
    },
    "created": {"id": "Unit {unit} ditambahkan.", "en": "Unit {unit} added."},
    "changed": {"id": "Unit {unit} diubah.", "en": "Unit {unit} changed."},
    "unchanged": {"id": "Unit {unit} tidak berubah.", "en": "Unit {unit}: nothing changed."},
    "retired": {
        "id": "Unit {unit} dipensiunkan; riwayatnya tetap tersimpan.",
        "en": "Unit {unit} retired; its history is kept.",
    },
    "unretired": {"id": "Unit {unit} beroperasi lagi.", "en": "Unit {unit} is back in service."},
    "refused": {"id": "Ditolak ({field}): {detail}", "en": "Refused ({field}): {detail}"},
    "field_retired": {"id": "pensiun", "en": "retirement"},
}
