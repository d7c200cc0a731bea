"""Words of the notice a page shows when the city lacks data: what is missing, what it
means for this page, and the command that adds it (``geodata.city_readiness``)."""

from layers.words.types import Words

WORDS: Words = {
    "title": {
        "id": "Data {city} belum lengkap — halaman ini bekerja dengan yang ada:",
        "en": "{city} is not complete yet — this page works with what there is:",
    },
    "missing_areas": {
        "id": "Belum ada kecamatan/kelurahan: peta panas per kelurahan, cakupan penduduk dan pilihan kelurahan kosong.",
        "en": "No kecamatan/kelurahan yet: per-kelurahan heat, population coverage and the kelurahan picker are empty.",
    },
    "missing_roads": {
        "id": "Belum ada jaringan jalan: rute, rekomendasi unit dan cakupan tidak dapat dihitung.",
        "en": "No road network yet: routes, unit recommendations and coverage cannot be computed.",
    },
    "missing_stations": {
        "id": "Belum ada posko: cakupan dan peta posko kosong.",
        "en": "No posko (stations) yet: coverage and the posko map are empty.",
    },
    "missing_units": {
        "id": "Belum ada unit: tidak ada yang dapat direkomendasikan atau ditugaskan, dan grafik per instansi kosong.",
        "en": "No units yet: nothing can be recommended or dispatched, and the per-agency chart is empty.",
    },
    "missing_incidents": {
        "id": "Belum ada kejadian: impor log panggilan, kirim lewat API, atau catat di Kejadian baru.",
        "en": "No incidents yet: import a call log, send them through the API, or enter one on New incident.",
    },
    "command_areas": {
        "id": "tanggap city import-areas KELURAHAN.geojson --level kelurahan --city {code} --name-field nama --code-field kode --parent-field kode_kecamatan",
        "en": "tanggap city import-areas KELURAHAN.geojson --level kelurahan --city {code} --name-field nama --code-field kode --parent-field kode_kecamatan",
    },
    "command_roads": {
        "id": "tanggap city import-roads JALAN.shp --city {code} --class-field FUNGSI\natau: tanggap city import-osm WILAYAH.osm.pbf --boundary BATAS.geojson --name … --code {code}",
        "en": "tanggap city import-roads ROADS.shp --city {code} --class-field FUNGSI\nor: tanggap city import-osm AREA.osm.pbf --boundary BOUNDARY.geojson --name … --code {code}",
    },
    "command_stations": {
        "id": "tanggap city import-stations POSKO.geojson --city {code} --agency fire",
        "en": "tanggap city import-stations POSKO.geojson --city {code} --agency fire",
    },
    "command_units": {
        "id": "tanggap units import UNIT.csv --city {code}",
        "en": "tanggap units import UNITS.csv --city {code}",
    },
    "command_incidents": {
        "id": "tanggap incidents import LOG.csv --mapping PEMETAAN.yaml --city {code}",
        "en": "tanggap incidents import LOG.csv --mapping MAPPING.yaml --city {code}",
    },
}
