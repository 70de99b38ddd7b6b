"""The CLI for the recommender (revlearn.cli.recommending): fit on the demo B2B purchases,
predict, evaluate, report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from revlearn.data.synth.company import Company
from tests.cli.helpers import as_json, bad_input, ok, run, write


@pytest.fixture(scope="module")
def shop(company: Company, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo purchases split in time (the last 60 days held out), catalogue and accounts."""
    folder = tmp_path_factory.mktemp("shop")
    bought = company.interactions
    cut = pd.Timestamp(bought["timestamp"].max()) - pd.Timedelta(days=60)
    stamps = pd.to_datetime(bought["timestamp"])
    return {
        "train": write(bought[stamps <= cut], folder / "train.csv"),
        "later": write(bought[stamps > cut], folder / "later.csv"),
        "items": write(company.catalogue, folder / "items.csv"),
        "users": write(company.accounts, folder / "users.csv"),
        "ws": folder / "ws",
    }


@pytest.fixture(scope="module")
def fitted(shop: dict[str, Path]) -> dict:
    return as_json(
        run(
            "fit", "recommend", "--data", shop["train"], "--user", "user", "--item", "item",
            "--timestamp", "timestamp", "--items", shop["items"], "--users", shop["users"],
            "--json", ws=shop["ws"],
        )
    )  # fmt: skip


def test_fit_chooses_a_model_that_beats_popularity(fitted: dict) -> None:
    assert fitted["usecase"] == "recommend" and fitted["method"] != "popularity"
    # planted taste clusters: co-purchase beats popularity by a wide margin in the backtest
    assert fitted["validation_ndcg"] > 1.4 * fitted["popularity_ndcg"]
    assert fitted["repeat_items"] > 0 and fitted["new_items"] == 10


def test_predict_writes_k_rows_per_user_with_reasons(shop, fitted, tmp_path: Path) -> None:
    out = tmp_path / "recs.csv"
    ok(run("predict", "--model", "recommend", "--k", "5", "--out", out, ws=shop["ws"]))
    recs = pd.read_csv(out)
    assert list(recs.columns) == ["user", "rank", "item", "score", "reason"]
    per_user = recs.groupby("user").size()
    assert per_user.max() == 5 and len(per_user) == fitted["n_users"]
    assert recs["reason"].str.len().min() > 5
    newcomer = write(
        pd.DataFrame({"user": ["U-new"], "segment": ["healthcare"], "company_size": ["small"]}),
        tmp_path / "new.csv",
    )
    ok(run("predict", "-m", "recommend", "-d", newcomer, "--out", out, ws=shop["ws"]))
    cold = pd.read_csv(out)
    assert set(cold["user"]) == {"U-new"} and len(cold) == 10  # as fitted


def test_evaluate_and_report_on_later_purchases(shop, fitted, tmp_path: Path) -> None:
    doc = as_json(run("evaluate", "-m", "recommend", "-d", shop["later"], "--json", ws=shop["ws"]))
    at10 = {r["model"]: r for r in doc["metrics"] if r["k"] == 10}
    assert at10["revlearn"]["ndcg"] > at10["popularity"]["ndcg"]
    page = tmp_path / "recommend.html"
    ok(run("report", "-m", "recommend", "-d", shop["later"], "--out", page, ws=shop["ws"]))
    html = page.read_text()
    assert "Quality on held-out interactions" in html and "<script src=" not in html
    table = as_json(run("explain", "-m", "recommend", "--json", ws=shop["ws"]))["table"]
    assert sum(bool(row["chosen"]) for row in table) == 1


def test_bad_input(shop, fitted, tmp_path: Path) -> None:
    bad_input(
        run("fit", "recommend", "--data", shop["train"], "--item", "item", ws=shop["ws"]),
        r"needs --user",
    )
    bad_input(
        run("predict", "-m", "recommend", "--k", "0", "--out", tmp_path / "x.csv", ws=shop["ws"]),
        r"--k must be at least 1",
    )
    assert not (tmp_path / "x.csv").exists()
    blank = write(
        pd.DataFrame({"user": ["a", "", "b"], "item": ["x", "y", "z"]}), tmp_path / "blank.csv"
    )
    bad_input(
        run("fit", "recommend", "-d", blank, "--user", "user", "--item", "item", ws=shop["ws"]),
        r"blank",
    )
