"""Importing a real city: OpenStreetMap extracts, government layers, posko and call logs.

Each module reads one kind of source, checks it row by row (naming the row and the field of
every problem), and hands frames in EPSG:4326 to the writers of :mod:`geodata.load.city_load`
and :mod:`.road_store`, inside the caller's transaction. Nothing here imports Dash or a
terminal library: the CLI (``dashboard/cli/city.py``) shows progress through callbacks.
"""
