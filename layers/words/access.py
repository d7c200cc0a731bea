"""Words of signing in and out, and of being refused."""

from layers.words.types import Words

WORDS: Words = {
    "title": {"id": "Masuk ke Tanggap", "en": "Sign in to Tanggap"},
    "username": {"id": "Nama pengguna", "en": "Username"},
    "password": {"id": "Kata sandi", "en": "Password"},
    "submit": {"id": "Masuk", "en": "Sign in"},
    "wrong": {
        "id": "Nama pengguna atau kata sandi salah, atau akun sedang dikunci sementara. Coba lagi sebentar lagi.",
        "en": "Wrong username or password, or the account is locked for a while. Try again shortly.",
    },
    "too_many": {
        "id": "Terlalu banyak percobaan masuk dari alamat ini. Tunggu satu menit.",
        "en": "Too many sign-in attempts from this address. Wait a minute.",
    },
    "signed_out": {"id": "Anda sudah keluar.", "en": "You have signed out."},
    "expired": {
        "id": "Sesi Anda berakhir. Silakan masuk lagi.",
        "en": "Your session ended. Please sign in again.",
    },
    "kiosk_used": {
        "id": "Tautan layar dinding ini tidak berlaku (sudah dipakai atau dicabut). Minta tautan baru kepada admin.",
        "en": "This wall-display link is not valid (used or revoked). Ask an admin for a new one.",
    },
    "sign_out": {"id": "Keluar", "en": "Sign out"},
    "signed_in_as": {"id": "{name} ({role})", "en": "{name} ({role})"},
    "not_permitted": {
        "id": "Peran Anda ({role}) tidak membuka halaman ini.",
        "en": "Your role ({role}) does not open this page.",
    },
    "other_city": {
        "id": "Akun Anda hanya untuk kota lain.",
        "en": "Your account is for another city only.",
    },
    "go_home": {"id": "Ke halaman Anda", "en": "To your page"},
    "footer": {
        "id": "Pusat komando 112. Penggunaan dicatat dalam log audit.",
        "en": "112 command center. Use is recorded in the audit log.",
    },
}
