"""Tests of the cleaning transformers in revlearn.data.clean."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from revlearn.data.clean import (
    CategoryEncoder,
    CategoryNormalizer,
    DateParts,
    Imputer,
    OutlierClipper,
    RatioFeatures,
)
from revlearn.data.synth import Company, make_company
from revlearn.errors import (
    InputError,
    NotFittedError,
    ParameterError,
    RevlearnWarning,
    SchemaError,
)

ALIASES = {
    "DE": "Germany",
    "FR": "France",
    "UK": "United Kingdom",
    "US": "United States",
    "ES": "Spain",
    "NL": "Netherlands",
    "IT": "Italy",
    "SE": "Sweden",
}


@pytest.fixture(scope="module")
def dirty() -> Company:
    return make_company(n_leads=3000, n_customers=20, random_state=2, dirty=True)


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": [10.0, np.nan, 30.0, 1000.0, 20.0],
            "visits": [1, 2, 3, 4, 5],
            "city": ["Berlin", "berlin ", "Paris", None, "BERLIN"],
            "when": pd.to_datetime(["2025-01-01", "2025-01-10", None, "2025-02-01", "2025-03-01"]),
            "opens": [0.0, 4.0, 2.0, np.nan, 5.0],
        }
    )


ALL_TRANSFORMERS = [
    Imputer(),
    Imputer(strategy="model", add_indicator=True),
    OutlierClipper(flag=True),
    CategoryNormalizer(aliases={"PAR": "Paris"}),
    CategoryEncoder(max_categories=3),
    DateParts(),
    RatioFeatures(pairs=[("visits", "opens")]),
]


# --- the shared contract --------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=lambda t: type(t).__name__)
def test_contract_names_no_mutation_clone_and_save(transformer: object) -> None:
    frame = _mixed()
    before = frame.copy()
    fitted = clone(transformer).fit(frame)
    out = fitted.transform(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert isinstance(out, pd.DataFrame) and out.index.equals(frame.index)
    assert out.columns.tolist() == fitted.get_feature_names_out().tolist()
    assert clone(transformer).get_params() == transformer.get_params()  # type: ignore[attr-defined]
    blob = sio.dumps(fitted)
    loaded = sio.loads(blob, trusted=sio.get_untrusted_types(data=blob))
    pd.testing.assert_frame_equal(loaded.transform(frame), out)


@pytest.mark.parametrize("transformer", ALL_TRANSFORMERS, ids=lambda t: type(t).__name__)
def test_transform_before_fit_says_how_to_fix(transformer: object) -> None:
    name = type(transformer).__name__
    with pytest.raises(NotFittedError, match=rf"This {name} is not fitted.*\.fit\(frame\)"):
        clone(transformer).transform(_mixed())


def test_transform_names_missing_columns_and_refuses_arrays() -> None:
    fitted = Imputer().fit(_mixed())
    with pytest.raises(SchemaError, match=r"'?amount'? not found.*Found: visits"):
        fitted.transform(_mixed().drop(columns="amount"))
    with pytest.raises(InputError, match=r"Expected a pandas DataFrame, got ndarray"):
        Imputer().fit(np.zeros((3, 2)))


def test_transformers_chain_in_a_pipeline(dirty: Company) -> None:
    pipe = make_pipeline(
        CategoryNormalizer(aliases=ALIASES, columns=["country"]),
        CategoryEncoder(columns=["country"]),
        DateParts(),
        Imputer(columns=["page_views"]),
    )
    out = pipe.fit_transform(dirty.leads)
    assert [c for c in out.columns if c.startswith("country_")] == sorted(
        f"country_{c}" for c in ALIASES.values()
    )
    assert out["page_views"].notna().all() and "created_at_days_ago" in out


# --- Imputer ---------------------------------------------------------------------------------


def test_imputer_uses_the_value_learned_at_fit() -> None:
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0, np.nan, 100.0]})
    fitted = Imputer(add_indicator=True).fit(train)
    later = pd.DataFrame({"x": [np.nan, 50.0, 60.0]})
    out = fitted.transform(later)
    assert out["x"].tolist() == [2.5, 50.0, 60.0]  # median of the training data, not 55
    assert out["x_missing"].tolist() == [1, 0, 0]
    assert Imputer(strategy="mean").fit(train).transform(later)["x"][0] == 26.5


def test_model_imputer_beats_median_on_related_columns() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    frame = pd.DataFrame({"x": x, "y": 3.0 * x + rng.normal(scale=0.1, size=400)})
    hidden = frame.copy()
    hidden.loc[:49, "y"] = np.nan
    model = Imputer(strategy="model").fit(hidden).transform(hidden)["y"][:50]
    median = Imputer().fit(hidden).transform(hidden)["y"][:50]
    truth = frame["y"][:50]
    assert (model - truth).abs().mean() < 0.2
    assert (median - truth).abs().mean() > 1.0  # the control is clearly worse


def test_imputer_errors_and_warnings() -> None:
    with pytest.raises(ParameterError, match=r"strategy='mode' is not supported.*median"):
        Imputer(strategy="mode").fit(_mixed())  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match=r"'?city'? are not numeric.*Convert them"):
        Imputer(columns=["city"]).fit(_mixed())
    text = pd.DataFrame({"revenue": ["1,250,000", "3"]}, dtype=object)
    fitted = Imputer(columns=["revenue"])
    with pytest.raises(SchemaError, match=r"are not numeric"):
        fitted.fit(text)
    blank = pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, np.nan]})
    with pytest.warns(RevlearnWarning, match=r"'?x'? are entirely blank; filled with 0"):
        out = Imputer().fit_transform(blank)
    assert out["x"].tolist() == [0.0, 0.0] and out["y"].tolist() == [1.0, 1.0]


# --- OutlierClipper ---------------------------------------------------------------------------


def test_clipper_applies_fences_learned_at_fit() -> None:
    train = pd.DataFrame({"deal": [float(v) for v in range(1, 11)] + [500.0]})
    fitted = OutlierClipper(flag=True).fit(train)
    q1, q3 = 3.5, 8.5
    assert fitted.lower_["deal"] == q1 - 1.5 * (q3 - q1)
    assert fitted.upper_["deal"] == q3 + 1.5 * (q3 - q1)
    out = fitted.transform(pd.DataFrame({"deal": [-1000.0, 5.0, 1000.0, np.nan]}))
    assert out["deal"].tolist()[:3] == [-4.0, 5.0, 16.0] and np.isnan(out["deal"][3])
    assert out["deal_outlier"].tolist() == [1, 0, 1, 0]
    inside = pd.DataFrame({"deal": [1.0, 7.0, 10.0]})
    assert fitted.transform(inside)["deal"].tolist() == [1.0, 7.0, 10.0]  # control


def test_clipper_std_method_and_bad_parameters() -> None:
    train = pd.DataFrame({"x": [0.0, 2.0, 4.0]})
    fitted = OutlierClipper(method="std", factor=1.0).fit(train)
    assert fitted.upper_["x"] == pytest.approx(2.0 + np.std([0, 2, 4]))
    with pytest.raises(ParameterError, match=r"method='zscore' is not supported.*'iqr'"):
        OutlierClipper(method="zscore").fit(train)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"factor=-1 is not a positive number"):
        OutlierClipper(factor=-1).fit(train)


@settings(max_examples=40, deadline=None)
@given(
    hpd.data_frames(
        [hpd.column("x", dtype=float, elements=st.floats(-1e6, 1e6))],
        index=hpd.range_indexes(min_size=1, max_size=40),
    )
)
def test_clipped_values_stay_within_fences(frame: pd.DataFrame) -> None:
    fitted = OutlierClipper().fit(frame)
    out = fitted.transform(frame)["x"]
    assert (out >= fitted.lower_["x"]).all() and (out <= fitted.upper_["x"]).all()


# --- CategoryNormalizer -------------------------------------------------------------------


def test_normalizer_maps_variants_to_the_most_frequent_spelling() -> None:
    train = pd.DataFrame(
        {"country": ["Germany", "Germany", "germany ", "GERMANY", "DE", "France", None, 7]},
        dtype=object,
    )
    fitted = CategoryNormalizer(aliases={"de": "Germany"}).fit(train)
    out = fitted.transform(train)["country"].tolist()
    assert out[:5] == ["Germany"] * 5 and out[5] == "France"
    assert out[6] is None and out[7] == 7
    unseen = fitted.transform(pd.DataFrame({"country": ["  New   Zealand ", "FRANCE"]}))
    assert unseen["country"].tolist() == ["New Zealand", "France"]


def test_normalizer_without_aliases_keeps_codes_apart(dirty: Company) -> None:
    fitted = CategoryNormalizer(columns=["country"]).fit(dirty.leads)
    values = set(fitted.transform(dirty.leads)["country"].dropna())
    assert "DE" in values and "germany " not in values and "GERMANY" not in values
    with_aliases = CategoryNormalizer(aliases=ALIASES, columns=["country"]).fit(dirty.leads)
    assert set(with_aliases.transform(dirty.leads)["country"].dropna()) == set(ALIASES.values())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "A", " a ", "b  c", "B C", "x", None]), min_size=1, max_size=30)
)
def test_normalizing_twice_changes_nothing(values: list[str | None]) -> None:
    frame = pd.DataFrame({"v": values}, dtype=object)
    fitted = CategoryNormalizer().fit(frame)
    once = fitted.transform(frame)
    pd.testing.assert_frame_equal(fitted.transform(once), once)
    keys = once["v"].dropna().map(str.casefold)
    assert keys.nunique() == once["v"].dropna().nunique()  # one spelling per key


# --- CategoryEncoder -------------------------------------------------------------------------


def test_encoder_scores_unseen_categories_without_error() -> None:
    train = pd.DataFrame({"source": ["web", "web", "event", "referral"], "n": [1, 2, 3, 4]})
    fitted = CategoryEncoder().fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fitted.transform(pd.DataFrame({"source": ["tiktok", "web"], "n": [5, 6]}))
    assert out.columns.tolist() == ["n", "source_event", "source_referral", "source_web"]
    assert out.iloc[0, 1:].tolist() == [0, 0, 0] and out.iloc[1, 1:].tolist() == [0, 0, 1]


def test_encoder_groups_rare_and_unseen_categories_in_other() -> None:
    train = pd.DataFrame({"plan": ["basic"] * 5 + ["pro"] * 4 + ["gold", "silver"]})
    fitted = CategoryEncoder(min_frequency=2).fit(train)
    assert fitted.encoded_names_ == ["plan_basic", "plan_pro", "plan_other"]
    out = fitted.transform(pd.DataFrame({"plan": ["gold", "platinum", "pro"]}))
    assert out["plan_other"].tolist() == [1, 1, 0] and out["plan_pro"].tolist() == [0, 0, 1]
    with pytest.raises(ParameterError, match=r"OneHotEncoder rejected.*max_categories >= 2"):
        CategoryEncoder(max_categories=0).fit(train)


# --- DateParts -------------------------------------------------------------------------------


def test_date_parts_fix_the_reference_at_fit() -> None:
    train = pd.DataFrame({"d": pd.to_datetime(["2025-01-01", "2025-03-01"])})
    fitted = DateParts().fit(train)
    assert fitted.reference_ == "2025-03-01T00:00:00"
    later = pd.DataFrame({"d": pd.to_datetime(["2025-02-27", "2025-06-01", None])})
    out = fitted.transform(later)
    assert out["d_days_ago"].tolist()[:2] == [2.0, -92.0] and np.isnan(out["d_days_ago"][2])
    assert out["d_dayofweek"][0] == 3.0 and out["d_month"][1] == 6.0  # Thursday, June
    given_ref = DateParts(reference="2025-12-31", columns=["d"]).fit(train).transform(train)
    assert given_ref["d_days_ago"].tolist() == [364.0, 305.0]


def test_date_parts_parse_named_text_and_handle_time_zones() -> None:
    frame = pd.DataFrame(
        {
            "d": ["2025-01-01", "2025-01-03"],
            "z": pd.to_datetime(["2025-01-01 23:00", "2025-01-02 23:00"]).tz_localize(
                "Europe/Berlin"
            ),
        }
    )
    out = DateParts(columns=["d", "z"]).fit_transform(frame)
    assert out["d_days_ago"].tolist() == [2.0, 0.0]
    # reference = latest date of any column (d: 3 Jan 00:00); z is compared in UTC (22:00)
    assert out["z_days_ago"].tolist() == [pytest.approx(1 + 2 / 24), pytest.approx(2 / 24)]


def test_date_parts_errors() -> None:
    with pytest.raises(SchemaError, match=r"'d' holds values that are not dates"):
        DateParts(columns=["d"]).fit(pd.DataFrame({"d": ["soon", "later"]}))
    frame = pd.DataFrame({"d": pd.to_datetime(["2025-01-01"])})
    with pytest.raises(ParameterError, match=r"reference='yesterday' is not a date"):
        DateParts(reference="yesterday").fit(frame)
    with pytest.raises(SchemaError, match=r"No dates to learn a reference.*reference="):
        DateParts().fit(pd.DataFrame({"d": pd.to_datetime([None, None])}))


# --- RatioFeatures ---------------------------------------------------------------------------


def test_ratios_are_safe_for_zero_and_blank_denominators() -> None:
    frame = pd.DataFrame({"clicks": [1.0, 2.0, 3.0, np.nan], "opens": [2.0, 0.0, np.nan, 4.0]})
    out = RatioFeatures(pairs=[("clicks", "opens")]).fit_transform(frame)
    assert out["clicks_per_opens"].tolist() == [0.5, 0.0, 0.0, 0.0]
    filled = RatioFeatures(pairs=[("clicks", "opens")], fill_value=-1.0).fit_transform(frame)
    assert filled["clicks_per_opens"].tolist() == [0.5, -1.0, -1.0, -1.0]


def test_ratio_errors() -> None:
    frame = pd.DataFrame({"a": [1.0], "b": [2.0], "t": ["x"]})
    with pytest.raises(ParameterError, match=r"not a list of \(numerator, denominator\)"):
        RatioFeatures(pairs=["ab"]).fit(frame)  # type: ignore[list-item]
    with pytest.raises(SchemaError, match=r"'?c'? not found"):
        RatioFeatures(pairs=[("a", "c")]).fit(frame)
    with pytest.raises(SchemaError, match=r"'?t'? are not numeric"):
        RatioFeatures(pairs=[("a", "t")]).fit(frame)
