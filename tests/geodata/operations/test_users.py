"""Accounts: Argon2 hashes, lockout with backoff, sessions that end, one-time kiosk links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from geodata.operations.user_sessions import (
    SessionPolicy,
    close_session,
    issue_kiosk_link,
    open_session,
    redeem_kiosk_link,
    session_account,
)
from geodata.operations.users import (
    AccountError,
    Lockout,
    check_password,
    create_user,
    set_active,
    set_password,
)
from geodata.vocabulary import UserRole

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PASSWORD = "kuda-lumping-112"
LOCKOUT = Lockout(max_failures=3, lockout_s=60)


def test_passwords_are_stored_as_argon2id_and_checked(engine: Engine) -> None:
    with engine.begin() as conn:
        create_user(conn, "Rina.Sup", "supervisor", PASSWORD, actor="t")
        stored = conn.execute(text("SELECT username, password_hash FROM users")).one()
        ok = check_password(conn, "RINA.sup", PASSWORD, now=NOW, lockout=LOCKOUT)
        wrong = check_password(conn, "rina.sup", "kuda-lumping-113", now=NOW, lockout=LOCKOUT)
        unknown = check_password(conn, "nobody", PASSWORD, now=NOW, lockout=LOCKOUT)
    assert stored.username == "rina.sup" and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert ok is not None and ok.role == UserRole.SUPERVISOR
    assert wrong is None and unknown is None


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [("a", PASSWORD, "username"), ("rina", "short", "password"),
     ("rina", "rina-password-123", "password"), ("r i n a", PASSWORD, "username")],
)  # fmt: skip
def test_weak_or_malformed_accounts_are_refused(
    engine: Engine, username: str, password: str, field: str
) -> None:
    with engine.begin() as conn, pytest.raises(AccountError) as refused:
        create_user(conn, username, "admin", password, actor="t")
    assert refused.value.field == field


def test_a_taken_username_or_unknown_role_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        create_user(conn, "rina", "planner", PASSWORD, actor="t")
        with pytest.raises(AccountError, match="taken"):
            create_user(conn, "RINA", "analyst", PASSWORD, actor="t")
        with pytest.raises(AccountError, match="role"):
            create_user(conn, "budi", "emperor", PASSWORD, actor="t")


def test_failures_lock_the_account_with_a_growing_backoff(engine: Engine) -> None:
    with engine.begin() as conn:
        create_user(conn, "budi", "call_taker", PASSWORD, actor="t")
        for _ in range(3):
            assert (
                check_password(conn, "budi", "wrong-wrong-wrong", now=NOW, lockout=LOCKOUT) is None
            )
        # Locked for a minute: even the right password is refused, and not counted.
        assert check_password(conn, "budi", PASSWORD, now=NOW, lockout=LOCKOUT) is None
        later = NOW + timedelta(seconds=61)
        assert check_password(conn, "budi", "wrong-wrong-wrong", now=later, lockout=LOCKOUT) is None
        locked_until = conn.execute(text("SELECT locked_until FROM users")).scalar_one()
        assert locked_until == later + timedelta(seconds=120)  # doubled
        after = locked_until + timedelta(seconds=1)
        assert check_password(conn, "budi", PASSWORD, now=after, lockout=LOCKOUT) is not None
        assert conn.execute(text("SELECT failed_sign_ins FROM users")).scalar_one() == 0


def test_sessions_end_by_lifetime_idleness_sign_out_password_and_deactivation(
    engine: Engine,
) -> None:
    policy = SessionPolicy(lifetime_s=3600, idle_s=600)
    with engine.begin() as conn:
        account = create_user(conn, "sari", "analyst", PASSWORD, actor="t")
        opened = open_session(conn, account, now=NOW, policy=policy, client="test")
        assert session_account(conn, opened.token, now=NOW, policy=policy) is not None
        assert session_account(conn, opened.token, now=NOW + timedelta(seconds=601),
                               policy=policy) is None  # idle  # fmt: skip
        busy = NOW
        for minutes in range(5, 65, 5):  # busy every five minutes: never idle
            busy = NOW + timedelta(minutes=minutes)
            found = session_account(conn, opened.token, now=busy, policy=policy)
            if minutes < 60:
                assert found is not None, minutes
        assert found is None  # an hour: the lifetime ends it whatever the activity
        second = open_session(conn, account, now=NOW, policy=policy, client="test")
        assert close_session(conn, second.token, actor="sari")
        assert session_account(conn, second.token, now=NOW, policy=policy) is None
        third = open_session(conn, account, now=NOW, policy=policy, client="test")
        set_password(conn, "sari", "another-good-password", actor="admin")
        assert session_account(conn, third.token, now=NOW, policy=policy) is None
        fourth = open_session(conn, account, now=NOW, policy=policy, client="test")
        set_active(conn, "sari", False, actor="admin")
        assert session_account(conn, fourth.token, now=NOW, policy=policy) is None
        assert check_password(conn, "sari", "another-good-password", now=NOW,
                              lockout=LOCKOUT) is None  # fmt: skip
        tokens = conn.execute(text("SELECT token_hash FROM user_sessions")).scalars().all()
    assert opened.token not in tokens and len(tokens[0]) == 64  # only digests are stored


def test_a_kiosk_link_signs_a_wall_in_once(engine: Engine) -> None:
    with engine.begin() as conn:
        wall = create_user(conn, "wall.lantai2", "wall", None, actor="admin")
        token = issue_kiosk_link(conn, wall, actor="admin")
        assert redeem_kiosk_link(conn, token) == wall
        assert redeem_kiosk_link(conn, token) is None  # used up
        supervisor = create_user(conn, "sup", "supervisor", PASSWORD, actor="admin")
        with pytest.raises(ValueError, match="wall accounts only"):
            issue_kiosk_link(conn, supervisor, actor="admin")
        assert check_password(conn, "wall.lantai2", "", now=NOW, lockout=LOCKOUT) is None
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
    assert actions[:2] == ["user.create", "kiosk.issue"]
