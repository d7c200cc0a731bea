"""``python -m dashboard`` is the ``tanggap`` command."""

from dashboard.cli.main import main

main()
