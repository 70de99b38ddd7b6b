"""Shared fixtures: a small seeded synthetic company, its leads as a CSV, a workspace path."""

from __future__ import annotations

from pathlib import Path

import pytest

from revlearn.data.synth import make_company
from revlearn.data.synth.company import Company


@pytest.fixture(scope="session")
def company() -> Company:
    """A small seeded company (3,000 dirty leads, 500 customers); do not mutate it."""
    return make_company(n_leads=3000, n_customers=500, random_state=0)


@pytest.fixture(scope="session")
def leads_csv(company: Company, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The company's leads written once as a UTF-8 CSV (read-only for tests)."""
    path = tmp_path_factory.mktemp("data") / "leads.csv"
    company.leads.to_csv(path, index=False)
    return path


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A fresh workspace directory path (not created yet)."""
    return tmp_path / "workspace"


#: The project's shared data: ``shared/`` sits beside the repository (also in CI).
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
