"""The ``revlearn`` command line (Typer): parse, call the library, format, exit.

Exit codes: 0 success, 2 bad input (one line: what, where, how to fix), 1 internal failure
(one line; the traceback goes to ``<workspace>/revlearn.log``, or to the screen with
``--debug``). ``--json`` prints exactly one JSON document to stdout; progress and logs go
to stderr.

The commands live in :mod:`revlearn.cli.fitting` (fit), :mod:`revlearn.cli.modelling`
(predict, evaluate, explain, report), :mod:`revlearn.cli.texting` (mentions) and
:mod:`revlearn.cli.workspace` (models, load, profile, demo); importing them registers them
on :data:`app`.
"""

from __future__ import annotations

from revlearn.cli import fitting, modelling, texting, workspace
from revlearn.cli._app import app

__all__ = ["app", "main"]

# imported for their @app.command() registrations
_COMMANDS = (fitting, modelling, texting, workspace)


def main() -> None:
    """Run the command line (the ``revlearn`` console script)."""
    app()


if __name__ == "__main__":
    main()
