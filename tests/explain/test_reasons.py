"""Tests of the plain-language reasons in revlearn.explain.reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.explain.reasons import display_values, phrase_reasons

LOG3, LOG2 = float(np.log(3.0)), float(np.log(2.0))
COLUMNS = ["pricing_minutes", "source", "email_clicks", "country"]
VALUES = np.array([["6", "event", "2", "DE"], ["0", "web", "9", "FR"]], dtype=object)


# --- phrase_reasons -------------------------------------------------------------------------


def test_reasons_take_the_largest_contributions_in_order() -> None:
    contrib = np.array([[LOG3, 0.2, 0.5, 0.0], [0.1, -0.3, 0.9, -1.2]])
    reasons = phrase_reasons(contrib, COLUMNS, VALUES, k=2)
    assert reasons[0] == "pricing minutes 6: raises odds ×3.0; email clicks 2: raises odds ×1.6"
    # by |contribution|, so the negative -1.2 comes first
    assert [r.split(":")[0] for r in reasons[1].split("; ")] == ["country FR", "email clicks 9"]
    everything = phrase_reasons(contrib, COLUMNS, VALUES, k=10)[1]  # k capped at 4 columns
    assert [r.split(":")[0] for r in everything.split("; ")] == [
        "country FR",
        "email clicks 9",
        "source web",
        "pricing minutes 0",
    ]


def test_raising_reason_shows_the_odds_multiplier() -> None:
    contrib = np.array([[LOG3, 0.0, 0.0, 0.0]])
    assert phrase_reasons(contrib, COLUMNS, VALUES[:1]).tolist() == [
        "pricing minutes 6: raises odds ×3.0"
    ]


def test_lowering_reason_shows_the_factor_the_odds_shrink_by() -> None:
    contrib = np.array([[-LOG2, 0.0, 0.0, 0.0]])
    assert phrase_reasons(contrib, COLUMNS, VALUES[:1]).tolist() == [
        "pricing minutes 6: lowers odds ÷2.0"
    ]


def test_lowering_reason_names_the_direction() -> None:
    # holds before and after the multiplier fix above
    contrib = np.array([[-LOG2, 0.0, 0.0, 0.0]])
    (reason,) = phrase_reasons(contrib, COLUMNS, VALUES[:1]).tolist()
    assert reason.startswith("pricing minutes 6: lowers odds ÷") and "raises" not in reason


def test_effects_below_odds_1_05_are_left_out() -> None:
    small = float(np.log(1.04))
    contrib = np.array([[LOG2, small, -small, 0.0], [small, -small, 0.0, 0.01]])
    reasons = phrase_reasons(contrib, COLUMNS, VALUES, k=3)
    assert reasons.tolist() == ["pricing minutes 6: raises odds ×2.0", ""]
    above = float(np.log(1.06))
    kept = phrase_reasons(np.array([[above, 0.0, 0.0, 0.0]]), COLUMNS, VALUES[:1])
    assert kept.tolist() == ["pricing minutes 6: raises odds ×1.1"]  # control just above


def test_no_rows_give_no_reasons() -> None:
    out = phrase_reasons(np.empty((0, 4)), COLUMNS, np.empty((0, 4), dtype=object))
    assert out.shape == (0,) and out.dtype == object


# --- display_values -------------------------------------------------------------------------


def test_display_values_format_each_kind() -> None:
    frame = pd.DataFrame(
        {
            "webinar": [1.0, 0.0, np.nan],
            "minutes": [6.0, 12.0, np.nan],
            "ratio": [0.24, 1.0, 2.46],
            "source": ["event", None, "web"],
            "visits": [3, 0, 7],
        }
    )
    out = display_values(
        frame, ["source", "webinar", "minutes", "ratio", "visits"], booleans={"webinar"}
    )
    assert out.shape == (3, 5)
    assert out.tolist() == [
        ["event", "yes", "6", "0.2", "3"],
        ["missing", "no", "12", "1.0", "0"],
        ["web", "missing", "missing", "2.5", "7"],
    ]


def test_flags_not_named_as_booleans_show_as_numbers() -> None:
    frame = pd.DataFrame({"webinar": [1.0, 0.0]})
    assert display_values(frame, ["webinar"]).tolist() == [["1"], ["0"]]
    assert display_values(frame, ["webinar"], booleans=["webinar"]).tolist() == [["yes"], ["no"]]


def test_zero_reasons_requested_gives_empty_strings() -> None:
    contrib = np.array([[LOG2, 0.0, 0.0, 0.0]])
    assert phrase_reasons(contrib, COLUMNS, VALUES[:1], k=0).tolist() == [""]


def test_huge_factors_are_capped_in_words() -> None:
    contrib = np.array([[np.log(5000.0), 0.0, 0.0, 0.0]])
    assert phrase_reasons(contrib, COLUMNS, VALUES[:1]).tolist() == [
        "pricing minutes 6: raises odds ×100+"
    ]
