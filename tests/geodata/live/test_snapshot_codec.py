"""The live snapshot codec: a state survives bytes exactly; other formats are refused."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.live.snapshot_codec import decode, encode
from tests.geodata.live.test_live_state import incidents, rows, step, units


def test_encode_decode_round_trip() -> None:
    state = step(None, rows(incidents((1, "fire", 1, 60)), units((1, 105.1, 30), (2, None, 0))))
    back = decode(encode(state))
    pd.testing.assert_frame_equal(back.incidents, state.incidents)
    pd.testing.assert_frame_equal(back.units, state.units)
    pd.testing.assert_frame_equal(back.stations, state.stations)
    assert back.today == state.today and back.version == state.version


def test_decode_refuses_what_is_not_a_snapshot() -> None:
    with pytest.raises(ValueError, match="not a live snapshot"):
        decode(b"not an npz file")
