"""Response-time analytics: observed intervals, heat cells, the call funnel and coverage.

Each module is one concept. Queries take a ``Connection`` and issue one statement each,
whatever the number of incidents; everything after the query is pure pandas/numpy and is
tested against independent computations.

- :mod:`.standards`: response-time standards (named) and the analysis settings.
- :mod:`.response_intervals`: per-incident and per-dispatch intervals (one SQL each).
- :mod:`.statistics`: median, 90th percentile, compliance, grouped, in the city's zone.
- :mod:`.heat_cells`: H3 hexagons or kelurahan polygons with per-cell statistics.
- :mod:`.call_funnel`: 112 calls by outcome, prank hot spots, hand-offs per agency.
- :mod:`.travel_surface`: modelled travel time from the nearest posko (one SciPy Dijkstra).
- :mod:`.coverage`: coverage of area, population and incidents against a standard.
- :mod:`.agency_coverage`: one agency's coverage, planned (posko) or live (units now).
- :mod:`.selection`: what the analytics page shows for one selection of its controls.
- :mod:`.monthly`: everything the monthly report shows, gathered in one place.
"""
