"""Which columns a yes/no model may learn from."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.usecases._columns import LEAKAGE_AUC, duplicate_id_notes, left_out, single_auc


def test_contact_details_ids_dates_and_text_are_left_out():
    emails = pd.Series([f"p{i}@x.com" for i in range(500)])
    assert "contact details" in left_out("email", "categorical", emails)
    assert left_out("signup_date", "datetime", pd.Series(pd.date_range("2024", periods=3)))
    assert left_out("notes", "text", pd.Series(["long text"] * 3))
    plan = pd.Series(["basic", "pro"] * 250)
    assert left_out("plan", "categorical", plan) is None  # a trait, kept


def test_single_column_auc_flags_a_leak_and_not_noise():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    leak = pd.Series(y * 10.0 + rng.random(1000))
    noise = pd.Series(rng.random(1000))
    assert single_auc(leak, y) >= LEAKAGE_AUC
    assert single_auc(noise, y) < 0.6


def test_repeated_ids_get_a_note_only_when_they_repeat():
    frame = pd.DataFrame({"customer_id": ["a", "b", "b", "c"]})
    assert "repeat" in duplicate_id_notes(frame, "customer_id")[0]
    assert duplicate_id_notes(frame.drop_duplicates(), "customer_id") == []
