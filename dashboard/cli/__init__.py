"""The ``tanggap`` command, one module per group: ``main`` (serve, demo) and ``db``; ``city``
and ``incidents``; ``api`` and ``simulate`` (``live``); ``report``. Sub-commands import
``db`` and ``console`` only, and ``main`` imports them all: no cycle."""
