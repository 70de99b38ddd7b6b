"""Tests of the demo company generator: determinism, shapes, planted truths, dirt."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from revlearn.data.synth import Company, lead_log_odds, make_company
from revlearn.data.synth.leads import COUNTRIES, dirty_leads, make_leads
from revlearn.errors import InputError, ParameterError, SchemaError

LEAD_COLUMNS = [
    "lead_id",
    "created_at",
    "contact_name",
    "email",
    "source",
    "company_size",
    "industry",
    "country",
    "annual_revenue",
    "page_views",
    "pricing_minutes",
    "email_opens",
    "email_clicks",
    "webinar",
    "demo_request",
    "days_since_first_touch",
    "noise_score",
    "noise_category",
    "noise_flag",
    "call_duration_after",
    "converted",
]
CUSTOMER_COLUMNS = [
    "customer_id",
    "signup_date",
    "tenure_months",
    "plan",
    "contract",
    "monthly_charge",
    "price_rise",
    "usage_trend",
    "support_tickets",
    "nps",
    "payment_method",
    "seats",
    "region",
    "gender",
    "noise_score",
    "noise_category",
    "churned",
]


@pytest.fixture(scope="module")
def big() -> Company:
    """A large clean company for recovering planted effects."""
    return make_company(n_leads=40_000, n_customers=40_000, random_state=7, dirty=False)


@pytest.fixture(scope="module")
def dirty() -> Company:
    return make_company(random_state=1, dirty=True)


@pytest.fixture(scope="module")
def lead_fit(big: Company) -> tuple[pd.Series, float]:
    """Coefficients and intercept of an unpenalised logistic fit on the clean leads."""
    return _fit_logit(_lead_design(big.leads), big.leads["converted"])


def _lead_design(leads: pd.DataFrame, *, shuffle_pricing: bool = False) -> pd.DataFrame:
    """One-hot design of the planted drivers plus the noise columns (reference = dropped)."""
    design = pd.DataFrame(
        {
            "pricing_minutes": leads["pricing_minutes"].to_numpy(),
            "demo_request": (leads["demo_request"] == "yes").astype(float),
            "webinar": (leads["webinar"] == "yes").astype(float),
            "email_clicks": leads["email_clicks"].astype(float),
            "noise_score": (leads["noise_score"] - 50.0) / 10.0,
            "noise_flag": leads["noise_flag"].astype(float),
        }
    )
    if shuffle_pricing:
        design["pricing_minutes"] = np.random.default_rng(0).permutation(
            design["pricing_minutes"].to_numpy()
        )
    levels = {
        "source": "web",
        "company_size": "11-50",
        "industry": "tech",
        "noise_category": "amber",
    }
    for col, reference in levels.items():
        dummies = pd.get_dummies(leads[col], prefix=col, dtype=float)
        design = design.join(dummies.drop(columns=f"{col}_{reference}"))
    return design


def _fit_logit(design: pd.DataFrame, target: pd.Series) -> tuple[pd.Series, float]:
    model = LogisticRegression(C=1e6, max_iter=2000).fit(design, target == "yes")
    return pd.Series(model.coef_[0], index=design.columns), float(model.intercept_[0])


# --- determinism, shapes, parameters -------------------------------------------------


def test_same_seed_same_frames_and_other_seed_differs() -> None:
    first = make_company(n_leads=400, n_customers=300, random_state=3)
    again = make_company(n_leads=400, n_customers=300, random_state=3)
    other = make_company(n_leads=400, n_customers=300, random_state=4)
    pd.testing.assert_frame_equal(first.leads, again.leads)
    pd.testing.assert_frame_equal(first.customers, again.customers)
    np.testing.assert_equal(first.truths, again.truths)  # dicts holding arrays
    assert not first.leads.equals(other.leads)
    assert not first.customers.equals(other.customers)


def test_customer_table_does_not_depend_on_number_of_leads() -> None:
    small = make_company(n_leads=100, n_customers=200, random_state=5)
    large = make_company(n_leads=900, n_customers=200, random_state=5)
    pd.testing.assert_frame_equal(small.customers, large.customers)


def test_lead_columns_types_and_ranges() -> None:
    leads = make_company(n_leads=3000, n_customers=50, dirty=False).leads
    assert leads.columns.tolist() == LEAD_COLUMNS
    assert leads["lead_id"].is_unique and leads["lead_id"].str.fullmatch(r"L\d{6}").all()
    assert leads["created_at"].dtype == "datetime64[ns]"
    assert leads["created_at"].max() <= pd.Timestamp("2025-06-30")
    assert leads["created_at"].min() >= pd.Timestamp("2025-06-30") - pd.Timedelta(days=549)
    assert set(leads["source"]) == {"web", "referral", "paid_search", "social", "event", "partner"}
    assert set(leads["company_size"]) == {"1-10", "11-50", "51-200", "201-1000", "1000+"}
    assert set(leads["country"]) == set(COUNTRIES)
    assert (leads["email_clicks"] <= leads["email_opens"]).all()
    assert (leads["pricing_minutes"] >= 0).all()
    assert 0.3 < (leads["pricing_minutes"] == 0).mean() < 0.8
    assert leads["annual_revenue"].dtype == np.float64
    assert set(leads["converted"]) == {"yes", "no"}
    assert 0.09 < (leads["converted"] == "yes").mean() < 0.15
    assert not leads.isna().any().any()


def test_customer_columns_types_and_ranges(big: Company) -> None:
    customers = big.customers
    assert customers.columns.tolist() == CUSTOMER_COLUMNS
    assert customers["customer_id"].is_unique
    assert set(customers["contract"]) == {"month-to-month", "one-year", "two-year"}
    assert customers["nps"].dropna().between(0, 10).all()
    assert 0.1 < customers["nps"].isna().mean() < 0.3
    assert (customers["tenure_months"] >= 0).all() and (customers["seats"] >= 1).all()
    assert 0.20 < (customers["churned"] == "yes").mean() < 0.25


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_leads": 5}, r"n_leads=5 is not a whole number of at least 10.*n_leads=5000"),
        ({"n_customers": 2.5}, r"n_customers=2.5 is not a whole number"),
        ({"n_shoppers": 0}, r"n_shoppers=0 is not a whole number"),
        ({"n_leads": True}, r"n_leads=True"),
        ({"random_state": -1}, r"random_state=-1 is not a non-negative integer"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        make_company(**kwargs)  # type: ignore[arg-type]


def test_truths_are_copies_not_shared_state() -> None:
    company = make_company(n_leads=50, n_customers=50)
    company.truths["leads"]["source"]["web"] = 99.0
    assert make_company(n_leads=50, n_customers=50).truths["leads"]["source"]["web"] == 0.0


# --- planted truths: leads ---------------------------------------------------------------


def test_documented_five_fold_ratio_holds_for_the_typical_small_tech_lead() -> None:
    truths = make_company(n_leads=20, n_customers=20).truths["leads"]
    typical = pd.DataFrame([{**truths["reference_lead"], "pricing_minutes": m} for m in (1.0, 5.0)])
    prob = 1.0 / (1.0 + np.exp(-lead_log_odds(typical)))
    assert prob[1] / prob[0] == pytest.approx(5.0, abs=0.01)
    assert truths["probability_ratio_5_vs_1"] == pytest.approx(5.0, abs=0.01)
    assert truths["odds_multiplier_per_minute"] == pytest.approx(np.exp(0.45))


def test_logistic_regression_recovers_pricing_effect_and_five_fold_ratio(
    lead_fit: tuple[pd.Series, float],
) -> None:
    coef, intercept = lead_fit
    assert coef["pricing_minutes"] == pytest.approx(0.45, abs=0.05)
    assert coef["demo_request"] == pytest.approx(1.3, abs=0.15)
    assert coef["source_referral"] == pytest.approx(0.8, abs=0.2)
    eta_1 = intercept + coef["pricing_minutes"] * 1.0
    eta_5 = intercept + coef["pricing_minutes"] * 5.0
    ratio = (1.0 + np.exp(-eta_1)) / (1.0 + np.exp(-eta_5))
    assert 4.3 < ratio < 5.7


def test_noise_columns_have_no_effect_while_shuffled_pricing_loses_its_effect(
    big: Company, lead_fit: tuple[pd.Series, float]
) -> None:
    coef, _ = lead_fit
    noise = coef[[c for c in coef.index if c.startswith("noise_")]]
    assert len(noise) == 5
    assert noise.abs().max() < 0.15
    shuffled, _ = _fit_logit(_lead_design(big.leads, shuffle_pricing=True), big.leads["converted"])
    assert abs(shuffled["pricing_minutes"]) < 0.05  # negative control: the test can fail


def test_signal_is_learnable_but_not_trivial(big: Company) -> None:
    leads = big.leads
    design = _lead_design(leads)
    half = len(leads) // 2
    target = leads["converted"] == "yes"
    model = LogisticRegression(C=1.0, max_iter=2000).fit(design[:half], target[:half])
    auc = roc_auc_score(target[half:], model.predict_proba(design[half:])[:, 1])
    assert 0.80 < auc < 0.88
    assert 0.80 < roc_auc_score(target, lead_log_odds(leads)) < 0.88


def test_leakage_column_nearly_separates_the_target(big: Company) -> None:
    target = big.leads["converted"] == "yes"
    assert roc_auc_score(target, big.leads["call_duration_after"]) > 0.95
    assert 0.45 < roc_auc_score(target, big.leads["noise_score"]) < 0.55


def test_lead_log_odds_refuses_dirty_or_incomplete_frames(dirty: Company) -> None:
    with pytest.raises(SchemaError, match=r"leads hold missing or unknown.*dirty=False"):
        lead_log_odds(dirty.leads)
    with pytest.raises(SchemaError, match=r"'?pricing_minutes'? not found"):
        lead_log_odds(dirty.leads.drop(columns="pricing_minutes"))


# --- planted truths: customers -------------------------------------------------------------


def _rate(frame: pd.DataFrame, by: str | pd.Series) -> pd.Series:
    return (frame["churned"] == "yes").groupby(frame[by] if isinstance(by, str) else by).mean()


def test_churn_drivers_show_their_direction(big: Company) -> None:
    customers = big.customers
    contract = _rate(customers, "contract")
    assert contract["month-to-month"] > 2 * contract["two-year"]
    assert contract["month-to-month"] > contract["one-year"] > contract["two-year"]
    price = _rate(customers, "price_rise")
    assert price["yes"] > price["no"] + 0.08
    tickets = _rate(customers, customers["support_tickets"].clip(upper=3))
    assert tickets.is_monotonic_increasing and tickets[3] > tickets[0] + 0.1
    noise = _rate(customers, "noise_category")
    assert noise.max() - noise.min() < 0.03  # negative control


def test_churn_coefficients_recovered_where_labels_are_unbiased(big: Company) -> None:
    men = big.customers[big.customers["gender"] == "male"]
    design = pd.DataFrame(
        {
            "price_rise": (men["price_rise"] == "yes").astype(float),
            "support_tickets": men["support_tickets"].astype(float),
            "usage_trend": men["usage_trend"],
            "tenure_months": men["tenure_months"],
            "noise_score": men["noise_score"],
        }
    ).join(
        pd.get_dummies(men[["contract", "plan", "payment_method"]], dtype=float).drop(
            columns=["contract_month-to-month", "plan_basic", "payment_method_card"]
        )
    )
    coef, _ = _fit_logit(design, men["churned"])
    assert coef["price_rise"] == pytest.approx(np.log(2.5), abs=0.15)
    assert coef["support_tickets"] == pytest.approx(0.3, abs=0.06)
    assert coef["contract_two-year"] == pytest.approx(-2.4, abs=0.3)
    assert abs(coef["noise_score"]) < 0.06


def test_planted_label_bias_inflates_recorded_churn_of_one_group(big: Company) -> None:
    customers, truths = big.customers, big.truths["customers"]
    flipped = customers[customers["customer_id"].isin(truths["flipped_ids"])]
    assert (flipped["gender"] == "female").all() and (flipped["churned"] == "yes").all()
    gender = _rate(customers, "gender")
    assert gender["female"] - gender["male"] > 0.05
    unflipped = customers[~customers["customer_id"].isin(truths["flipped_ids"])]
    stayed = (unflipped["churned"] == "no").groupby(unflipped["gender"]).sum()
    assert len(flipped) / (stayed["female"] + len(flipped)) == pytest.approx(0.12, abs=0.02)


# --- dirt ----------------------------------------------------------------------------------


def test_dirty_leads_hold_the_documented_mess(dirty: Company) -> None:
    leads = dirty.leads
    countries = set(leads["country"].dropna())
    assert {"germany ", "GERMANY", "DE"} <= countries
    for col in ("industry", "company_size", "page_views", "annual_revenue"):
        assert 0 < leads[col].isna().sum() < 0.1 * len(leads), col
    revenue = leads["annual_revenue"].dropna()
    assert revenue.map(type).eq(str).all() and revenue.str.contains(",").mean() > 0.9


def test_dirty_leads_hold_planted_duplicate_contacts(dirty: Company) -> None:
    leads = dirty.leads.set_index("lead_id")
    pairs = dirty.truths["leads"]["duplicate_pairs"]
    assert len(pairs) == 2
    for original, copy in pairs:
        a, b = leads.loc[original], leads.loc[copy]
        assert a["email"] != b["email"] and a["email"].casefold() == b["email"].casefold()
        assert a["source"] == b["source"] and a["pricing_minutes"] == b["pricing_minutes"]
    names = {leads.loc[a, "contact_name"] == leads.loc[b, "contact_name"] for a, b in pairs}
    assert names == {True, False}  # one name kept, one misspelt


def test_clean_leads_hold_none_of_the_mess() -> None:
    company = make_company(random_state=1, dirty=False)
    leads = company.leads
    assert company.truths["leads"]["duplicate_pairs"] == []
    assert set(leads["country"]) == set(COUNTRIES)
    assert leads["email"].str.casefold().is_unique
    assert not leads.isna().any().any()
    assert leads["annual_revenue"].dtype == np.float64


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_leads=st.integers(10, 400), seed=st.integers(0, 2**32 - 1), is_dirty=st.booleans())
def test_any_seed_gives_consistent_leads(n_leads: int, seed: int, is_dirty: bool) -> None:
    # the lead generator and the dirt pass that make_company runs (the other tables aside)
    rng = np.random.default_rng(seed)
    leads, pairs = make_leads(rng, n_leads), []
    if is_dirty:
        leads, pairs = dirty_leads(rng, leads)
    assert len(leads) == n_leads and leads["lead_id"].is_unique
    assert (leads["email_clicks"] <= leads["email_opens"]).all()
    assert set(leads["converted"]) <= {"yes", "no"}
    assert len(pairs) == (2 if is_dirty else 0)


# --- writing -------------------------------------------------------------------------------


def test_write_creates_the_csv_files(tmp_path: Path) -> None:
    company = make_company(n_leads=30, n_customers=20, n_shoppers=20)
    paths = company.write(tmp_path / "demo")
    assert set(paths) == {
        "leads", "customers", "orders", "sales", "deals", "interactions", "catalogue",
        "accounts", "action_customers", "actions", "action_catalogue", "visits", "reviews",
        "tickets", "posts", "product_names", "post_entities", "feedback", "calls",
        "call_outcomes",
    }  # fmt: skip
    assert len(pd.read_csv(paths["interactions"])) == len(company.interactions)
    assert len(pd.read_csv(paths["orders"])) == len(company.orders)
    sales = pd.read_csv(paths["sales"], parse_dates=["date"])
    assert sales.shape == company.sales.shape
    assert sales["units"].tolist() == company.sales["units"].tolist()
    back = pd.read_csv(paths["leads"])
    assert back.shape == company.leads.shape
    assert back["lead_id"].tolist() == company.leads["lead_id"].tolist()
    assert len(pd.read_csv(paths["customers"])) == 20


def test_write_refuses_a_file_path(tmp_path: Path) -> None:
    target = tmp_path / "taken.csv"
    target.write_text("x")
    with pytest.raises(InputError, match=r"is a file, not a folder.*Pass a folder path"):
        make_company(n_leads=10, n_customers=10).write(target)
