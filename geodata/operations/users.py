"""People who sign in: accounts with a role and an optional city, Argon2 passwords, lockout.

Passwords are hashed with Argon2id (``argon2-cffi``'s defaults, rehashed when they change).
Repeated failures lock an account with a growing backoff: after ``max_failures`` in a row,
``lockout_s`` seconds, doubling with each further failure (at most a day). A locked or
unknown account answers exactly like a wrong password, so sign-in says nothing about which
usernames exist. Every function works inside the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, text

from geodata.operations import audit
from geodata.vocabulary import UserRole

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "Account",
    "AccountError",
    "Lockout",
    "check_password",
    "create_user",
    "find_user",
    "list_users",
    "set_active",
    "set_password",
]

MIN_PASSWORD_LENGTH = 12
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()
#: Verifying against this keeps an unknown username as slow as a known one.
_DUMMY_HASH = _HASHER.hash("tanggap: no such account")


class AccountError(ValueError):
    """An account that cannot be created or changed; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Account:
    """A signed-in person as the app sees them (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: UserRole
    city_id: int | None
    may_export_callers: bool = False

    def reaches_city(self, city_id: int) -> bool:
        """Whether this person may see city ``city_id`` (an unscoped account sees all)."""
        return self.city_id is None or self.city_id == city_id


@dataclass(frozen=True)
class Lockout:
    """Backoff after failed sign-ins: locked for ``lockout_s``, doubling, at most a day."""

    max_failures: int = 5
    lockout_s: float = 60.0

    def locked_for_s(self, failures: int) -> float:
        if failures < self.max_failures:
            return 0.0
        return min(self.lockout_s * 2 ** (failures - self.max_failures), 86_400.0)


_COLUMNS = "id, username, display_name, role, city_id, may_export_callers"


def _account(row: object) -> Account:
    return Account(
        int(row.id), row.username, row.display_name, UserRole(row.role),  # type: ignore[attr-defined]
        row.city_id, bool(row.may_export_callers),  # type: ignore[attr-defined]
    )  # fmt: skip


def _checked_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError(
            "username", "2 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return name


def _checked_password(password: str, username: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    if username in password.lower():
        raise AccountError("password", "must not contain the username")
    return _HASHER.hash(password)


def create_user(
    conn: Connection,
    username: str,
    role: str,
    password: str | None,
    *,
    actor: str,
    display_name: str | None = None,
    city_id: int | None = None,
) -> Account:
    """Create an account; ``password`` None makes one that cannot sign in with a password
    (a kiosk wall, signed in by its link). Raises :class:`AccountError` naming the field."""
    name = _checked_username(username)
    try:
        chosen = UserRole(role)
    except ValueError:
        raise AccountError("role", f"one of {[r.value for r in UserRole]}") from None
    hashed = None if password is None else _checked_password(password, name)
    row = conn.execute(
        text(
            f"INSERT INTO users (username, display_name, role, city_id, password_hash, "
            f"password_changed_at) VALUES (:u, :d, :r, :c, :h, now()) "
            f"ON CONFLICT (username) DO NOTHING RETURNING {_COLUMNS}"
        ),
        {"u": name, "d": (display_name or name).strip(), "r": chosen.value, "c": city_id,
         "h": hashed},
    ).first()  # fmt: skip
    if row is None:
        raise AccountError("username", f"'{name}' is taken")
    audit.record(conn, actor=actor, action="user.create", entity="user", entity_id=row.id,
                 details={"username": name, "role": chosen.value, "city_id": city_id})  # fmt: skip
    return _account(row)


def find_user(conn: Connection, user_id: int) -> Account | None:
    """The active account ``user_id``, or None."""
    row = conn.execute(
        text(f"SELECT {_COLUMNS} FROM users WHERE id = :id AND active"), {"id": user_id}
    ).first()
    return None if row is None else _account(row)


def list_users(conn: Connection) -> list[dict[str, object]]:
    """Every account for the admin: who, role, city, active, last sign-in, locked until."""
    rows = conn.execute(
        text(
            "SELECT u.id, u.username, u.display_name, u.role, c.code AS city, u.active, "
            "u.last_sign_in_at, u.locked_until FROM users u "
            "LEFT JOIN cities c ON c.id = u.city_id ORDER BY u.username"
        )
    ).mappings()
    return [dict(row) for row in rows]


def check_password(
    conn: Connection, username: str, password: str, *, now: datetime, lockout: Lockout
) -> Account | None:
    """The account if ``password`` is right and the account active and not locked; else None.

    Counts the failure (and locks with backoff) in the same transaction; a success resets
    the count and rehashes a password hashed with older parameters. One row lock.
    """
    row = conn.execute(
        text(
            "SELECT id, username, password_hash, failed_sign_ins, locked_until, active "
            "FROM users WHERE username = :u FOR UPDATE"
        ),
        {"u": username.strip().lower()},
    ).first()
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    try:
        verified = bool(_HASHER.verify(stored, password))
    except (VerificationError, InvalidHashError):
        verified = False
    if row is None or not row.password_hash or not row.active:
        return None
    if row.locked_until is not None and row.locked_until > now:
        return None  # a right password during a lockout is not even counted
    if not verified:
        failures = int(row.failed_sign_ins) + 1
        locked = lockout.locked_for_s(failures)
        conn.execute(
            text("UPDATE users SET failed_sign_ins = :f, locked_until = :until WHERE id = :id"),
            {"f": failures, "id": row.id,
             "until": now + timedelta(seconds=locked) if locked else None},
        )  # fmt: skip
        return None
    rehash = _HASHER.hash(password) if _HASHER.check_needs_rehash(row.password_hash) else None
    conn.execute(
        text(
            "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = :now, "
            "password_hash = COALESCE(:rehash, password_hash) WHERE id = :id"
        ),
        {"now": now, "rehash": rehash, "id": row.id},
    )
    return find_user(conn, int(row.id))


def set_password(conn: Connection, username: str, password: str, *, actor: str) -> None:
    """Change a password; every session of the account is ended (it must sign in again)."""
    name = _checked_username(username)
    hashed = _checked_password(password, name)
    user_id = conn.execute(
        text(
            "UPDATE users SET password_hash = :h, password_changed_at = now(), "
            "failed_sign_ins = 0, locked_until = NULL WHERE username = :u RETURNING id"
        ),
        {"h": hashed, "u": name},
    ).scalar()
    if user_id is None:
        raise AccountError("username", f"no account '{name}'")
    conn.execute(
        text(
            "UPDATE user_sessions SET revoked_at = now() WHERE user_id = :id AND revoked_at IS NULL"
        ),
        {"id": user_id},
    )
    audit.record(conn, actor=actor, action="user.password", entity="user", entity_id=user_id)


def set_active(conn: Connection, username: str, active: bool, *, actor: str) -> None:
    """Activate or deactivate an account; deactivating ends its sessions at once."""
    name = _checked_username(username)
    user_id = conn.execute(
        text("UPDATE users SET active = :a WHERE username = :u RETURNING id"),
        {"a": active, "u": name},
    ).scalar()
    if user_id is None:
        raise AccountError("username", f"no account '{name}'")
    if not active:
        conn.execute(
            text("UPDATE user_sessions SET revoked_at = now() "
                 "WHERE user_id = :id AND revoked_at IS NULL"), {"id": user_id},
        )  # fmt: skip
    audit.record(conn, actor=actor, action="user.activate" if active else "user.deactivate",
                 entity="user", entity_id=user_id)  # fmt: skip
