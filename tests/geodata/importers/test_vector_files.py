"""Reading vector files: CRS declared, undeclared, wrong or swapped; empty files; bad polygons."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely import Polygon, box

from geodata.importers.outcome import ImportRefusedError
from geodata.importers.vector_files import read_vector

#: A city near Kota Metro, Lampung (UTM 48S).
CITY = box(105.25, -5.18, 105.36, -5.05)
SQUARE = box(105.30, -5.12, 105.31, -5.11)


def write(
    path: Path, geometries: list[object], crs: object = 4326, **columns: list[object]
) -> Path:
    frame = gpd.GeoDataFrame(
        columns or {"name": ["a"] * len(geometries)}, geometry=geometries, crs=crs
    )
    if crs is None:
        with pytest.warns(UserWarning, match="'crs' was not provided"):
            frame.to_file(path)
    else:
        frame.to_file(path)
    return path


def test_a_declared_crs_is_reprojected_to_wgs84(tmp_path: Path) -> None:
    utm = gpd.GeoSeries([SQUARE], crs=4326).to_crs(32748)
    path = write(tmp_path / "utm.gpkg", list(utm), crs=32748)
    layer = read_vector(path, "polygon", near=CITY)
    assert layer.source_crs == "EPSG:32748"
    assert layer.frame.crs.to_epsg() == 4326
    assert shapely.equals_exact(layer.frame.geometry.iloc[0].normalize(), SQUARE.normalize(), 1e-9)
    assert any("reprojected" in warning for warning in layer.warnings)


def test_an_undeclared_crs_is_taken_as_degrees_only_when_plausible(tmp_path: Path) -> None:
    degrees = write(tmp_path / "degrees.shp", [SQUARE], crs=None)
    layer = read_vector(degrees, "polygon", near=CITY)
    assert any("declares no CRS" in warning for warning in layer.warnings)
    metres = gpd.GeoSeries([SQUARE], crs=4326).to_crs(32748)
    utm = write(tmp_path / "metres.shp", list(metres), crs=None)
    with pytest.raises(ImportRefusedError, match=r"declares no CRS .* not longitude/latitude"):
        read_vector(utm, "polygon", near=CITY)
    told = read_vector(utm, "polygon", near=CITY, crs="EPSG:32748")
    assert told.frame.geometry.iloc[0].normalize().equals_exact(SQUARE.normalize(), 1e-9)


def test_a_wrong_crs_and_swapped_axes_are_refused_with_what_they_look_like(tmp_path: Path) -> None:
    metres = gpd.GeoSeries([SQUARE], crs=4326).to_crs(32748)
    wrong = write(tmp_path / "wrong.geojson", list(metres.set_crs(4326, allow_override=True)))
    with pytest.raises(ImportRefusedError, match="the CRS is wrong"):
        read_vector(wrong, "polygon", near=CITY)
    swapped = shapely.transform(SQUARE, lambda xy: xy[:, ::-1])
    path = write(tmp_path / "swapped.geojson", [swapped])
    with pytest.raises(ImportRefusedError, match="look swapped"):
        read_vector(path, "polygon", near=CITY)
    far = write(tmp_path / "far.geojson", [box(24.9, 60.1, 25.0, 60.2)])
    with pytest.raises(ImportRefusedError, match="far from the city"):
        read_vector(far, "polygon", near=CITY)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(ImportRefusedError, match="has no features"):
        read_vector(empty, "polygon")
    with pytest.raises(ImportRefusedError, match="does not exist"):
        read_vector(tmp_path / "nothing.geojson", "polygon")
    garbage = tmp_path / "garbage.geojson"
    garbage.write_text("this is not json")
    with pytest.raises(ImportRefusedError, match=r"cannot read garbage\.geojson"):
        read_vector(garbage, "polygon")


def test_a_self_intersecting_polygon_is_repaired_with_a_warning(tmp_path: Path) -> None:
    bowtie = Polygon([(105.30, -5.12), (105.31, -5.11), (105.31, -5.12), (105.30, -5.11)])
    path = write(tmp_path / "bowtie.geojson", [bowtie, SQUARE], name=["bowtie", "square"])
    layer = read_vector(path, "polygon", near=CITY)
    repaired = layer.frame.geometry.loc[1]
    assert repaired.is_valid and repaired.geom_type == "MultiPolygon"
    assert repaired.area == pytest.approx(bowtie.buffer(0).area + bowtie.buffer(0).area, rel=1)
    assert layer.warnings == ("feature 1: invalid polygon (Self-intersection[105.305 -5.115]), "
                              "repaired with make_valid",)  # fmt: skip
    assert layer.rejects == ()


def test_rows_of_the_wrong_geometry_type_are_rejected_by_feature_number(tmp_path: Path) -> None:
    path = tmp_path / "mixed.geojson"
    gpd.GeoDataFrame(
        {"name": ["line", "polygon", "nothing"]},
        geometry=[shapely.LineString([(105.3, -5.1), (105.31, -5.1)]), SQUARE, None],
        crs=4326,
    ).to_file(path)
    layer = read_vector(path, "polygon", near=CITY)
    assert [(r.row, r.message) for r in layer.rejects] == [
        (1, "is a LineString; expected polygons"),
        (3, "the geometry is empty"),
    ]
    assert layer.frame.index.tolist() == [2]
    assert layer.attributes.index.tolist() == [1, 2, 3]  # the rejects file keeps every row


def test_a_file_of_several_layers_needs_one_named(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    for name in ("kecamatan", "kelurahan"):
        gpd.GeoDataFrame({"name": [name]}, geometry=[SQUARE], crs=4326).to_file(path, layer=name)
    with pytest.raises(ImportRefusedError, match=r"several layers \(kecamatan, kelurahan\)"):
        read_vector(path, "polygon")
    assert read_vector(path, "polygon", layer="kelurahan").frame["name"].tolist() == ["kelurahan"]


def test_rejects_go_to_the_working_folder_when_the_input_folder_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geodata.importers.rejects import default_rejects_path

    data, work = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    work.mkdir()
    assert default_rejects_path(data / "log.csv") == data / "log.rejected.csv"
    data.chmod(0o555)
    monkeypatch.chdir(work)
    try:
        assert default_rejects_path(data / "log.csv") == work / "log.rejected.csv"
    finally:
        data.chmod(0o755)
