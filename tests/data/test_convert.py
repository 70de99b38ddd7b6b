"""Value converters behind the schema: number styles, dates, missing tokens."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data._convert import date_conversion, number_style, parse_numbers


def _arrow(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="string[pyarrow]")


def test_us_and_european_styles_are_told_apart():
    assert number_style(_arrow(["1,234.5", "12,000", "7"])) == "us"
    assert number_style(_arrow(["1.234,5", "12.000,25", "7"])) == "eu"


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1,250,000", "us", 1_250_000.0),
        ("1.234,5", "eu", 1234.5),
        ("€ 30", "us", 30.0),
        ("(12.5)", "us", -12.5),
        ("45%", "us", 0.45),
        ("1'234", "us", 1234.0),
    ],
)
def test_numbers_written_by_people_are_read(text, style, expected):
    assert parse_numbers(_arrow([text]), style).iloc[0] == pytest.approx(expected)


def test_non_numbers_become_missing_not_zero():
    parsed = parse_numbers(_arrow(["12", "twelve", None]), "us")
    assert parsed.iloc[0] == 12.0
    assert np.isnan(parsed.iloc[1]) and np.isnan(parsed.iloc[2])


def test_day_first_dates_are_decided_by_the_data():
    conversion = date_conversion(_arrow(["25/12/2024", "03/01/2025", "14/02/2025"]))
    assert conversion is not None and conversion["formats"][-1] == "%d/%m/%Y"
    assert date_conversion(_arrow(["12/25/2024", "01/03/2025"]))["formats"][-1] == "%m/%d/%Y"


def test_text_that_is_not_a_date_is_not_a_date():
    assert date_conversion(_arrow(["Germany", "France", "Spain"])) is None
