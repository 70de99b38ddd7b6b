"""Logging set-up for the interfaces (library modules only create loggers)."""

from __future__ import annotations

import logging
from pathlib import Path


def configure_logging(
    *, verbose: bool = False, quiet: bool = False, log_file: Path | None = None
) -> None:
    """Route revlearn's log records to stderr (and optionally a file).

    Parameters
    ----------
    verbose : bool, default=False
        Show DEBUG records.
    quiet : bool, default=False
        Show only WARNING and above.
    log_file : Path, optional
        Also append records (at DEBUG) to this file.
    """
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    root = logging.getLogger("revlearn")
    root.handlers.clear()
    root.setLevel(logging.DEBUG)
    stream = logging.StreamHandler()
    stream.setLevel(level)
    stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(stream)
    if log_file is not None:
        handler = logging.FileHandler(log_file)
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.propagate = False
