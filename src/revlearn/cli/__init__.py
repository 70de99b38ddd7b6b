"""The ``revlearn`` command line (Typer): parse, call the library, format, exit.

Exit codes: 0 success, 2 bad input (one line: what, where, how to fix), 1 internal failure
(one line; the traceback goes to ``<workspace>/revlearn.log``, or to the screen with
``--debug``). ``--json`` prints exactly one JSON document to stdout; progress and logs go
to stderr.

The commands live in :mod:`revlearn.cli.fitting` (fit), :mod:`revlearn.cli.modelling`
(predict, evaluate, explain, report) and :mod:`revlearn.cli.workspace` (models, load,
profile, demo); importing them registers them on :data:`app`.
"""

from __future__ import annotations

from revlearn.cli import fitting, modelling, workspace
from revlearn.cli._app import app

__all__ = ["app", "main"]

_COMMANDS = (fitting, modelling, workspace)  # imported for their @app.command() registrations


def main() -> None:
    """Run the command line (the ``revlearn`` console script)."""
    app()


if __name__ == "__main__":
    main()
