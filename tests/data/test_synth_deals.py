"""The demo company's CRM deals: shape, determinism and recoverable planted truths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from revlearn.data.synth import make_company
from revlearn.data.synth.deals import DEAL_TRUTHS, STAGES, deal_log_odds, make_deals
from revlearn.data.synth.leads import REFERENCE_DATE
from revlearn.errors import ParameterError

COLUMNS = [
    "deal_id",
    "created_at",
    "stage",
    "amount",
    "owner",
    "source",
    "segment",
    "age_days",
    "activities_30d",
    "expected_close",
    "closed_at",
    "outcome",
]


@pytest.fixture(scope="module")
def big() -> tuple[pd.DataFrame, dict]:
    return make_deals(np.random.default_rng(11), 40_000)


def _closed(deals: pd.DataFrame) -> pd.DataFrame:
    return deals[deals["outcome"].notna()]


def test_columns_types_and_ranges(big: tuple[pd.DataFrame, dict]) -> None:
    deals, truths = big
    assert deals.columns.tolist() == COLUMNS
    assert deals["deal_id"].is_unique
    assert set(deals["stage"]) == set(STAGES)
    assert set(deals["owner"]) == {f"rep_{i}" for i in range(1, 9)}
    assert set(deals["source"]) == {"inbound", "outbound", "partner", "event"}
    assert set(deals["segment"]) == {"SMB", "mid-market", "enterprise"}
    assert deals["created_at"].max() <= REFERENCE_DATE
    assert (deals["amount"] > 0).all() and (deals["age_days"] >= 0).all()
    closed = _closed(deals)
    assert set(closed["outcome"]) == {"won", "lost"}
    assert (closed["closed_at"] <= REFERENCE_DATE).all()
    is_open = deals["outcome"].isna()
    assert deals.loc[is_open, "closed_at"].isna().all()
    assert is_open.sum() == truths["n_open"] == len(truths["open_outcomes"])
    assert 0.05 < is_open.mean() < 0.2
    assert 0.3 < truths["win_rate"] < 0.5
    # Open deals' age is their age on the reference date.
    age = (REFERENCE_DATE - deals.loc[is_open, "created_at"]).dt.days
    assert (age == deals.loc[is_open, "age_days"]).all()


def test_same_seed_same_deals_and_other_tables_unchanged() -> None:
    a = make_company(n_leads=50, n_customers=50, n_shoppers=20, n_deals=300, random_state=2)
    b = make_company(n_leads=50, n_customers=50, n_shoppers=20, n_deals=300, random_state=2)
    c = make_company(n_leads=50, n_customers=50, n_shoppers=20, n_deals=900, random_state=2)
    pd.testing.assert_frame_equal(a.deals, b.deals)
    pd.testing.assert_frame_equal(a.leads, c.leads)  # deals take their own seed stream
    pd.testing.assert_frame_equal(a.sales, c.sales)
    assert len(c.deals) == 900 and "deals" in a.truths
    assert a.truths["deals"]["stale_days"] == DEAL_TRUTHS["stale_days"]


def test_bad_deal_count_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"n_deals=3 is not a whole number"):
        make_company(n_deals=3)


def test_planted_win_odds_are_recovered_by_logistic_regression(
    big: tuple[pd.DataFrame, dict],
) -> None:
    closed = _closed(big[0])
    design = pd.DataFrame(
        {
            "activities": closed["activities_30d"].astype(float),
            "stale": (closed["age_days"] > DEAL_TRUTHS["stale_days"]).astype(float),
            "log_amount": np.log(closed["amount"] / DEAL_TRUTHS["amount_reference"]),
        }
    ).join(
        pd.get_dummies(closed[["stage", "owner", "source"]], dtype=float).drop(
            columns=["stage_proposal", "owner_rep_8", "source_event"]
        )
    )
    y = closed["outcome"] == "won"
    coef = pd.Series(
        LogisticRegression(C=1e6, max_iter=3000).fit(design, y).coef_[0], design.columns
    )
    assert coef["activities"] == pytest.approx(0.12, abs=0.03)
    assert coef["stale"] == pytest.approx(-2.2, abs=0.3)
    assert coef["log_amount"] == pytest.approx(-0.5, abs=0.08)
    assert coef["stage_negotiation"] == pytest.approx(0.9, abs=0.15)
    assert coef["stage_prospecting"] == pytest.approx(-1.6, abs=0.15)
    assert coef["owner_rep_1"] == pytest.approx(0.9, abs=0.2)
    assert abs(coef["owner_rep_5"]) < 0.2  # negative control: an ordinary rep
    # Negative control: shuffled activity counts lose their effect.
    design["activities"] = np.random.default_rng(0).permutation(design["activities"].to_numpy())
    shuffled = LogisticRegression(C=1e6, max_iter=3000).fit(design, y).coef_[0][0]
    assert abs(shuffled) < 0.03


def test_win_rate_rises_with_stage_and_falls_when_stale(big: tuple[pd.DataFrame, dict]) -> None:
    closed = _closed(big[0])
    won = closed["outcome"] == "won"
    by_stage = won.groupby(closed["stage"]).mean()[list(STAGES)]
    assert by_stage.is_monotonic_increasing
    stale = won.groupby(closed["age_days"] > DEAL_TRUTHS["stale_days"]).mean()
    assert stale[True] < 0.5 * stale[False]


def test_reps_close_later_than_they_enter_by_the_planted_lag(
    big: tuple[pd.DataFrame, dict],
) -> None:
    closed = _closed(big[0])
    won = closed[closed["outcome"] == "won"]
    lag = (won["closed_at"] - won["expected_close"]).dt.days.groupby(won["stage"]).mean()
    for stage, planted in DEAL_TRUTHS["close_lag_mean_days_by_stage"].items():
        assert lag[stage] == pytest.approx(planted, abs=1.5), stage


def test_planted_log_odds_rank_the_outcomes(big: tuple[pd.DataFrame, dict]) -> None:
    from sklearn.metrics import roc_auc_score

    closed = _closed(big[0])
    auc = roc_auc_score(closed["outcome"] == "won", deal_log_odds(closed))
    assert 0.75 < auc < 0.92
