"""The words for stored codes, by kind: categories, agencies, statuses, profiles, calendar.

One table per kind; the codes are those of ``geodata.vocabulary`` (``tests/layers/test_words.py``
checks that every code of every enum has a word in both languages). ``call_outcome`` holds
the outcomes that are not categories; ``label("call_outcome", …)`` falls back to the
category. Months are 1 to 12, weekdays 0 (Monday) to 6.
"""

from layers.words.types import Words

CODES: dict[str, Words] = {
    "category": {
        "health": {"id": "Kegawatdaruratan medis", "en": "Medical emergency"},
        "fire": {"id": "Kebakaran", "en": "Fire"},
        "traffic_accident": {"id": "Kecelakaan lalu lintas", "en": "Traffic accident"},
        "crime": {"id": "Kriminalitas / keamanan", "en": "Crime / security"},
        "flood": {"id": "Banjir", "en": "Flood"},
        "landslide": {"id": "Tanah longsor", "en": "Landslide"},
        "earthquake": {"id": "Gempa bumi", "en": "Earthquake"},
        "search_rescue": {"id": "Pencarian & pertolongan", "en": "Search and rescue"},
        "animal_rescue": {"id": "Evakuasi hewan", "en": "Animal rescue"},
        "other_rescue": {"id": "Penyelamatan lainnya", "en": "Other rescue"},
        "information": {"id": "Permintaan informasi", "en": "Information request"},
        "complaint": {"id": "Pengaduan", "en": "Complaint"},
        "prank": {"id": "Panggilan iseng", "en": "Prank call"},
        "ghost": {"id": "Panggilan kosong", "en": "Ghost (silent) call"},
        "dropped": {"id": "Panggilan terputus", "en": "Dropped call"},
    },
    "agency_kind": {
        "ambulance": {"id": "Ambulans (PSC 119)", "en": "Ambulance (PSC 119)"},
        "fire": {"id": "Damkar", "en": "Fire brigade (Damkar)"},
        "police": {"id": "Polisi", "en": "Police"},
        "disaster": {"id": "BPBD", "en": "Disaster agency (BPBD)"},
        "sar": {"id": "Basarnas (SAR)", "en": "Search and rescue (Basarnas)"},
        "transport": {"id": "Dishub", "en": "Transport (Dishub)"},
        "other": {"id": "Instansi lain", "en": "Other agency"},
    },
    "incident_status": {
        "received": {"id": "Diterima", "en": "Received"},
        "dispatched": {"id": "Unit ditugaskan", "en": "Unit dispatched"},
        "en_route": {"id": "Dalam perjalanan", "en": "En route"},
        "on_scene": {"id": "Di lokasi", "en": "On scene"},
        "cleared": {"id": "Selesai", "en": "Cleared"},
    },
    "unit_status": {
        "available": {"id": "Siaga", "en": "Available"},
        "dispatched": {"id": "Ditugaskan", "en": "Dispatched"},
        "en_route": {"id": "Menuju lokasi", "en": "En route"},
        "on_scene": {"id": "Di lokasi", "en": "On scene"},
        "transporting": {"id": "Mengantar pasien", "en": "Transporting"},
        "out_of_service": {"id": "Tidak beroperasi", "en": "Out of service"},
    },
    "vehicle_profile": {
        "ambulance": {"id": "ambulans", "en": "ambulance"},
        "fire_engine": {"id": "mobil pemadam", "en": "fire engine"},
        "motorbike": {"id": "motor", "en": "motorbike"},
        "car": {"id": "mobil", "en": "car"},
    },
    "road_class": {
        "arterial": {"id": "Jalan arteri", "en": "Arterial road"},
        "collector": {"id": "Jalan kolektor", "en": "Collector road"},
        "local": {"id": "Jalan lokal", "en": "Local road"},
        "residential": {"id": "Jalan lingkungan", "en": "Residential street"},
        "service": {"id": "Jalan akses", "en": "Service road"},
    },
    "interval": {
        "call_processing": {"id": "Proses panggilan", "en": "Call processing"},
        "turnout": {"id": "Persiapan unit", "en": "Turnout"},
        "travel": {"id": "Perjalanan", "en": "Travel"},
        "response": {"id": "Waktu tanggap", "en": "Response time"},
    },
    "call_outcome": {
        "emergency": {"id": "Darurat (diteruskan)", "en": "Emergency (forwarded)"},
    },
    "dispatch_outcome": {
        "ranked": {"id": "Urutan {rank}", "en": "Rank {rank}"},
        "slower": {"id": "Lebih lambat", "en": "Slower"},
        "unreachable": {"id": "Tak terjangkau lewat jalan", "en": "No road path"},
        "off_network": {"id": "Jauh dari jalan", "en": "Off the road network"},
    },
    "live_layer": {
        "incidents": {"id": "Kejadian", "en": "Incidents"},
        "units": {"id": "Unit", "en": "Units"},
        "stations": {"id": "Posko", "en": "Posko"},
        "kecamatan": {"id": "Batas kecamatan", "en": "Kecamatan boundaries"},
        "kelurahan": {"id": "Batas kelurahan", "en": "Kelurahan boundaries"},
        "roads": {"id": "Jalan", "en": "Roads"},
    },
    "user_role": {
        "wall": {"id": "Layar dinding", "en": "Wall display"},
        "call_taker": {"id": "Petugas penerima panggilan", "en": "Call taker"},
        "supervisor": {"id": "Supervisor", "en": "Supervisor"},
        "planner": {"id": "Perencana", "en": "Planner"},
        "analyst": {"id": "Analis", "en": "Analyst"},
        "admin": {"id": "Admin", "en": "Admin"},
    },
    "month": {
        "1": {"id": "Januari", "en": "January"},
        "2": {"id": "Februari", "en": "February"},
        "3": {"id": "Maret", "en": "March"},
        "4": {"id": "April", "en": "April"},
        "5": {"id": "Mei", "en": "May"},
        "6": {"id": "Juni", "en": "June"},
        "7": {"id": "Juli", "en": "July"},
        "8": {"id": "Agustus", "en": "August"},
        "9": {"id": "September", "en": "September"},
        "10": {"id": "Oktober", "en": "October"},
        "11": {"id": "November", "en": "November"},
        "12": {"id": "Desember", "en": "December"},
    },
    "weekday": {
        "0": {"id": "Senin", "en": "Monday"},
        "1": {"id": "Selasa", "en": "Tuesday"},
        "2": {"id": "Rabu", "en": "Wednesday"},
        "3": {"id": "Kamis", "en": "Thursday"},
        "4": {"id": "Jumat", "en": "Friday"},
        "5": {"id": "Sabtu", "en": "Saturday"},
        "6": {"id": "Minggu", "en": "Sunday"},
    },
}
