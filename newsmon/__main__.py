"""`python -m newsmon` runs the command line."""

from newsmon.cli import run

run()
