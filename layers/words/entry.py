"""Words of the manual incident entry page (``/kejadian-baru``): the form, its checks and
what became of a submission."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Kejadian baru (entri manual)", "en": "New incident (manual entry)"},
    "how": {
        "id": "Tentukan lokasi: klik peta di tempat kejadian, ketik koordinat, atau pilih kelurahan. Lalu isi kategori, prioritas dan pelapor, dan simpan.",
        "en": "Place it: click the map where it happens, type coordinates, or pick a kelurahan. Then fill in category, priority and caller, and save.",
    },
    "coordinates": {"id": "Koordinat (lintang, bujur)", "en": "Coordinates (latitude, longitude)"},
    "coordinates_hint": {"id": "mis. {example}", "en": "e.g. {example}"},
    "kelurahan": {"id": "atau pilih kelurahan", "en": "or pick a kelurahan"},
    "kelurahan_hint": {"id": "Ketik nama kelurahan…", "en": "Type a kelurahan's name…"},
    "kelurahan_option": {"id": "{name} (Kec. {kecamatan})", "en": "{name} (Kec. {kecamatan})"},
    "category": {"id": "Kategori", "en": "Category"},
    "category_hint": {"id": "Pilih kategori…", "en": "Choose a category…"},
    "priority": {"id": "Prioritas", "en": "Priority"},
    "priority_1": {"id": "1 Kritis", "en": "1 Critical"},
    "priority_2": {"id": "2 Tinggi", "en": "2 High"},
    "priority_3": {"id": "3 Sedang", "en": "3 Medium"},
    "priority_4": {"id": "4 Rendah", "en": "4 Low"},
    "caller_name": {"id": "Nama pelapor", "en": "Caller's name"},
    "caller_phone": {"id": "Nomor telepon pelapor", "en": "Caller's phone"},
    "address": {"id": "Alamat / patokan", "en": "Address / landmark"},
    "description": {"id": "Keterangan", "en": "Description"},
    "description_note": {
        "id": "Keterangan disimpan di log audit entri ini.",
        "en": "The description is kept in this entry's audit record.",
    },
    "save": {"id": "Simpan kejadian", "en": "Save incident"},
    "entering_as": {"id": "Dicatat oleh {name}", "en": "Entered by {name}"},
    "place_ok": {
        "id": "Lokasi: {lat}, {lon} — di dalam {city}.",
        "en": "Place: {lat}, {lon} — inside {city}.",
    },
    "place_kelurahan": {
        "id": "Lokasi: Kel. {name}, {where} ({lat}, {lon}).",
        "en": "Place: Kel. {name}, {where} ({lat}, {lon}).",
    },
    "on_road": {"id": "di jalan terdekat dari tengahnya", "en": "on the road nearest its middle"},
    "inner_point": {"id": "titik di dalam kelurahan", "en": "a point inside the kelurahan"},
    "stored": {
        "id": "Kejadian #{id} tersimpan pada {time}: kini ada di antrean penugasan dan peta operasi langsung.",
        "en": "Incident #{id} saved at {time}: it is now in the dispatch queue and on the live map.",
    },
    "already_stored": {
        "id": "Kejadian #{id} sudah tersimpan (formulir yang sama dikirim dua kali): tidak ada kejadian kedua.",
        "en": "Incident #{id} was already saved (the same form was sent twice): no second incident was made.",
    },
    "open_dispatch": {"id": "Buka penugasan unit", "en": "Open dispatch"},
    "problem_no_place": {
        "id": "Lokasi belum ditentukan: klik peta, ketik koordinat, atau pilih kelurahan.",
        "en": "No place yet: click the map, type coordinates, or pick a kelurahan.",
    },
    "problem_not_numbers": {
        "id": "'{typed}' bukan koordinat: tulis lintang, bujur, mis. -6.0163, 106.0531.",
        "en": "'{typed}' is not a pair of coordinates: write latitude, longitude, e.g. -6.0163, 106.0531.",
    },
    "problem_swapped": {
        "id": "Lintang dan bujur tampaknya tertukar: {lat}, {lon} tidak di kota ini, tetapi {lon}, {lat} ada. Tulis lintang (sekitar -6) lebih dulu, lalu bujur.",
        "en": "Latitude and longitude look swapped: {lat}, {lon} is not in this city, but {lon}, {lat} is. Write the latitude (about -6) first, then the longitude.",
    },
    "problem_invalid": {
        "id": "{lat}, {lon} bukan derajat yang sah (lintang −90…90, bujur −180…180).",
        "en": "{lat}, {lon} are not valid degrees (latitude −90…90, longitude −180…180).",
    },
    "problem_missing": {"id": "Koordinat kosong.", "en": "The coordinates are empty."},
    "problem_outside": {
        "id": "{lat}, {lon} jauh di luar wilayah kota ini: periksa koordinatnya.",
        "en": "{lat}, {lon} is far outside this city: check the coordinates.",
    },
    "problem_outside_boundary": {
        "id": "{lat}, {lon} berada di luar batas wilayah kota: kejadian di luar kota diteruskan ke 112 daerah tetangga.",
        "en": "{lat}, {lon} lies outside the city's boundary: an incident beyond it goes to the neighbouring 112 center.",
    },
    "problem_no_category": {
        "id": "Pilih kategori kejadian.",
        "en": "Choose the incident's category.",
    },
    "problem_bad_priority": {
        "id": "Pilih prioritas 1 sampai 4.",
        "en": "Choose a priority from 1 to 4.",
    },
    "problem_bad_phone": {
        "id": "Nomor telepon hanya berisi angka, +, spasi, tanda hubung atau kurung.",
        "en": "A phone number holds only digits, +, spaces, dashes or brackets.",
    },
    "problem_too_long": {
        "id": "Teks terlalu panjang (paling banyak {limit} karakter).",
        "en": "Text too long (at most {limit} characters).",
    },
    "problem_bad_token": {
        "id": "Formulir kedaluwarsa: muat ulang halaman.",
        "en": "The form has expired: reload the page.",
    },
}
