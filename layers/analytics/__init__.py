"""Figures and tables of the response-time analytics, pure: data in, Plotly figures out.

- :mod:`.text`: phrases and number formats in Bahasa Indonesia (default) and English.
- :mod:`.heatmap`: heat cells (H3 hexagons or kelurahan) on the map.
- :mod:`.charts`: hour × weekday grid, trend, per-group bars.
- :mod:`.funnel`: the 112 call funnel, prank hot spots, hand-offs.
- :mod:`.coverage_map`: isochrone bands and coverage against a standard.
- :mod:`.tables`: rows of the tables shown (formatted strings).
- :mod:`.exports`: CSV and GeoJSON text of any table or layer.
- :mod:`.monthly_report`: the self-contained HTML report a kepala dinas can forward.
"""
