"""`python -m newsmon` runs the command line."""

from newsmon.cli import main

raise SystemExit(main())
