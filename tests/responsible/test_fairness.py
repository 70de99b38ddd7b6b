"""Fairness checks: hand-computed group rates, the planted label bias, and pinned errors."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import (
    InputError,
    MissingDependencyError,
    ParameterError,
    RevlearnWarning,
    SchemaError,
)
from revlearn.responsible import FairnessReport, fairness_report
from revlearn.usecases._propensity import PropensityModel

# Per block of ten rows, with threshold 0.5:
# group a: 4 positives, flags 3 of them and 1 of 6 negatives -> selection 0.4, TPR 0.75,
#          FPR 1/6, precision 0.75, base rate 0.4, mean score 0.37
# group b: 2 positives, flags 1 of them and no negative -> selection 0.1, TPR 0.5, FPR 0,
#          precision 1, base rate 0.2, mean score 0.28
Y_A = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
P_A = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1]
Y_B = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
P_B = [0.9, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]


def _hand(blocks: int = 4, y_b: list[int] = Y_B, p_b: list[float] = P_B):
    y = np.array(Y_A * blocks + y_b * blocks)
    p = np.array(P_A * blocks + p_b * blocks)
    groups = pd.DataFrame({"segment": ["a"] * (10 * blocks) + ["b"] * (10 * blocks)})
    return y, p, groups


def _row(report: FairnessReport, group: str) -> pd.Series:
    table = report.by_group
    return table[table["group"] == group].iloc[0]


def test_group_rates_match_hand_computation():
    y, p, groups = _hand()
    report = fairness_report(y, p, groups, threshold=0.5)
    a, b = _row(report, "a"), _row(report, "b")
    assert list(report.by_group.columns) == [
        "column", "group", "n", "base_rate", "selection_rate", "tpr", "fpr", "precision",
        "mean_score", "small",
    ]  # fmt: skip
    got_a = [a["n"], a["base_rate"], a["selection_rate"], a["tpr"], a["fpr"], a["precision"]]
    got_b = [b["n"], b["base_rate"], b["selection_rate"], b["tpr"], b["fpr"], b["precision"]]
    np.testing.assert_allclose(got_a, [40, 0.4, 0.4, 0.75, 1 / 6, 0.75])
    np.testing.assert_allclose(got_b, [40, 0.2, 0.1, 0.5, 0.0, 1.0])
    np.testing.assert_allclose([a["mean_score"], b["mean_score"]], [0.37, 0.28])
    assert not a["small"] and not b["small"]


def test_differences_most_flagged_and_label_warning():
    y, p, groups = _hand()
    summary = fairness_report(y, p, groups, threshold=0.5, outcome="churn").summary.iloc[0]
    assert summary["demographic_parity_difference"] == pytest.approx(0.3)
    assert summary["equalized_odds_difference"] == pytest.approx(0.25)  # TPR gap > FPR gap
    assert (summary["most_flagged"], summary["least_flagged"]) == ("a", "b")
    assert summary["level"] == "material"
    assert summary["verdict"].startswith("segment: 'a' is flagged 40% of the time vs 10% for 'b'")
    assert "actual churn rate is also higher (40% vs 20%)" in summary["verdict"]
    assert "recorded outcomes themselves are biased" in summary["verdict"]


def test_same_base_rate_blames_the_model_not_the_labels():
    # group b now has four positives (base rate 0.4 as in a) but only one is flagged
    y_b = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    p_b = [0.9, 0.3, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    y, p, groups = _hand(y_b=y_b, p_b=p_b)
    verdict = fairness_report(y, p, groups, threshold=0.5).verdicts[0]
    assert "not materially higher (40% vs 40%)" in verdict
    assert "model itself treats the groups differently" in verdict
    assert "recorded outcomes" not in verdict


def test_threshold_changes_decisions():
    y, p, groups = _hand()
    report = fairness_report(y, p, groups, threshold=0.95)  # nobody flagged
    assert report.by_group["selection_rate"].tolist() == [0.0, 0.0]
    assert report.by_group["precision"].isna().all()  # undefined, not 0
    assert report.summary["level"].tolist() == ["none"]
    assert report.verdicts == [
        "segment: no material difference (DP 0.00, EO 0.00 — both below 0.05)."
    ]


def test_missing_values_form_a_group_and_small_groups_are_not_judged():
    y, p, groups = _hand()
    segment = groups["segment"].astype(object)
    segment.iloc[:5] = None  # five rows of group a become "(missing)": all flagged positives
    extra_y, extra_p = np.ones(5, dtype=int), np.full(5, 0.99)
    frame = pd.DataFrame({"segment": [*segment, *["c"] * 5]})
    report = fairness_report(np.r_[y, extra_y], np.r_[p, extra_p], frame, threshold=0.5)
    assert set(report.by_group["group"]) == {"(missing)", "a", "b", "c"}
    small = report.by_group.set_index("group")["small"]
    assert small.to_dict() == {"(missing)": True, "a": False, "b": False, "c": True}
    # c is flagged 100 % but too small to count: the difference is a vs b only
    summary = report.summary.iloc[0]
    assert summary["most_flagged"] != "c"
    assert _row(report, "c")["selection_rate"] == 1.0
    assert math.isnan(_row(report, "c")["fpr"])  # no negatives: FPR unknown, not 0


def test_only_small_groups_cannot_be_judged():
    y, p, groups = _hand(blocks=2)  # 20 rows per group
    report = fairness_report(y, p, groups, threshold=0.5)
    assert report.summary["level"].tolist() == ["too_small"]
    assert math.isnan(report.summary["demographic_parity_difference"].iloc[0])
    assert "too few rows to judge" in report.verdicts[0]


def test_to_dict_is_json_ready_and_series_accepted():
    y, p, groups = _hand()
    report = fairness_report(y, p, groups["segment"], threshold=0.95)
    data = report.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["by_group"][0]["precision"] is None
    assert data["threshold"] == 0.95 and data["verdicts"] == report.verdicts
    assert report.to_frame().equals(report.by_group)


def test_many_groups_warn():
    rng = np.random.default_rng(0)
    groups = pd.DataFrame({"zip": rng.integers(0, 25, 1000)})
    with pytest.warns(RevlearnWarning, match=r"'zip' has 25 groups; bin it"):
        fairness_report(rng.integers(0, 2, 1000), rng.random(1000), groups, threshold=0.5)


@pytest.fixture(scope="module")
def scored_customers():
    company = make_company(n_leads=10, n_customers=5000, random_state=0)
    customers = company.customers
    train, test = customers.iloc[:2500], customers.iloc[2500:]
    model = PropensityModel(target_col="churned", candidates=["logistic"], time_budget=5)
    model.fit(train)
    y = (test["churned"] == model.positive_).astype(int).to_numpy()
    return company, test.reset_index(drop=True), y, model.predict_proba(test), model.threshold_


def test_planted_label_bias_flags_women_more(scored_customers):
    company, test, y, proba, threshold = scored_customers
    bias = company.truths["customers"]["label_bias"]
    assert (bias["column"], bias["group"]) == ("gender", "female")
    report = fairness_report(y, proba, test, columns=["gender"], threshold=threshold)
    summary = report.summary.iloc[0]
    assert summary["demographic_parity_difference"] > 0.05
    assert summary["most_flagged"] == "female" and summary["level"] == "material"
    assert report.verdicts[0].startswith("gender: 'female' is flagged")
    assert "recorded outcomes themselves are biased" in report.verdicts[0]
    rates = report.by_group.set_index("group")["base_rate"]
    assert rates["female"] - rates["male"] > 0.05  # the planted flips inflate women's churn


def test_random_sensitive_column_shows_no_difference(scored_customers):
    _, test, y, proba, threshold = scored_customers
    rng = np.random.default_rng(1)
    groups = pd.DataFrame({"coin": rng.choice(["a", "b"], len(test))})
    summary = fairness_report(y, proba, groups, threshold=threshold).summary.iloc[0]
    assert summary["demographic_parity_difference"] < 0.05
    assert summary["equalized_odds_difference"] < 0.05
    assert summary["level"] == "none"
    assert summary["verdict"].startswith("coin: no material difference")


def test_missing_sensitive_column_names_it_and_what_was_found():
    y, p, groups = _hand()
    with pytest.raises(SchemaError, match=r"Column 'age' not found.*Found: segment.*--sensitive"):
        fairness_report(y, p, groups, columns=["age"], threshold=0.5)


def test_single_group_is_nothing_to_compare():
    y, p, _ = _hand()
    groups = pd.DataFrame({"segment": ["a"] * len(y)})
    with pytest.raises(InputError, match=r"'segment' has only one group \('a'\).*nothing to"):
        fairness_report(y, p, groups, threshold=0.5)


def test_length_mismatch():
    y, p, groups = _hand()
    with pytest.raises(InputError, match=r"Lengths differ: y_true has 80 rows, proba 79"):
        fairness_report(y, p[:-1], groups, threshold=0.5)


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        (np.zeros(80, dtype=int), r"found 0\."),
        (np.array(["yes", "no"] * 40), r"found 'no', 'yes'\."),
    ],
)
def test_outcomes_must_be_two_valued_0_1(labels, shown):
    _, p, groups = _hand()
    with pytest.raises(InputError, match=rf"y_true must hold both outcomes coded 0/1; {shown}"):
        fairness_report(labels, p, groups, threshold=0.5)


def test_bad_threshold_and_scores():
    y, p, groups = _hand()
    with pytest.raises(ParameterError, match=r"threshold must be a probability in \[0, 1\]"):
        fairness_report(y, p, groups, threshold=1.5)
    with pytest.raises(InputError, match=r"proba must be finite probabilities"):
        fairness_report(y, p * 3, groups, threshold=0.5)


def test_missing_fairlearn_names_the_extra(monkeypatch):
    y, p, groups = _hand()
    monkeypatch.setitem(sys.modules, "fairlearn.metrics", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'revlearn\[explain\]'"):
        fairness_report(y, p, groups, threshold=0.5)


def test_equal_flag_rates_with_unequal_errors_is_an_equalised_odds_gap():
    # both groups: 4 positives in 10, 4 flagged; a flags exactly its positives, b half of
    # them and two negatives -> DP 0, TPR 1 vs 0.5, FPR 0 vs 1/3 -> EO 0.5
    p_b = [0.9, 0.9, 0.1, 0.1, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1]
    p_a = [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
    y = np.array(Y_A * 8)
    p = np.array(p_a * 4 + p_b * 4)
    groups = pd.DataFrame({"segment": ["a"] * 40 + ["b"] * 40})
    summary = fairness_report(y, p, groups, threshold=0.5).summary.iloc[0]
    assert summary["demographic_parity_difference"] == pytest.approx(0.0)
    assert summary["equalized_odds_difference"] == pytest.approx(0.5)
    assert summary["level"] == "material"
    assert summary["verdict"] == (
        "segment: flag rates are similar ('a' 40% vs 'b' 40%, demographic-parity difference "
        "0.00) but error rates differ (equalised-odds difference 0.50 — at or above 0.10). "
        "Among actual negatives 0% of 'a' are flagged vs 33% of 'b'; among actual positives "
        "100% vs 50%."
    )


def test_text_scores_are_refused():
    y, _, groups = _hand()
    with pytest.raises(InputError, match=r"proba must be finite probabilities"):
        fairness_report(y, ["high"] * len(y), groups, threshold=0.5)
