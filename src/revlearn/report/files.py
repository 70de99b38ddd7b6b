"""Write output files atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from revlearn.errors import InputError

__all__ = ["write_csv_atomic", "write_text_atomic"]


def _target(path: str | Path) -> Path:
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        raise InputError(
            f"{target} is a directory.",
            where="--out",
            fix="Give a file name, e.g. --out scores.csv.",
        )
    if not target.parent.exists():
        raise InputError(
            f"The folder {target.parent} does not exist.",
            where="--out",
            fix="Create it first or write somewhere else.",
        )
    return target


def _readable(tmp: str) -> None:
    """Give the file the permissions a plain ``open(..., "w")`` would (mkstemp uses 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write text to ``path`` so readers see the old file or the whole new one, never half.

    Parameters
    ----------
    text : str
        Content (written as UTF-8).
    path : str or Path
        Destination file; its folder must exist.

    Returns
    -------
    Path
        The resolved destination.

    Raises
    ------
    InputError
        If the destination is a folder or its folder is missing.
    """
    target = _target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        _readable(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_csv_atomic(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as CSV (no index) atomically, with Arrow's fast CSV writer.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    path : str or Path
        Destination file; its folder must exist.

    Returns
    -------
    Path
        The resolved destination.

    Raises
    ------
    InputError
        If the destination is a folder or its folder is missing.
    """
    target = _target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.close(fd)
        pa_csv.write_csv(
            pa.Table.from_pandas(frame, preserve_index=False),
            tmp,
            write_options=pa_csv.WriteOptions(quoting_style="needed"),
        )
        _readable(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
