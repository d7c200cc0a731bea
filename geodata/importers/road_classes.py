"""Which :class:`~geodata.vocabulary.RoadClass` a road is, from OSM tags or a government layer.

Speeds per class and vehicle profile live in :mod:`geodata.routing.vehicle_profiles` only; this
module decides the class. OpenStreetMap ``highway`` values follow the OSM wiki
(Key:highway; "Indonesia" tagging guidelines: jalan nasional/provinsi are mostly trunk or
primary). Government layers carry the functional class of UU 38/2004 and PP 34/2006
("fungsi jalan": arteri, kolektor, lokal, lingkungan) or their Permen PU names ("Jalan
Arteri Primer", "JKP-1"); a keyword in the value decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from geodata.vocabulary import RoadClass

__all__ = [
    "FUNCTION_KEYWORDS",
    "HIGHWAY_CLASS",
    "class_from_function",
    "classes_from_values",
]

R = RoadClass

#: OSM ``highway`` → class. Values not listed (footway, track, path…) are not driven.
HIGHWAY_CLASS: Mapping[str, RoadClass] = {
    "motorway": R.ARTERIAL, "motorway_link": R.ARTERIAL,
    "trunk": R.ARTERIAL, "trunk_link": R.ARTERIAL,
    "primary": R.ARTERIAL, "primary_link": R.ARTERIAL,
    "secondary": R.COLLECTOR, "secondary_link": R.COLLECTOR,
    "tertiary": R.COLLECTOR, "tertiary_link": R.COLLECTOR,
    "unclassified": R.LOCAL, "road": R.LOCAL,
    "residential": R.RESIDENTIAL, "living_street": R.RESIDENTIAL,
    "service": R.SERVICE,
}  # fmt: skip

#: Keywords of Indonesian functional classes, tested in this order on the lower-cased value.
#: "tol" (toll road) and "arteri" are arterials; "setapak" (footpath, motorbikes only in
#: practice) and "gang" (alley) get the slowest class.
FUNCTION_KEYWORDS: tuple[tuple[str, RoadClass], ...] = (
    ("tol", R.ARTERIAL),
    ("arteri", R.ARTERIAL),
    ("jap", R.ARTERIAL),
    ("kolektor", R.COLLECTOR),
    ("jkp", R.COLLECTOR),
    ("lokal", R.LOCAL),
    ("jlp", R.LOCAL),
    ("lingkungan", R.RESIDENTIAL),
    ("setapak", R.SERVICE),
    ("gang", R.SERVICE),
)


def class_from_function(value: str) -> RoadClass | None:
    """The class of an Indonesian functional-class value or an OSM highway value, or None."""
    text = value.strip().lower()
    if text in HIGHWAY_CLASS:
        return HIGHWAY_CLASS[text]
    if text in RoadClass.__members__.values():
        return RoadClass(text)
    for keyword, road_class in FUNCTION_KEYWORDS:
        if keyword in text:
            return road_class
    return None


def classes_from_values(
    values: Iterable[object], explicit: Mapping[str, str] | None = None
) -> pd.Series:
    """Class per value (None where unknown): ``explicit`` (value → class) first, then keywords.

    Raises ValueError when ``explicit`` maps to something that is not a road class.
    """
    overrides = {str(k).strip().lower(): v for k, v in (explicit or {}).items()}
    bad = sorted({v for v in overrides.values() if v not in RoadClass.__members__.values()})
    if bad:
        raise ValueError(f"not road classes: {bad}; known: {[c.value for c in RoadClass]}")
    cache: dict[str, RoadClass | None] = {}
    result: list[RoadClass | None] = []
    for value in values:
        if value is None or (isinstance(value, float) and value != value):
            result.append(None)
            continue
        text = str(value).strip().lower()
        if text not in cache:
            cache[text] = (
                RoadClass(overrides[text]) if text in overrides else class_from_function(text)
            )
        result.append(cache[text])
    return pd.Series(result, dtype=object)
