"""Vector tiles from PostGIS: where features are, detail by zoom, the shared cache and its
invalidation, and refusals of tiles that cannot exist."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, text

from geodata.map_tiles import MIN_ZOOM, TileRequestError, check_tile, read_tile

#: The tiny city's one road: an arterial along lat -5.1 from lon 105.02 to 105.18.
ROAD = "LINESTRING(105.02 -5.1, 105.18 -5.1)"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


@pytest.fixture
def road_city(engine: Engine, tiny_city: int) -> int:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO road_nodes (id, city_id, geom) VALUES (1, :c, "
                 "'SRID=4326;POINT(105.02 -5.1)'), (2, :c, 'SRID=4326;POINT(105.18 -5.1)')"),
            {"c": tiny_city},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO road_edges (id, city_id, source, target, road_class, oneway, "
                 "length_m, geom) VALUES (1, :c, 1, 2, 'arterial', false, 17700, "
                 "ST_GeomFromText(:g, 4326))"),
            {"c": tiny_city, "g": ROAD},
        )  # fmt: skip
    return tiny_city


def test_a_tile_holds_its_layer_where_the_road_is_and_nothing_elsewhere(
    engine: Engine, road_city: int
) -> None:
    with engine.begin() as conn:
        here = read_tile(conn, "roads-arterial", 12, *tile_of(105.1, -5.1, 12))
        away = read_tile(conn, "roads-arterial", 12, *tile_of(106.5, -6.5, 12))
        other_class = read_tile(conn, "roads-local", 14, *tile_of(105.1, -5.1, 14))
        land = read_tile(conn, "land", 10, *tile_of(105.1, -5.1, 10))
        boundaries = read_tile(conn, "kelurahan", 12, *tile_of(105.1, -5.1, 12))
    assert b"roads-arterial" in here.body and len(here.body) > 20
    assert away.body == b"" and other_class.body == b""
    assert b"land" in land.body and b"kelurahan" in boundaries.body
    assert here.etag != away.etag and len(here.etag) == 32


def test_minor_classes_appear_only_from_their_zoom(engine: Engine, road_city: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE road_edges SET road_class = 'residential'"))
        z = MIN_ZOOM["roads-residential"]
        below = read_tile(conn, "roads-residential", z - 1, *tile_of(105.1, -5.1, z - 1))
        at = read_tile(conn, "roads-residential", z, *tile_of(105.1, -5.1, z))
    assert below.body == b"" and b"roads-residential" in at.body


def test_tiles_are_cached_once_and_cleared_when_roads_change(
    engine: Engine, road_city: int
) -> None:
    xy = tile_of(105.1, -5.1, 12)
    with engine.begin() as conn:
        first = read_tile(conn, "roads-arterial", 12, *xy)
        assert conn.execute(text("SELECT count(*) FROM map_tiles")).scalar_one() == 1
        assert read_tile(conn, "roads-arterial", 12, *xy) == first
    with engine.begin() as conn:
        conn.execute(text("UPDATE road_edges SET geom = ST_Translate(geom, 0, 2)"))
        assert conn.execute(text("SELECT count(*) FROM map_tiles")).scalar_one() == 0
        assert read_tile(conn, "roads-arterial", 12, *xy).body == b""  # the road moved away


@pytest.mark.parametrize(
    ("layer", "z", "x", "y", "field", "status"),
    [("roads-arterial", 21, 0, 0, "z", 400), ("roads-arterial", -1, 0, 0, "z", 400),
     ("roads-arterial", 3, 8, 0, "x", 400), ("roads-arterial", 3, 0, 8, "y", 400),
     ("buildings", 3, 0, 0, "layer", 404), ("kecamatan", 0, 0, -1, "y", 400)],
)  # fmt: skip
def test_tiles_that_cannot_exist_are_refused_naming_the_field(
    layer: str, z: int, x: int, y: int, field: str, status: int
) -> None:
    with pytest.raises(TileRequestError) as refused:
        check_tile(layer, z, x, y)
    assert (refused.value.field, refused.value.status) == (field, status)
