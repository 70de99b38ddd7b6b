"""Helpers of the CLI tests: run a command in-process and check the output contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import CliRunner, Result

from revlearn.cli._app import app

runner = CliRunner()
FIT_BUDGET = "5"  # seconds of model selection: enough for a real model on 3,000 leads
SMALL_BUDGET = "1"
TIERS = {"hot", "warm", "cold"}


# ---------------------------------------------------------------------------- helpers
def run(*args: object, ws: Path | None = None) -> Result:
    """Invoke the CLI in-process (``--workspace`` appended when given)."""
    argv = [str(a) for a in args]
    if ws is not None:
        argv += ["--workspace", str(ws)]
    return runner.invoke(app, argv, env={"REVLEARN_WORKSPACE": None, "COLUMNS": "80"})


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    assert "most recent call last" not in result.output
    return result


def as_json(result: Result) -> Any:
    ok(result)
    return json.loads(result.stdout)  # exactly one document, or this raises


def error_line(result: Result, code: int = 2) -> str:
    """Check the failure contract and return the single error line."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "most recent call last" not in result.output
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if not line.startswith("warning:")]
    assert len(errors) == 1, lines
    return errors[0]


def bad_input(result: Result, pattern: str) -> str:
    line = error_line(result, 2)
    assert line.startswith("error: "), line
    assert re.search(pattern, line), f"{pattern!r} not in {line!r}"
    return line


def write(frame: pd.DataFrame, path: Path, **kwargs: Any) -> Path:
    frame.to_csv(path, index=False, **kwargs)
    return path
