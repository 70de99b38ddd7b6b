"""Find and drop repeated records: exact duplicate rows and contacts entered twice.

Exact duplicates are pandas' ``drop_duplicates`` plus a count. Contacts entered twice
(e-mail in another case, a misspelt name) are matched with ``rapidfuzz``, which scores
name similarity in C and compares a block of names in one call; blocking by e-mail domain
keeps the number of comparisons small on large CRM exports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from revlearn.data._frame import as_frame, check_present
from revlearn.errors import ParameterError

__all__ = ["drop_duplicate_rows", "find_duplicate_contacts"]

logger = logging.getLogger(__name__)


def drop_duplicate_rows(
    frame: pd.DataFrame, subset: Sequence[str] | None = None
) -> tuple[pd.DataFrame, int]:
    """Drop rows that repeat an earlier row exactly (keeping the first).

    Parameters
    ----------
    frame : pandas.DataFrame
        The data; not modified.
    subset : sequence of str, optional
        Compare only these columns (e.g. an order id); by default all columns.

    Returns
    -------
    frame : pandas.DataFrame
        The rows kept, with their original index.
    n_dropped : int
        How many rows were dropped.

    Raises
    ------
    InputError
        If ``frame`` is not a DataFrame.
    SchemaError
        If a column of ``subset`` is absent.
    """
    where = "drop_duplicate_rows"
    data = as_frame(frame, where)
    if subset is not None:
        check_present(data, list(subset), where)
    kept = data.drop_duplicates(subset=None if subset is None else list(subset))
    n_dropped = len(data) - len(kept)
    logger.info("Dropped %d duplicate row(s) of %d", n_dropped, len(data))
    return kept, n_dropped


def _name_key(names: pd.Series) -> pd.Series:
    """Lower-case, accent-free, letters and single spaces only."""
    plain = (
        names.astype("string")
        .str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
    )
    return (
        plain.str.casefold()
        .str.replace(r"[^a-z ]+", " ", regex=True)
        .str.split()
        .str.join(" ")
        .fillna("")
    )


def _pairs_by_email(email: pd.Series) -> pd.DataFrame:
    """Positions (a < b) of rows sharing a non-blank e-mail."""
    keyed = pd.DataFrame({"email": email, "pos": np.arange(len(email))}).dropna()
    keyed = keyed[keyed["email"] != ""]
    shared = keyed[keyed["email"].duplicated(keep=False)]
    pairs = shared.merge(shared, on="email", suffixes=("_a", "_b"))
    pairs = pairs[pairs["pos_a"] < pairs["pos_b"]]
    return pd.DataFrame({"a": pairs["pos_a"].to_numpy(), "b": pairs["pos_b"].to_numpy()})


def _pairs_by_name(names: pd.Series, domain: pd.Series, threshold: float) -> pd.DataFrame:
    """Positions (a < b) of similar names at the same e-mail domain and first letters."""
    first_letters = names.str.split().map(sorted).str.join(" ").str[:2]  # order-free
    block = (domain.fillna("") + "|" + first_letters).to_numpy(dtype=object)
    named = np.flatnonzero(names.to_numpy(dtype=object) != "")
    found: list[np.ndarray] = []
    for members in pd.Series(named).groupby(block[named]).indices.values():
        if len(members) < 2:
            continue
        positions = named[members]
        group = names.to_numpy()[positions].tolist()
        scores = process.cdist(
            group, group, scorer=fuzz.token_sort_ratio, score_cutoff=threshold, dtype=np.uint8
        )
        a, b = np.nonzero(np.triu(scores, k=1))
        found.append(np.column_stack([positions[a], positions[b]]))
    both = np.concatenate(found) if found else np.empty((0, 2), dtype=np.int64)
    return pd.DataFrame({"a": both[:, 0], "b": both[:, 1]})


def find_duplicate_contacts(
    frame: pd.DataFrame, *, name_col: str, email_col: str, threshold: float = 90
) -> pd.DataFrame:
    """Find contacts entered more than once, despite e-mail case or name spelling.

    Two rows are reported as the same person when their e-mails are equal ignoring case
    and surrounding spaces, or when their names are similar (rapidfuzz
    ``token_sort_ratio`` >= ``threshold`` on lower-case, accent-free names, so word order
    does not matter) and their e-mails share a domain. To stay fast on large frames, names
    are compared only within blocks of the same e-mail domain and the same first two
    letters of the name's alphabetically first word; a misspelling in those two letters is
    caught only through the e-mail.

    Parameters
    ----------
    frame : pandas.DataFrame
        Contacts; not modified.
    name_col : str
        Column holding the person's full name.
    email_col : str
        Column holding the e-mail address.
    threshold : float, default=90
        Lowest name similarity (0-100) that counts as the same name.

    Returns
    -------
    pandas.DataFrame
        One row per pair, columns ``index_a`` and ``index_b`` (index labels of ``frame``,
        ``a`` the earlier row), ``score`` (name similarity, 0-100) and ``reason``
        (``"same e-mail"``, ``"same e-mail, name spelled differently"`` or ``"similar
        name, same e-mail domain"``). Empty when there are no duplicates.

    Raises
    ------
    InputError
        If ``frame`` is not a DataFrame.
    SchemaError
        If ``name_col`` or ``email_col`` is absent.
    ParameterError
        If ``threshold`` is not between 0 and 100.

    Examples
    --------
    >>> contacts = pd.DataFrame({"name": ["Anna Schmidt", "Ana Schmidt"],
    ...                          "email": ["anna@acme.io", "Anna@ACME.io"]})
    >>> find_duplicate_contacts(contacts, name_col="name", email_col="email")
       index_a  index_b      score                                 reason
    0        0        1  95.652176  same e-mail, name spelled differently
    """
    where = "find_duplicate_contacts"
    data = as_frame(frame, where)
    check_present(data, [name_col, email_col], where)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 <= threshold <= 100
    ):
        raise ParameterError(
            f"threshold={threshold!r} is not a number from 0 to 100.",
            where=where,
            fix="Use e.g. threshold=90.",
        )
    email = data[email_col].astype("string").str.strip().str.casefold()
    names = _name_key(data[name_col])
    pairs = pd.concat(
        [
            _pairs_by_email(email).assign(reason="same e-mail"),
            _pairs_by_name(names, email.str.partition("@")[2], threshold).assign(
                reason="similar name, same e-mail domain"
            ),
        ]
    )
    pairs = pairs.drop_duplicates(["a", "b"]).sort_values(["a", "b"])
    key = names.to_numpy(dtype=object)
    score = (
        process.cpdist(
            key[pairs["a"].to_numpy(dtype=np.int64)].tolist(),
            key[pairs["b"].to_numpy(dtype=np.int64)].tolist(),
            scorer=fuzz.token_sort_ratio,
        )
        if len(pairs)
        else np.empty(0)
    )
    reason = np.where(
        (pairs["reason"] == "same e-mail") & (score < 100),
        "same e-mail, name spelled differently",
        pairs["reason"],
    )
    logger.info("Found %d possible duplicate contact pair(s) in %d rows", len(pairs), len(data))
    return pd.DataFrame(
        {
            "index_a": data.index[pairs["a"].to_numpy(dtype=np.int64)],
            "index_b": data.index[pairs["b"].to_numpy(dtype=np.int64)],
            "score": np.asarray(score, dtype=float),
            "reason": reason,
        }
    )
