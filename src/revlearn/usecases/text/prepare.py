"""Check and normalise a text column before any text model sees it.

Real text exports are messy: missing and whitespace-only cells, numbers in a text column,
``bytes`` from a database driver, UTF-8 text that was decoded as cp1252 or latin-1 on the
way ("cafÃ©" for "café", "itâ€™s" for "it’s"), and now and then one enormous cell (a whole
e-mail thread pasted into a review). :func:`prepare_texts` turns a column into clean
``str`` values and a status per row, so that models score what can be scored and say what
they skipped:

* ``"empty"``: missing, empty or whitespace-only; not scored;
* ``"truncated"``: longer than ``max_chars``; the first ``max_chars`` characters are scored;
* ``"ok"``: everything else.

The mojibake repair is hand-written because ``ftfy`` (the library that does it well) is not
a dependency: a text holding the tell-tale sequences of UTF-8 read as cp1252/latin-1 is
encoded back with that code page and decoded as UTF-8, and the repair is kept only when it
decodes cleanly and leaves fewer tell-tale sequences. It fixes the common single round
trip, not every possible mix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["PreparedTexts", "prepare_texts", "repair_mojibake"]

#: Characters that appear when UTF-8 bytes are decoded as cp1252 or latin-1.
_MOJIBAKE = re.compile(
    "[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u20ac\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|Ã.|â€"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class PreparedTexts:
    """Texts ready for scoring, with what was done to them.

    Attributes
    ----------
    texts : list of str
        One clean text per input row ("" for empty rows).
    status : numpy.ndarray
        ``"ok"``, ``"empty"`` or ``"truncated"`` per row.
    notes : list of str
        Plain-language notes (counts of empty, repaired and truncated texts).
    n_repaired : int
        Rows whose encoding was repaired (bytes decoded or mojibake fixed).
    """

    texts: list[str]
    status: np.ndarray
    notes: list[str] = field(default_factory=list)
    n_repaired: int = 0


def repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8 text decoded as cp1252 or latin-1.

    Parameters
    ----------
    text : str
        A text that may hold sequences such as ``"Ã©"`` or ``"â€™"``.

    Returns
    -------
    str
        The repaired text, or ``text`` unchanged when it shows no mojibake or the repair
        does not decode cleanly.

    Examples
    --------
    >>> repair_mojibake("cafÃ© itâ€™s")
    'café it’s'
    """
    if text.isascii():
        return text
    found = len(_MOJIBAKE.findall(text))
    if not found:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(_MOJIBAKE.findall(fixed)) < found:
            return fixed

    # Mixed text (some characters outside cp1252): repair each run of Latin-1 range
    # characters on its own.
    def _run(match: re.Match[str]) -> str:
        chunk = match.group(0)
        for codec in ("cp1252", "latin-1"):
            try:
                return chunk.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        return chunk

    return re.sub(
        "[\u00c0-\u00ff\u20ac\u2018-\u203a][\u0080-\u00ff\u20ac\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]+",
        _run,
        text,
    )


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def _clean(value: object) -> tuple[str, bool]:
    """Return the text and whether its encoding was repaired."""
    repaired = False
    if isinstance(value, bytes | bytearray):
        text, repaired = _decode(bytes(value)), True
    elif isinstance(value, str):
        text = value
    elif value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "", False
    else:
        text = str(value)
    if text.isascii():
        fixed = text
    else:
        fixed = repair_mojibake(text)
        repaired = repaired or fixed != text
        fixed = unicodedata.normalize("NFC", fixed)
    if _CONTROL.search(fixed):
        fixed = _CONTROL.sub(" ", fixed)
    return fixed.strip(), repaired


def prepare_texts(values: Iterable[object], *, max_chars: int = 20_000) -> PreparedTexts:
    """Clean a column of texts and flag the rows that cannot be scored as they are.

    Parameters
    ----------
    values : iterable
        The text cells: ``str``, ``bytes`` (decoded as UTF-8, else cp1252), numbers
        (converted with ``str``) or missing values.
    max_chars : int, default=20000
        Texts longer than this are cut to their first ``max_chars`` characters for scoring
        and flagged ``"truncated"``.

    Returns
    -------
    PreparedTexts
        Clean texts, a status per row and notes.
    """
    texts: list[str] = []
    status: list[str] = []
    n_repaired = 0
    for value in values:
        text, repaired = _clean(value)
        n_repaired += repaired
        if not text:
            status.append("empty")
        elif len(text) > max_chars:
            text = text[:max_chars]
            status.append("truncated")
        else:
            status.append("ok")
        texts.append(text)
    flags = np.asarray(status, dtype=object)
    notes = []
    n = len(texts)
    n_empty = int((flags == "empty").sum())
    n_long = int((flags == "truncated").sum())
    if n_empty:
        notes.append(f"{n_empty:,} of {n:,} texts are empty or whitespace only: not scored.")
    if n_long:
        notes.append(
            f"{n_long:,} of {n:,} texts are longer than {max_chars:,} characters: only the "
            f"first {max_chars:,} were scored."
        )
    if n_repaired:
        notes.append(f"{n_repaired:,} of {n:,} texts had their encoding repaired.")
    return PreparedTexts(texts=texts, status=flags, notes=notes, n_repaired=n_repaired)
