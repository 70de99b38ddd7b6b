"""Tests for revlearn.data.profile: planted problems, and clean negative controls."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from revlearn.data.profile import Finding, Profile, profile
from revlearn.errors import InputError, SchemaError


def _clean(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "lead_id": [f"L{i:05d}" for i in range(n)],
            "visits": rng.poisson(4, n),
            "revenue": rng.normal(100, 10, n),
            "country": rng.choice(["Germany", "France", "Italy"], n),
            "converted": rng.integers(0, 2, n),
        }
    )


def _kinds(result: Profile, column: str | None = None) -> set[str]:
    return {f.kind for f in result.findings if column is None or f.column == column}


def test_clean_frame_has_no_findings() -> None:
    result = profile(_clean(), target="converted")
    assert result.findings == ()
    assert (result.n_rows, result.n_columns) == (600, 5)


def test_column_table_describes_each_column() -> None:
    frame = _clean()
    frame.loc[:9, "revenue"] = np.nan
    table = profile(frame).to_frame().set_index("column")
    assert list(table.columns) == [
        "role",
        "count",
        "missing",
        "missing_pct",
        "mean",
        "median",
        "mode",
        "std",
        "min",
        "max",
        "distinct",
        "top_values",
    ]
    assert table.loc["revenue", "missing"] == 10
    assert table.loc["revenue", "missing_pct"] == pytest.approx(100 * 10 / 600, abs=0.01)
    assert table.loc["revenue", "mean"] == pytest.approx(frame["revenue"].mean())
    assert table.loc["visits", "max"] == frame["visits"].max()
    assert table.loc["country", "distinct"] == 3
    assert table.loc["country", "top_values"].count("%") == 3
    assert table.loc["lead_id", "role"] == "id"


def test_missing_and_all_missing() -> None:
    frame = _clean().assign(phone=np.nan)
    frame.loc[:59, "revenue"] = np.nan
    result = profile(frame)
    revenue = next(f for f in result.findings if f.column == "revenue")
    assert revenue == Finding(
        "missing_values",
        "revenue",
        "warning",
        "Column 'revenue' is missing in 60 of 600 rows (10.0%).",
    )
    assert "all_missing" in _kinds(result, "phone")


def test_outliers_use_far_out_iqr_fences() -> None:
    frame = _clean()
    frame.loc[:2, "revenue"] = [5_000.0, 9_000.0, -4_000.0]
    message = next(f.message for f in profile(frame).findings if f.kind == "outliers")
    assert message.startswith("Column 'revenue' has 3 values (0.5%) far outside")


def test_exact_and_near_duplicate_rows() -> None:
    frame = _clean(20)
    copy = frame.iloc[[0]]
    near = frame.iloc[[1]].assign(lead_id="L99999", country=" GERMANY ")
    near["country"] = " " + frame["country"].iloc[1].upper() + "  "
    result = profile(pd.concat([frame, copy, near], ignore_index=True))
    found = {f.kind: f.message for f in result.findings}
    assert found["duplicate_rows"].startswith("1 of 22 rows are exact copies")
    assert found["near_duplicate_rows"].startswith("1 rows repeat an earlier row")


def test_duplicate_ids_named_or_inferred() -> None:
    frame = _clean()
    frame.loc[5, "lead_id"] = frame.loc[4, "lead_id"]
    result = profile(frame)
    finding = next(f for f in result.findings if f.kind == "duplicate_ids")
    assert (finding.column, finding.severity) == ("lead_id", "error")
    assert "repeats 1 ids over 2 rows (e.g. 'L00004')" in finding.message
    orders = _clean().assign(customer_id=np.arange(600) % 50)  # a foreign key repeats
    assert "duplicate_ids" not in _kinds(profile(orders))


def test_constant_and_high_cardinality() -> None:
    frame = _clean().assign(source="web", email=[f"p{i}@x.com" for i in range(600)])
    result = profile(frame)
    assert "constant" in _kinds(result, "source")
    assert "high_cardinality" in _kinds(result, "email")
    assert "high_cardinality" not in _kinds(result, "country")


def test_inconsistent_spelling_and_country_codes() -> None:
    frame = _clean()
    frame.loc[:3, "country"] = ["germany ", "GERMANY", "DE", "France"]
    message = next(f.message for f in profile(frame).findings if f.kind == "inconsistent_spelling")
    assert "'DE' / 'GERMANY' / 'Germany' / 'germany '" in message


def test_leakage_suspect_found_and_shuffled_control_clean() -> None:
    frame = _clean()
    rng = np.random.default_rng(1)
    y = frame["converted"].to_numpy()
    frame["closed_amount"] = np.where(y == 1, rng.uniform(100, 900, len(y)), np.nan)
    frame["stage"] = np.where(y == 1, "Closed Won", "Closed Lost")
    frame["days_to_close"] = y * 30 + rng.normal(0, 3, len(y))
    result = profile(frame, target="converted")
    leaks = {f.column for f in result.findings if f.kind == "leakage_suspect"}
    assert leaks == {"closed_amount", "stage", "days_to_close"}
    leak = next(f for f in result.findings if f.kind == "leakage_suspect")
    assert "known at prediction time" in leak.message and leak.severity == "warning"
    shuffled = frame.assign(converted=rng.permutation(y))
    assert "leakage_suspect" not in _kinds(profile(shuffled, target="converted"))


def test_leakage_for_numeric_target() -> None:
    frame = _clean()
    frame["amount_paid"] = frame["revenue"] * 1.19 + 0.01
    result = profile(frame, target="revenue")
    assert {f.column for f in result.findings if f.kind == "leakage_suspect"} == {"amount_paid"}


def test_numbers_as_text_finding() -> None:
    frame = _clean().assign(budget=lambda d: [f"{v * 1000:,.0f}" for v in d["revenue"]])
    finding = next(f for f in profile(frame).findings if f.kind == "numbers_as_text")
    assert finding.message.startswith("Column 'budget': 600 values stored as text converted")


@pytest.mark.parametrize(
    ("positives", "severity"), [(10, "warning"), (90, "info"), (0, "error"), (300, None)]
)
def test_class_imbalance(positives: int, severity: str | None) -> None:
    frame = _clean().assign(converted=[1] * positives + [0] * (600 - positives))
    found = [
        f.severity
        for f in profile(frame, target="converted").findings
        if f.kind == "class_imbalance"
    ]
    assert found == ([severity] if severity else [])


def test_sampling_is_reported() -> None:
    result = profile(_clean(), max_rows=100)
    assert result.findings[0].kind == "sampled"
    assert "100 of 600 rows" in result.findings[0].message
    assert int(result.columns["count"].sum()) == 600 * 5  # counts use every row


def test_to_dict_is_json_ready_and_arrow_input_works() -> None:
    frame = _clean()
    frame.loc[0, "revenue"] = np.nan
    result = profile(pa.Table.from_pandas(frame), target="converted")
    document = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert document["n_rows"] == 600
    assert document["findings"][0]["kind"] == "missing_values"
    assert {c["column"]: c["mean"] for c in document["columns"]}["lead_id"] is None


def test_bad_input_errors() -> None:
    with pytest.raises(SchemaError, match=r"Column 'churned' not found.*Pass --target"):
        profile(_clean(), target="churned")
    with pytest.raises(InputError, match=r"got builtins\.dict"):
        profile({"a": [1]})
