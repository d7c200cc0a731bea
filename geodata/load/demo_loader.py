"""Putting the synthetic demo city into the database, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from geodata.demo import DEMO_CITY_CODE, generate_demo_city
from geodata.load.city_load import LoadSummary, city_id_by_code, load_city
from geodata.responders import DEFAULT_RESPONSE_AGENCIES, ResponseAgencies

__all__ = ["DEMO_CITY_CODE", "ensure_demo_city"]


def ensure_demo_city(
    engine: Engine,
    *,
    seed: int = 112,
    end: datetime | None = None,
    responders: ResponseAgencies = DEFAULT_RESPONSE_AGENCIES,
) -> LoadSummary | None:
    """Generate and load the demo city unless it is loaded already (then return None).

    ``end`` is when its one year of history stops (default: now), so the map shows a
    believable last 24 hours. Loading is one transaction: all of it or nothing.
    """
    with engine.connect() as conn:
        if city_id_by_code(conn, DEMO_CITY_CODE) is not None:
            return None
    city = generate_demo_city(seed, end, responders=responders)
    with engine.begin() as conn:
        return load_city(conn, city, synthetic=True)
