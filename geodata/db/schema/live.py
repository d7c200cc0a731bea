"""The shared live picture: periodic full snapshots and the per-version delta log beside them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from geodata.db.schema._base import Base


class LiveSnapshot(Base):
    """The shared live picture of a city (open incidents, units, counts), encoded.

    Rebuilt by one worker at a time and read by all (see :mod:`geodata.live.store`). The
    table is UNLOGGED: it is derived data, rebuilt after a crash, and needs no WAL. The
    payload is stored uncompressed (STORAGE EXTERNAL, migration 0003): it hardly compresses.
    """

    __tablename__ = "live_snapshots"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger)
    epoch: Mapped[int] = mapped_column(BigInteger)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    #: The version the full ``payload`` holds; ``version`` is ahead by ``live_deltas``.
    payload_version: Mapped[int] = mapped_column(BigInteger, server_default="0")

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)


class LiveDelta(Base):
    """The live picture's slots that changed in one version (see :mod:`geodata.live.store`):
    a viewer holding the version before catches up by this row alone. UNLOGGED, derived."""

    __tablename__ = "live_deltas"

    city_id: Mapped[int] = mapped_column(
        ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = ({"prefixes": ["UNLOGGED"]},)
