"""Who may do what: users, their sessions, integration tokens, app secrets and rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base, one_of
from geodata.vocabulary import UserRole


class ApiToken(Base):
    """A token an integration uses on the ingest API; only its SHA-256 digest is stored.

    ``name`` is the integration (a call-taking system, an AVL gateway, a crew's phone app)
    and the ``source`` of the incidents it writes. A name may hold several tokens (rotation).
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    token_prefix: Mapped[str] = mapped_column(String(12), comment="Shown to recognise a token")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="Refused from then on (a rotated token: in a while)"
    )

    __table_args__ = (
        Index("ix_api_tokens_name", "name"),
        # One current token per integration and city; a rotated one has a revoked_at.
        Index(
            "uq_api_tokens_city_id_name_current",
            "city_id",
            "name",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )


class User(Base):
    """A person who signs in: role, optional city scope, Argon2 password hash, lockout.

    ``username`` is stored lower-case. ``failed_sign_ins`` counts failures since the last
    success; past a threshold the account is locked until ``locked_until`` (backoff).
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    city_id: Mapped[int | None] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), comment="None: every city"
    )
    password_hash: Mapped[str | None] = mapped_column(Text, comment="Argon2id; None: no sign-in")
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    may_export_callers: Mapped[bool] = mapped_column(
        Boolean, server_default=text("false"), comment="An admin allowed caller data in exports"
    )
    failed_sign_ins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint(one_of("role", UserRole), name="role"),
        CheckConstraint("username = lower(username)", name="username_lower"),
    )


class UserSession(Base):
    """One signed-in browser; only the SHA-256 of its random token is stored.

    Refused after ``expires_at`` (absolute), after ``idle_timeout`` without a request, or
    once ``revoked_at`` is set (sign-out, deactivation, password change).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256, hex")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client: Mapped[str | None] = mapped_column(Text, comment="Address and browser, for audit")

    __table_args__ = (Index("ix_user_sessions_user_id", "user_id"),)


class AppSecret(Base):
    """Secrets every worker shares and a restart keeps (the session-signing key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RateLimit(Base):
    """Fixed-window counters of the rate limiter, shared by every worker (UNLOGGED)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)
