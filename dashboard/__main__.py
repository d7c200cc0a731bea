"""``python -m dashboard`` is the ``tanggap`` command."""

from dashboard.cli import main

main()
