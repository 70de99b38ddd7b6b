"""Tests of duplicate rows and duplicate contacts in revlearn.data.dedupe."""

from __future__ import annotations

import pandas as pd
import pytest

from revlearn.data.dedupe import drop_duplicate_rows, find_duplicate_contacts
from revlearn.data.synth import Company, make_company
from revlearn.errors import InputError, ParameterError, SchemaError


@pytest.fixture(scope="module")
def dirty() -> Company:
    return make_company(n_leads=3000, n_customers=20, random_state=2, dirty=True)


# --- drop_duplicate_rows ---------------------------------------------------------------------


def test_drop_duplicate_rows_counts_exact_copies() -> None:
    frame = pd.DataFrame({"id": [1, 1, 2, 3, 3, 3], "v": [0, 0, 1, 2, 2, 9]})
    kept, n = drop_duplicate_rows(frame)
    assert n == 2 and kept.index.tolist() == [0, 2, 3, 5]
    kept_id, n_id = drop_duplicate_rows(frame, subset=["id"])
    assert n_id == 3 and kept_id["id"].tolist() == [1, 2, 3]
    assert drop_duplicate_rows(frame.drop_duplicates())[1] == 0  # control
    assert len(frame) == 6
    with pytest.raises(SchemaError, match=r"'?order_id'? not found.*Found: id, v"):
        drop_duplicate_rows(frame, subset=["order_id"])


# --- find_duplicate_contacts -------------------------------------------------------------------


def test_planted_duplicate_contacts_are_found_and_nothing_else(dirty: Company) -> None:
    leads = dirty.leads
    found = find_duplicate_contacts(leads, name_col="contact_name", email_col="email")
    position = {lead: i for i, lead in enumerate(leads["lead_id"])}
    planted = {
        frozenset((position[a], position[b])) for a, b in dirty.truths["leads"]["duplicate_pairs"]
    }
    assert {frozenset(p) for p in zip(found["index_a"], found["index_b"], strict=True)} == planted
    assert (found["index_a"] < found["index_b"]).all()
    assert set(found["reason"]) == {"same e-mail", "same e-mail, name spelled differently"}


def test_clean_contacts_give_no_pairs() -> None:
    clean = make_company(n_leads=3000, n_customers=20, random_state=2, dirty=False).leads
    found = find_duplicate_contacts(clean, name_col="contact_name", email_col="email")
    assert found.empty and found.columns.tolist() == ["index_a", "index_b", "score", "reason"]


def test_fuzzy_names_at_one_domain_match_but_namesakes_elsewhere_do_not() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Anna Schmidt", "Schmidt, Anna", "Anna Schmidt", "Jonas Weber", "Jonas Weber"],
            "email": ["anna@acme.io", "a.schmidt@acme.io", "anna@other.com", "jw@acme.io", None],
        },
        index=[10, 11, 12, 13, 14],
    )
    found = find_duplicate_contacts(frame, name_col="name", email_col="email")
    assert found[["index_a", "index_b"]].values.tolist() == [[10, 11]]
    assert found["reason"].tolist() == ["similar name, same e-mail domain"]
    assert found["score"][0] == 100.0
    strict = find_duplicate_contacts(
        frame.assign(name=["Anna Schmidt", "Ana Schmit", *frame["name"][2:]]),
        name_col="name",
        email_col="email",
        threshold=99,
    )
    assert strict.empty


def test_find_duplicate_contacts_errors() -> None:
    frame = pd.DataFrame({"name": ["a"], "email": ["a@b"]})
    with pytest.raises(SchemaError, match=r"'?mail'? not found.*Found: name, email"):
        find_duplicate_contacts(frame, name_col="name", email_col="mail")
    with pytest.raises(ParameterError, match=r"threshold=150 is not a number from 0 to 100"):
        find_duplicate_contacts(frame, name_col="name", email_col="email", threshold=150)
    with pytest.raises(InputError, match=r"Expected a pandas DataFrame, got list"):
        find_duplicate_contacts([1], name_col="name", email_col="email")  # type: ignore[arg-type]
