"""Tests for revlearn.data.schema: column roles and type repair."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from revlearn.data.schema import (
    ColumnTyper,
    Role,
    Schema,
    check_columns,
    infer_schema,
    looks_like_id,
)
from revlearn.errors import NotFittedError, ParameterError, RevlearnWarning, SchemaError


@pytest.fixture
def crm() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    revenue = [f"${x:,.2f}" for x in rng.uniform(1_000, 2_000_000, n)]
    revenue[:38] = [""] * 38
    return pd.DataFrame(
        {
            "lead_id": [f"L{i:04d}" for i in range(n)],
            "customer_id": rng.integers(0, 50, n),
            "annual_revenue": revenue,
            "discount": [f"{x:.1f}%" for x in rng.uniform(0, 30, n)],
            "converted": rng.choice(["Yes", "no ", " YES", "No"], n),
            "newsletter": rng.integers(0, 2, n),
            "visits": rng.integers(0, 9, n),
            "signed": [
                f"{d:02d}/{m:02d}/2024"
                for d, m in zip(rng.integers(1, 29, n), rng.integers(1, 13, n), strict=True)
            ],
            "created": pd.date_range("2024-01-01", periods=n, freq="h").astype(str),
            "zip": rng.choice(["01234", "10115", "80331"], n),
            "country": rng.choice(["DE", "FR", "IT", ""], n),
            "notes": [
                f"Called about invoice {i}; the customer wants a discount on renewal"
                for i in range(n)
            ],
            "source": "web",
            "fax": [None] * n,
        }
    )


def test_roles_are_lower_case_strings() -> None:
    assert [r.value for r in Role] == [
        "id",
        "target",
        "datetime",
        "numeric",
        "categorical",
        "boolean",
        "text",
        "constant",
        "empty",
    ]


def test_infers_each_planted_role(crm: pd.DataFrame) -> None:
    schema = infer_schema(crm)
    assert schema.roles == {
        "lead_id": "id",
        "customer_id": "numeric",
        "annual_revenue": "numeric",
        "discount": "numeric",
        "converted": "boolean",
        "newsletter": "boolean",
        "visits": "numeric",
        "signed": "datetime",
        "created": "datetime",
        "zip": "categorical",
        "country": "categorical",
        "notes": "text",
        "source": "constant",
        "fax": "empty",
    }
    assert schema.columns(Role.BOOLEAN) == ["converted", "newsletter"]
    assert schema.columns("text") == ["notes"]
    assert schema.conversions["signed"]["formats"][-1] == "%d/%m/%Y"


def test_note_counts_numbers_stored_as_text(crm: pd.DataFrame) -> None:
    notes = infer_schema(crm).notes
    assert (
        "Column 'annual_revenue': 362 values stored as text converted to numbers "
        "(38 blanks became missing)."
    ) in notes


def test_apply_converts_every_kind(crm: pd.DataFrame) -> None:
    original = crm.copy()
    typed = infer_schema(crm).apply(crm, where="test")
    pd.testing.assert_frame_equal(crm, original)  # the input is not mutated
    assert typed["annual_revenue"].isna().sum() == 38
    expected = float(crm["annual_revenue"].iloc[50].replace("$", "").replace(",", ""))
    assert typed["annual_revenue"].iloc[50] == pytest.approx(expected)
    assert typed["discount"].iloc[0] == pytest.approx(float(crm["discount"].iloc[0][:-1]) / 100)
    assert set(typed["converted"]) == {0.0, 1.0}
    assert typed["converted"].tolist() == [
        1.0 if v.strip().lower() == "yes" else 0.0 for v in crm["converted"]
    ]
    assert typed["newsletter"].dtype == float
    assert pd.api.types.is_datetime64_any_dtype(typed["signed"])
    day, month = map(int, crm["signed"].iloc[0].split("/")[:2])
    assert (typed["signed"].iloc[0].day, typed["signed"].iloc[0].month) == (day, month)
    assert typed["zip"].tolist() == crm["zip"].tolist()
    assert typed["country"].isna().sum() == (crm["country"] == "").sum() > 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,5", "2.000,25", "17,5", ""], [1234.5, 2000.25, 17.5, np.nan]),
        (["1,234.5", "(2,000)", "€ 17", "n/a"], [1234.5, -2000.0, 17.0, np.nan]),
        (["1 234", "12 000", "300", "4 000 000"], [1234.0, 12000.0, 300.0, 4e6]),
    ],
)
def test_number_styles_are_decided_by_the_data(values: list[str], expected: list[float]) -> None:
    frame = pd.DataFrame({"amount": values})
    typed = infer_schema(frame).apply(frame, where="test")
    np.testing.assert_allclose(typed["amount"].to_numpy(), expected)


def test_codes_with_leading_zeros_stay_text() -> None:
    frame = pd.DataFrame({"code": ["0042", "1234", "0007", "5555"]})
    assert infer_schema(frame).roles["code"] == "categorical"
    control = pd.DataFrame({"code": ["42", "1234", "7", "5555"], "n": [1, 2, 3, 4]})
    assert infer_schema(control).roles["code"] == "numeric"


def test_month_first_dates_and_ambiguous_ones() -> None:
    frame = pd.DataFrame({"us": ["12/31/2024", "01/02/2024"], "amb": ["01/02/2024", "03/04/2024"]})
    schema = infer_schema(frame)
    typed = schema.apply(frame, where="test")
    assert typed["us"].tolist() == [pd.Timestamp("2024-12-31"), pd.Timestamp("2024-01-02")]
    assert typed["amb"].iloc[0] == pd.Timestamp("2024-01-02")
    assert any("'amb'" in n and "read as month/day" in n for n in schema.notes)


def test_iso_timestamps_with_offsets_become_naive_utc() -> None:
    frame = pd.DataFrame({"ts": ["2024-01-01T10:00:00+02:00", "2024-01-02T10:00:00Z"]})
    typed = infer_schema(frame).apply(frame, where="test")
    assert typed["ts"].tolist() == [
        pd.Timestamp("2024-01-01 08:00"),
        pd.Timestamp("2024-01-02 10:00"),
    ]


def test_numeric_with_more_than_zero_and_one_is_not_boolean() -> None:
    frame = pd.DataFrame({"flag": [0, 1, 1, 0], "count": [0, 1, 2, 0]})
    assert infer_schema(frame).roles == {"flag": "boolean", "count": "numeric"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("id", True),
        ("lead_id", True),
        ("customerId", True),
        ("AccountID", True),
        ("key", True),
        ("paid", False),
        ("valid", False),
        ("identity", False),
        ("idea", False),
    ],
)
def test_looks_like_id(name: str, expected: bool) -> None:
    assert looks_like_id(name) is expected


def test_id_needs_unique_values_unless_named() -> None:
    frame = pd.DataFrame({"customer_id": [1, 1, 2], "ref": ["a", "b", "c"], "x": [1.0, 2, 3]})
    assert infer_schema(frame).roles["customer_id"] == "numeric"
    schema = infer_schema(frame, id_col="ref", target="x")
    assert schema.roles == {"customer_id": "numeric", "ref": "id", "x": "target"}


def test_overrides_force_a_role_with_a_matching_conversion() -> None:
    frame = pd.DataFrame({"score": ["1", "2", "3"], "segment": [1, 2, 3]})
    schema = infer_schema(frame, overrides={"segment": Role.CATEGORICAL, "score": "numeric"})
    typed = schema.apply(frame, where="test")
    assert schema.roles == {"score": "numeric", "segment": "categorical"}
    assert typed["segment"].tolist() == ["1", "2", "3"]
    with pytest.raises(ParameterError, match=r"Unknown column role 'number'.*Use one of: id"):
        infer_schema(frame, overrides={"score": "number"})


def test_missing_target_message_names_found_columns_and_fix() -> None:
    frame = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(
        SchemaError,
        match=r"^Column 'churned' not found\. \[infer_schema\] "
        r"Found: a, b\. Pass names exactly",
    ):
        infer_schema(frame, target="churned")


def test_check_columns_lists_all_missing_and_the_hint() -> None:
    frame = pd.DataFrame(columns=["id", "created", "source"])
    with pytest.raises(
        SchemaError,
        match=r"^Columns 'signup_date', 'churned' not found\. "
        r"\[leads\.csv\] Found: id, created, source\. "
        r"Pass --target <col>\.$",
    ):
        check_columns(
            frame, ["id", "signup_date", "churned"], where="leads.csv", hint="Pass --target <col>."
        )
    check_columns(frame, ["id", "source"], where="leads.csv")  # present: no error


def test_apply_at_predict_time_warns_and_leaves_absent_columns_absent(crm: pd.DataFrame) -> None:
    schema = infer_schema(crm, target="converted")
    new = pd.DataFrame({"annual_revenue": ["$1,000", "abc", ""], "extra": [1, 2, 3]})
    with pytest.warns(
        RevlearnWarning,
        match=r"'annual_revenue': 1 of 3 \(e\.g\. 'abc'\).*"
        r"\[predict\]",
    ):
        typed = schema.apply(new, where="predict")
    assert list(typed.columns) == ["annual_revenue", "extra"]
    np.testing.assert_allclose(typed["annual_revenue"].to_numpy(), [1000.0, np.nan, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # negative control: clean values give no warning
        schema.apply(new.iloc[[0, 2]], where="predict")


def test_schema_is_plain_data_and_round_trips(crm: pd.DataFrame) -> None:
    schema = infer_schema(crm)
    plain = (str, int, float, bool, list, dict, type(None))
    assert all(isinstance(v, plain) for v in vars(schema).values())
    assert all(type(r) is str for r in schema.roles.values())
    again = Schema.from_dict(schema.to_dict())
    assert again.to_dict() == schema.to_dict()
    pd.testing.assert_frame_equal(again.apply(crm, where="t"), schema.apply(crm, where="t"))
    with pytest.raises(ParameterError, match="Unknown conversion 'magic'"):
        Schema({"a": "numeric"}, {"a": {"kind": "magic"}})


def test_column_typer_fits_transforms_and_persists(crm: pd.DataFrame) -> None:
    typer = ColumnTyper(target="converted")
    with pytest.raises(NotFittedError, match=r"not fitted.*Call fit\(frame\) first"):
        typer.transform(crm)
    assert clone(typer).get_params() == {"target": "converted", "id_col": None}
    typed = typer.fit_transform(crm)
    assert typer.schema_.roles["converted"] == "target"
    assert typed["annual_revenue"].dtype == float
    blob = sio.dumps(typer)
    loaded = sio.loads(blob, trusted=sio.get_untrusted_types(data=blob))
    pd.testing.assert_frame_equal(loaded.transform(crm), typed)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=2, max_size=30),
    st.sampled_from(["us", "eu"]),
)
def test_formatted_numbers_are_recovered(values: list[float], style: str) -> None:
    text = [f"${v:,.2f}" for v in values]
    if style == "eu":
        text = [t.replace(",", "_").replace(".", ",").replace("_", ".") for t in text]
    frame = pd.DataFrame({"amount": text})
    schema = infer_schema(frame)
    if len(set(text)) > 1:
        assert schema.roles["amount"] == "numeric"
        typed = schema.apply(frame, where="test")
        np.testing.assert_allclose(typed["amount"].to_numpy(), values, rtol=1e-12, atol=0.006)
