"""A live state as compact bytes and back: columnar arrays in NumPy's ``.npz``, no pickle.

Text columns are stored as int32 codes plus their distinct values; the header (versions,
today's counts, read times) is a small JSON document. A payload written in another
:data:`FORMAT` is refused with ``ValueError``, and its reader rebuilds the state instead.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from geodata.live.state import LiveState, TodayCounts

__all__ = ["FORMAT", "decode", "encode"]

#: Version of the encoded form; a snapshot of another one is rebuilt, not read.
FORMAT = 3

_FRAMES = ("incidents", "units", "stations")


def _frame_arrays(name: str, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """One array per numeric column; text as int32 codes plus its distinct values."""
    arrays: dict[str, np.ndarray] = {}
    for column in frame.columns:
        values = frame[column].to_numpy()
        if values.dtype.kind in "biuf":
            arrays[f"{name}.{column}"] = values
        else:
            codes, uniques = pd.factorize(values)
            arrays[f"{name}.{column}.codes"] = codes.astype(np.int32)
            arrays[f"{name}.{column}.values"] = np.asarray([str(v) for v in uniques], dtype=str)
    return arrays


def _frame_of(name: str, columns: list[str], arrays: Any) -> pd.DataFrame:
    data: dict[str, np.ndarray] = {}
    for column in columns:
        key = f"{name}.{column}"
        if f"{key}.codes" in arrays.files:
            labels = np.asarray([*arrays[f"{key}.values"].tolist(), ""], dtype=object)
            data[column] = labels[arrays[f"{key}.codes"]]
        else:
            data[column] = arrays[key]
    return pd.DataFrame(data)


def encode(state: LiveState) -> bytes:
    """Compact bytes for the database: an uncompressed ``.npz`` of columnar arrays (its
    coordinate and code arrays hardly compress) and a small JSON header; no pickle."""
    header = {
        "format": FORMAT,
        "city_id": state.city_id,
        "version": state.version,
        "epoch": state.epoch,
        "built_at_s": state.built_at_s,
        "columns": {name: list(getattr(state, name).columns) for name in _FRAMES},
        "stations_changed": state.stations_changed,
        "today": state.today.__dict__,
        "today_changed": state.today_changed,
        "incidents_read_s": state.incidents_read_s,
        "full_read_s": state.full_read_s,
    }
    arrays = {"header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)}
    for name in _FRAMES:
        arrays.update(_frame_arrays(name, getattr(state, name)))
    buffer = io.BytesIO()
    np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def decode(payload: bytes) -> LiveState:
    """The state :func:`encode` wrote; ``ValueError`` if written in another format."""
    try:
        arrays = np.load(io.BytesIO(payload), allow_pickle=False)
        header = json.loads(arrays["header"].tobytes())
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"not a live snapshot: {error}") from None
    if header.get("format") != FORMAT:
        raise ValueError(f"live snapshot format {header.get('format')}, expected {FORMAT}")
    frames = {name: _frame_of(name, header["columns"][name], arrays) for name in _FRAMES}
    return LiveState(
        city_id=header["city_id"],
        version=header["version"],
        epoch=header["epoch"],
        built_at_s=header["built_at_s"],
        stations_changed=header["stations_changed"],
        today=TodayCounts(**header["today"]),
        today_changed=header["today_changed"],
        incidents_read_s=header["incidents_read_s"],
        full_read_s=header["full_read_s"],
        **frames,
    )
