"""The agencies (OPD) of a city: one per kind, with the codes every city and the demo share.

A city created from its boundary gets :data:`STANDARD_KINDS` at once, so a fleet can be
imported right away; posko and units name their agency by code (``DAMKAR``) or by kind
(``fire``), or by the words people use (:data:`KIND_KEYWORDS`: "pemadam", "polres"…).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from geodata.vocabulary import AgencyKind

__all__ = [
    "AGENCY_FOR_KIND",
    "KIND_KEYWORDS",
    "STANDARD_KINDS",
    "agencies_for",
    "kind_from_text",
]

K = AgencyKind
#: The city's agency per kind: code and name ({city} is the city's name).
AGENCY_FOR_KIND: dict[AgencyKind, tuple[str, str]] = {
    K.AMBULANCE: ("PSC119", "PSC 119 {city}"),
    K.FIRE: ("DAMKAR", "Dinas Pemadam Kebakaran (Damkar) {city}"),
    K.POLICE: ("POLRES", "Polres {city}"),
    K.DISASTER: ("BPBD", "BPBD {city}"),
    K.SAR: ("BASARNAS", "Pos SAR Basarnas {city}"),
    K.TRANSPORT: ("DISHUB", "Dinas Perhubungan {city}"),
    K.OTHER: ("LAINNYA", "Lainnya {city}"),
}
#: The agencies every kab/kota 112 center forwards to (all kinds but "other").
STANDARD_KINDS: tuple[AgencyKind, ...] = (
    K.AMBULANCE, K.FIRE, K.DISASTER, K.POLICE, K.TRANSPORT, K.SAR,
)  # fmt: skip
#: Words (lower case, tested in order) that tell a posko's agency kind from its name.
KIND_KEYWORDS: tuple[tuple[str, AgencyKind], ...] = (
    (r"damkar|pemadam|kebakaran|fire", K.FIRE),
    (r"bpbd|penanggulangan bencana|disaster", K.DISASTER),
    (r"basarnas|pencarian dan pertolongan", K.SAR),
    (r"dishub|perhubungan", K.TRANSPORT),
    (r"polisi|kepolisian|polsek|polres|polresta|polda|police", K.POLICE),
    (
        r"rumah sakit|\brs[a-z]{0,3}\b|puskesmas|pustu|klinik|psc ?119|ambulan|hospital|clinic",
        K.AMBULANCE,
    ),
)


def kind_from_text(text: str) -> AgencyKind | None:
    """The agency kind :data:`KIND_KEYWORDS` find in ``text``, or None."""
    lowered = text.lower()
    for pattern, kind in KIND_KEYWORDS:
        if re.search(pattern, lowered):
            return kind
    return None


def agencies_for(kinds: Iterable[str], city_name: str) -> pd.DataFrame:
    """The agency rows (agency_code, name, kind) the given kinds need, one per kind."""
    rows = []
    for kind in sorted(set(kinds)):
        code, name = AGENCY_FOR_KIND[AgencyKind(kind)]
        rows.append((code, name.format(city=city_name), kind))
    return pd.DataFrame(rows, columns=["agency_code", "name", "kind"])
