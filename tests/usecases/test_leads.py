"""LeadScorer on the demo company: planted truths recovered, with negative controls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth import make_company
from revlearn.errors import InputError, NotFittedError, RevlearnWarning, SchemaError
from revlearn.usecases.leads import LeadScorer


@pytest.fixture(scope="module")
def company():
    return make_company(n_leads=6000, n_customers=10, random_state=11)


@pytest.fixture(scope="module")
def scorer(company):
    with pytest.warns(RevlearnWarning, match="call_duration_after"):
        return LeadScorer(candidates=["logistic", "lightgbm"], time_budget=20).fit(company.leads)


def _reference_pair(company, minutes=(1.0, 5.0)) -> pd.DataFrame:
    leads = company.leads
    base = leads.iloc[[0, 0]].copy()
    for col, value in company.truths["leads"]["reference_lead"].items():
        base[col] = value
    for col in ("page_views", "email_opens", "days_since_first_touch"):
        base[col] = leads[col].median()
    base["pricing_minutes"] = list(minutes)
    return base


def test_pricing_minutes_multiply_conversion_about_five_times(company, scorer):
    p1, p5 = scorer.predict_proba(_reference_pair(company))
    assert 3.5 < p5 / p1 < 7.0


def test_shuffled_outcome_recovers_no_pricing_effect(company):
    shuffled = company.leads.copy()
    shuffled["converted"] = np.random.default_rng(0).permutation(shuffled["converted"])
    null = LeadScorer(candidates=["logistic"], time_budget=5).fit(shuffled)
    p1, p5 = null.predict_proba(_reference_pair(company))
    assert 0.6 < p5 / p1 < 1.6
    assert null.metrics_["roc_auc"] < 0.56


def test_drivers_on_top_and_noise_at_the_bottom(company, scorer):
    table = scorer.explain().to_frame()
    top = table["feature"].head(3).tolist()
    assert "pricing_minutes" in top
    assert "demo_request" in top
    noise = table[table["feature"].isin(company.truths["leads"]["noise"])]
    assert noise.index.min() > 3  # below pricing, source, demo request, company size
    assert noise["share"].sum() < 0.12
    pricing = table.set_index("feature").loc["pricing_minutes", "direction"]
    assert pricing == "higher raises odds"


def test_leakage_and_contact_columns_are_left_out(scorer):
    assert "call_duration_after" not in scorer.input_columns_
    assert "email" not in scorer.input_columns_ and "contact_name" not in scorer.input_columns_
    assert any("leakage suspect" in note for note in scorer.notes_)


def test_predict_contract(company, scorer):
    rows = company.leads.sample(500, random_state=1)
    out = scorer.predict(rows)
    assert list(out.columns) == ["lead_id", "score", "rank", "decile", "tier", "reasons"]
    assert out["lead_id"].tolist() == rows["lead_id"].tolist()
    assert out["score"].between(0, 1).all()
    assert set(out["tier"]) <= {"hot", "warm", "cold"}
    assert out["decile"].between(1, 10).all()
    assert sorted(out["rank"]) == list(range(1, 501))
    hot = out.loc[out["tier"] == "hot", "score"]
    cold = out.loc[out["tier"] == "cold", "score"]
    assert hot.min() > cold.max()


def test_reasons_name_the_planted_driver_with_direction(company, scorer):
    pair = _reference_pair(company, minutes=(0.0, 9.0))
    reasons = scorer.predict(pair)["reasons"].tolist()
    assert "pricing minutes 0: lowers odds" in reasons[0]
    assert "pricing minutes 9: raises odds" in reasons[1]


def test_reasons_group_one_hot_columns_by_original_column(company, scorer):
    reasons = scorer.predict(company.leads.head(300))["reasons"]
    assert not reasons.str.contains("source_|infrequent", regex=True).any()
    assert reasons.str.contains("source ", regex=False).any()


def test_without_id_column_rows_are_numbered(company, scorer):
    rows = company.leads.drop(columns="lead_id").head(4)
    out = scorer.predict(rows, reasons=False)
    assert out["row"].tolist() == [0, 1, 2, 3]
    assert "reasons" not in out


def test_unseen_category_is_scored(company, scorer):
    rows = company.leads.head(2).copy()
    rows["source"] = "carrier pigeon"
    assert scorer.predict(rows)["score"].between(0, 1).all()


def test_missing_training_columns_are_all_named(company, scorer):
    rows = company.leads.drop(columns=["pricing_minutes", "source"]).head(5)
    with pytest.raises(SchemaError, match=r"pricing_minutes.*source|source.*pricing_minutes"):
        scorer.predict(rows)


def test_evaluate_on_held_out_leads(scorer):
    fresh = make_company(n_leads=3000, n_customers=10, random_state=99).leads
    metrics = scorer.evaluate(fresh)
    assert 0.76 < metrics.roc_auc < 0.9
    assert metrics.n_rows == 3000


def test_calibrated_probabilities_match_the_observed_rate(scorer):
    fresh = make_company(n_leads=4000, n_customers=10, random_state=5).leads
    observed = (fresh["converted"] == "yes").mean()
    assert abs(scorer.predict_proba(fresh).mean() - observed) < 0.02


def test_learning_curve_reports_positives(scorer):
    curve = scorer.learning_curve()
    assert curve.n_rows == sorted(curve.n_rows)
    assert f"{curve.n_positive[-1]:,} positive outcomes" in curve.verdict


def test_fit_does_not_mutate_input(company):
    leads = company.leads.head(1500)
    before = leads.copy()
    with pytest.warns(RevlearnWarning):
        LeadScorer(candidates=["logistic"], time_budget=5).fit(leads)
    pd.testing.assert_frame_equal(leads, before)


def test_one_class_target_is_refused(company):
    leads = company.leads.head(300).assign(converted="yes")
    with pytest.raises(InputError, match="only one value"):
        LeadScorer().fit(leads)


def test_three_class_target_is_refused(company):
    leads = company.leads.head(300).copy()
    leads.loc[leads.index[:50], "converted"] = "maybe"
    with pytest.raises(InputError, match="has 3 values"):
        LeadScorer().fit(leads)


def test_missing_target_names_the_fix(company):
    with pytest.raises(SchemaError, match=r"converted.*--target"):
        LeadScorer().fit(company.leads.drop(columns="converted"))


def test_predict_before_fit_says_how_to_fix():
    with pytest.raises(NotFittedError, match="fit"):
        LeadScorer().predict(pd.DataFrame({"a": [1]}))


def test_explicit_positive_label(company):
    leads = company.leads.head(2000)
    with pytest.warns(RevlearnWarning):
        flipped = LeadScorer(positive="no", candidates=["logistic"], time_budget=5).fit(leads)
    assert flipped.positive_ == "no"
    assert flipped.base_rate_ > 0.5
