"""The demo city's people: one account per role, each with a generated password.

Never a fixed default: the passwords are drawn at random the first time and written once to
a file only the owner can read (mode 0600), which the start command points to.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlalchemy import Engine, text

from geodata.operations.user_sessions import issue_kiosk_link
from geodata.operations.users import create_user, find_user
from geodata.vocabulary import UserRole

__all__ = ["DEMO_USERS", "ensure_demo_users"]

#: (username, display name, role) of the demo city's accounts.
DEMO_USERS: tuple[tuple[str, str, UserRole], ...] = (
    ("admin.demo", "Admin Demo", UserRole.ADMIN),
    ("supervisor.demo", "Supervisor Demo", UserRole.SUPERVISOR),
    ("calltaker.demo", "Petugas 112 Demo", UserRole.CALL_TAKER),
    ("planner.demo", "Perencana Demo", UserRole.PLANNER),
    ("analyst.demo", "Analis Demo", UserRole.ANALYST),
    ("wall.demo", "Layar Dinding Demo", UserRole.WALL),
)


def ensure_demo_users(engine: Engine, passwords_file: Path) -> dict[str, str] | None:
    """Create the demo accounts unless they exist; returns {username: password or kiosk
    token} and writes them to ``passwords_file`` (0600), or None when they existed."""
    created: dict[str, str] = {}
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE username = 'admin.demo'")).first():
            return None
        for username, name, role in DEMO_USERS:
            password = None if role == UserRole.WALL else secrets.token_urlsafe(12)
            account = create_user(conn, username, role, password, actor="tanggap demo",
                                  display_name=name)  # fmt: skip
            created[username] = password or issue_kiosk_link(
                conn, find_user(conn, account.id) or account, actor="tanggap demo"
            )
    passwords_file.parent.mkdir(parents=True, exist_ok=True)
    passwords_file.touch(mode=0o600, exist_ok=True)
    passwords_file.chmod(0o600)
    lines = [f"{user}\t{secret}" for user, secret in created.items()]
    passwords_file.write_text(
        "# Demo accounts of Tanggap (synthetic city). The wall signs in by its kiosk link:\n"
        "# http://HOST:PORT/masuk/kiosk/<token> (once).\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return created
