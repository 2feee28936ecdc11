"""``python -m mock_server`` = the ``mock-server`` command."""

from mock_server.cli import main

raise SystemExit(main())
