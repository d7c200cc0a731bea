"""Name pools for the demo city: places, streets, people and phone prefixes.

All names are generic Indonesian words or common names; the kelurahan names are invented
compounds in the style of Lampung's transmigration villages and deliberately avoid the
real kelurahan of Kota Metro, so nobody mistakes the synthetic city for the real one.
"""

from __future__ import annotations

__all__ = [
    "ALLEY_NAMES",
    "FIGURE_NAMES",
    "FIRST_NAMES",
    "KECAMATAN_SUFFIXES",
    "KELURAHAN_NAMES",
    "PHONE_PREFIXES",
    "ROMAN_NUMERALS",
    "STREET_WORDS",
    "SURNAMES",
    "TOWN_STEM",
]

#: The invented town name used in kecamatan and facility names.
TOWN_STEM = "Tanggap"

#: Kecamatan name suffixes in the order of their codes 01..05 (centre, N, E, S, W).
KECAMATAN_SUFFIXES = ("Pusat", "Utara", "Timur", "Selatan", "Barat")

KELURAHAN_NAMES = (
    "Sukamaju", "Karyajaya", "Tanjungsari", "Srimulyo", "Bumiasri", "Rejoagung",
    "Sidoharjo", "Wonorejo", "Mekarsari", "Jatimulyo", "Tritunggal", "Margajaya",
    "Banjarrejo", "Gunungsari", "Sukarame", "Karangasri", "Purworahayu", "Tegalsari",
    "Sidomakmur", "Wonoasri", "Kartaraharja", "Bumiharjo", "Sumberjaya", "Tamanasri",
    "Rejosari Baru", "Mulyoagung", "Sukadamai", "Jayamakmur", "Tirtaraharja", "Candirejo",
)  # fmt: skip

#: National heroes and civic words: collector street names.
FIGURE_NAMES = (
    "Kartini", "Hasanuddin", "Pattimura", "Cut Nyak Dien", "Teuku Umar", "Dewi Sartika",
    "Ki Hajar Dewantara", "Gatot Subroto", "M.H. Thamrin", "Hayam Wuruk", "Gajah Mada",
    "Sisingamangaraja", "Pangeran Antasari", "Sultan Agung", "K.H. Wahid Hasyim",
    "Haji Agus Salim", "Sam Ratulangi", "Urip Sumoharjo", "Slamet Riyadi", "Panglima Polim",
    "Radin Inten", "Sutan Syahrir", "Mohammad Hatta", "Soekarno-Hatta", "Veteran", "Pemuda",
    "Merdeka", "Pahlawan", "Pramuka", "Kapten Tendean", "Yos Sudarso", "R.E. Martadinata",
    "W.R. Supratman", "H.O.S. Cokroaminoto", "Dr. Sutomo", "Dr. Wahidin", "Pendidikan",
    "Kesehatan", "Stadion", "Pasar Baru", "Cendana", "Tuanku Imam", "Basuki Rahmat",
    "Juanda", "Adi Sucipto", "Halim Perdanakusuma", "Ahmad Dahlan", "Hasyim Asyari",
    "A.H. Nasution", "Raden Saleh", "Letjen Suprapto", "Sunan Kalijaga", "Sunan Ampel",
    "Sunan Gunung Jati", "Tjilik Riwut", "Frans Kaisiepo", "Martha Tiahahu", "Nyi Ageng Serang",
)  # fmt: skip

#: Flowers, fruit, birds, trees and wayang figures: neighbourhood street themes.
STREET_WORDS = (
    "Melati", "Mawar", "Anggrek", "Kenanga", "Cempaka", "Flamboyan", "Dahlia", "Kamboja",
    "Teratai", "Seroja", "Bougenville", "Asoka", "Mangga", "Rambutan", "Durian", "Nangka",
    "Jambu", "Salak", "Manggis", "Duku", "Kelapa", "Pisang", "Sawo", "Belimbing",
    "Cendrawasih", "Merpati", "Kenari", "Rajawali", "Elang", "Kakatua", "Nuri", "Murai",
    "Perkutut", "Jalak", "Merak", "Kutilang", "Beringin", "Jati", "Mahoni", "Cemara",
    "Akasia", "Meranti", "Trembesi", "Pinus", "Arjuna", "Bima", "Nakula", "Sadewa",
    "Yudistira", "Srikandi", "Gatotkaca", "Abimanyu", "Kresna", "Semar", "Anoa", "Kancil",
    "Rusa", "Merbabu", "Semeru", "Rinjani", "Kerinci", "Tanggamus", "Pesagi", "Seminung",
    "Kapuas", "Mahakam", "Musi", "Batanghari", "Sekampung", "Way Seputih", "Tulang Bawang",
    "Intan", "Mutiara", "Zamrud", "Delima", "Nilam", "Kencana", "Pelangi", "Purnama",
)  # fmt: skip

#: Names of gang (alleys): the short diagonal lanes between blocks.
ALLEY_NAMES = (
    "Damai", "Rukun", "Sepakat", "Bersama", "Mushola", "Masjid", "Sejahtera", "Harapan",
    "Keluarga", "Mawar Indah", "Swadaya", "Gotong Royong", "Bahagia", "Sentosa", "Rahayu",
)  # fmt: skip

ROMAN_NUMERALS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

FIRST_NAMES = (
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Sri", "Wahyu", "Putri", "Andi",
    "Rudi", "Yuni", "Eko", "Nur", "Hendra", "Fitri", "Bambang", "Sari", "Dedi", "Indah",
    "Rizky", "Ayu", "Arif", "Wati", "Dian", "Fajar", "Lestari", "Yanto", "Ratna", "Heri",
    "Nurul", "Imam", "Suparman", "Endang", "Slamet", "Tri", "Ahmad", "Muhammad", "Rahmat",
    "Novi", "Ikhsan", "Winarti", "Gilang", "Anisa", "Bagus", "Kurnia", "Saputra", "Suryani",
    "Taufik", "Maya", "Yusuf", "Eka", "Dwi", "Lina", "Irfan", "Ratih", "Samsul", "Tuti",
)  # fmt: skip

SURNAMES = (
    "Santoso", "Wijaya", "Saputra", "Lestari", "Pratama", "Hidayat", "Nugroho", "Kurniawan",
    "Rahmawati", "Setiawan", "Susanti", "Wibowo", "Gunawan", "Hartono", "Purnomo", "Sutrisno",
    "Handayani", "Permana", "Putra", "Utami", "Siregar", "Harahap", "Nasution", "Simanjuntak",
    "Firmansyah", "Ramadhan", "Maulana", "Syahputra", "Anggraini", "Wulandari", "Yulianti",
    "Susilo", "Prasetyo", "Haryanto", "Subagyo", "Suharto", "Effendi", "Hakim", "Fauzi",
)  # fmt: skip

#: Indonesian mobile prefixes (Telkomsel, Indosat, XL, Axis, Tri, Smartfren).
PHONE_PREFIXES = (
    "0811", "0812", "0813", "0821", "0822", "0823", "0852", "0853", "0814", "0815", "0816",
    "0855", "0856", "0857", "0858", "0817", "0818", "0819", "0859", "0877", "0878", "0831",
    "0832", "0838", "0895", "0896", "0897", "0898", "0899", "0881", "0882", "0887", "0888",
)  # fmt: skip
