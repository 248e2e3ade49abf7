"""`python -m mdekit` runs the CLI."""

from mdekit.cli.main import run

run()
