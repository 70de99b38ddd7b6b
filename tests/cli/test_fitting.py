"""``revlearn fit`` (:mod:`revlearn.cli.fitting`): human output and unknown use cases.

The fit contract of each use case family is tested beside its other commands
(tests/cli/test_modelling.py for leads and churn, test_customers.py, test_forecasting.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from revlearn.data.synth.company import Company
from tests.cli.helpers import SMALL_BUDGET, as_json, bad_input, ok, run, write


@pytest.fixture(scope="module")
def small(company: Company) -> pd.DataFrame:
    """800 demo leads, enough for a quick fit."""
    return company.leads.head(800).copy()


def model_versions(ws: Path) -> list[tuple[str, int]]:
    doc = as_json(run("models", "--json", ws=ws))
    return [(m["name"], m["version"]) for m in doc["models"]]


def test_fit_human_output_is_a_summary(small: pd.DataFrame, tmp_path: Path) -> None:
    data = write(small, tmp_path / "leads.csv")
    result = ok(run("fit", "leads", "-d", data, "--time-budget", SMALL_BUDGET, ws=tmp_path / "w"))
    assert re.search(r"Model leads v1", result.stdout)
    assert "ROC AUC (cv)" in result.stdout
    # warnings are one line each on stderr, not Python's "file:line" echo
    assert "cli.py" not in result.stderr
    assert re.search(r"^warning: Column 'call_duration_after'", result.stderr, re.M)


# --------------------------------------------------------------------------- predict
def test_unknown_use_case(leads_csv: Path, workspace: Path) -> None:
    bad_input(
        run("fit", "unicorns", "-d", leads_csv, ws=workspace),
        r"Unknown use case 'unicorns'\. \[revlearn fit\] Choose one of: churn, leads",
    )
    assert not workspace.exists() or model_versions(workspace) == []
