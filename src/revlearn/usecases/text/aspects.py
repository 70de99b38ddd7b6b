"""Aspect sentiment ("battery great, screen awful") and the weekly trend with drop alerts.

There is no trained parser offline (spaCy ``blank`` has no tagger), so aspects come from
rules that work well on short product reviews:

* texts are split into sentences at ``. ! ? ;`` and line breaks, and sentences into
  segments at commas and contrast words (but, however, although, though, whereas, while,
  yet); each segment is scored with VADER's rules on its own;
* an aspect term (a given list, or terms learned by :func:`learn_aspect_terms`) found in a
  segment takes the valence of the sentiment words of that segment; with several aspects in
  one segment, each sentiment word goes to the nearest aspect (the one before it on a
  tie); a segment without an aspect adds to the last aspect named earlier in the sentence
  ("The battery is great, it lasts all day");
* a text's polarity for an aspect is VADER's normaliser applied to the summed valence.

Plurals match their singular ("screens" → "screen"), and two-word terms ("battery life")
match before one-word terms. :func:`sentiment_trend` aggregates polarity by group and week
and raises an alert when a week's mean falls below the pooled mean of the previous weeks by
more than ``k`` standard errors of the difference.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from revlearn.usecases.text.lexicon import _BOOSTERS, LexiconScorer

__all__ = ["aspect_mentions", "learn_aspect_terms", "sentiment_trend"]

_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")
_SEGMENTS = re.compile(r",|\b(?:but|however|although|though|whereas|while|yet)\b", re.IGNORECASE)
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "my",
        "its",
        "their",
        "our",
        "your",
        "his",
        "her",
        "no",
        "every",
        "each",
    ]
)
_COPULA = frozenset(["is", "was", "are", "were", "has", "had", "have", "feels", "looks", "seems"])


def _norm(token: str) -> str:
    word = token.strip(string.punctuation + "“”‘’").lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def _term_index(terms: Sequence[str]) -> dict[tuple[str, ...], str]:
    index: dict[tuple[str, ...], str] = {}
    for term in terms:
        key = tuple(_norm(w) for w in term.split())
        if key and all(key):
            index[key] = term
    return index


def _find_terms(norm: list[str], index: dict[tuple[str, ...], str]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(norm):
        pair = tuple(norm[i : i + 2])
        if len(pair) == 2 and pair in index:
            found.append((i, index[pair]))
            i += 2
            continue
        single = (norm[i],)
        if single in index:
            found.append((i, index[single]))
        i += 1
    return found


def _segment_valences(
    segment: str, index: dict[tuple[str, ...], str], scorer: LexiconScorer
) -> tuple[dict[str, float], dict[str, int], float]:
    """Valence per aspect in one segment, mentions per aspect, valence left unassigned."""
    tokens, valences, _ = scorer.token_valences(segment)
    found = _find_terms([_norm(t) for t in tokens], index)
    totals: dict[str, float] = {}
    mentions: dict[str, int] = {}
    for _, term in found:
        totals.setdefault(term, 0.0)
        mentions[term] = mentions.get(term, 0) + 1
    loose = 0.0
    for pos, value in enumerate(valences):
        if not value:
            continue
        if not found:
            loose += value
            continue
        best = min(found, key=lambda f: (abs(f[0] - pos), f[0] > pos))
        totals[best[1]] += value
    return totals, mentions, loose


def _text_aspects(
    text: str, index: dict[tuple[str, ...], str], scorer: LexiconScorer
) -> dict[str, tuple[float, int]]:
    result: dict[str, list[float]] = {}
    for sentence in _SENTENCES.split(text):
        last: str | None = None
        for segment in _SEGMENTS.split(sentence):
            if not segment or not segment.strip():
                continue
            totals, mentions, loose = _segment_valences(segment, index, scorer)
            for term, value in totals.items():
                entry = result.setdefault(term, [0.0, 0])
                entry[0] += value
                entry[1] += mentions[term]
                last = term
            if not totals and loose and last is not None:
                result[last][0] += loose
    return {
        term: (total / math.sqrt(total * total + 15.0), int(n))
        for term, (total, n) in result.items()
    }


def aspect_mentions(
    texts: Sequence[str], terms: Sequence[str], *, scorer: LexiconScorer | None = None
) -> pd.DataFrame:
    """Find the aspects each text mentions and the sentiment expressed about each.

    Parameters
    ----------
    texts : sequence of str
        Clean English texts.
    terms : sequence of str
        Aspect terms (one or two words, singular), e.g. ``["battery", "screen"]``.
    scorer : LexiconScorer, optional
        The lexicon scorer; VADER's lexicon when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per (text, aspect) mentioned: ``row`` (position in ``texts``), ``aspect``,
        ``polarity`` in [-1, 1] (0 when the aspect is named without sentiment) and
        ``mentions``.

    Examples
    --------
    >>> aspect_mentions(["Battery great, screen awful."], ["battery", "screen"])
       row   aspect  polarity  mentions
    0    0  battery    0.6249         1
    1    0   screen   -0.4588         1
    """
    scorer = scorer or LexiconScorer()
    index = _term_index(terms)
    rows: list[tuple[int, str, float, int]] = []
    for i, text in enumerate(texts):
        if not text:
            continue
        for term, (polarity, n) in _text_aspects(text, index, scorer).items():
            rows.append((i, term, round(polarity, 4), n))
    return pd.DataFrame(rows, columns=["row", "aspect", "polarity", "mentions"])


def learn_aspect_terms(
    texts: Iterable[str],
    *,
    n_terms: int = 10,
    exclude: Iterable[str] = (),
    min_share: float = 0.01,
) -> list[str]:
    """Learn frequent noun-like terms to use as aspects when none are given.

    A word is noun-like when it often follows a determiner or possessive ("the battery",
    "its screen") or comes before "is"/"was" ("battery was"); words of the sentiment
    lexicon, boosters, stop words and "-ly" adverbs are never aspects.

    Parameters
    ----------
    texts : iterable of str
        Clean English texts.
    n_terms : int, default=10
        How many terms to return at most.
    exclude : iterable of str
        Words never to return (the sentiment lexicon and stop words are always excluded).
    min_share : float, default=0.01
        A term must appear in at least this share of texts (and in at least 3).

    Returns
    -------
    list of str
        Terms by how many texts mention them, most first.
    """
    from revlearn.usecases.text.language import _english_words, _stop_words

    blocked = set(_english_words()) | set(_stop_words().get("en", ())) | set(_BOOSTERS)
    blocked |= {w.lower() for w in exclude}
    docs: Counter[str] = Counter()
    noun_like: Counter[str] = Counter()
    total: Counter[str] = Counter()
    n_docs = 0
    for text in texts:
        n_docs += 1
        words = [_norm(t) for t in text.split()]
        seen = set()
        for i, word in enumerate(words):
            if len(word) < 3 or not word.isalpha() or word in blocked or word.endswith("ly"):
                continue
            total[word] += 1
            seen.add(word)
            before = words[i - 1] if i else ""
            after = words[i + 1] if i + 1 < len(words) else ""
            if before in _DETERMINERS or after in _COPULA:
                noun_like[word] += 1
        docs.update(seen)
    floor = max(3, math.ceil(min_share * n_docs))
    ranked = [w for w, df in docs.most_common() if df >= floor and noun_like[w] >= 0.3 * total[w]]
    return ranked[:n_terms]


def sentiment_trend(
    frame: pd.DataFrame,
    *,
    timestamp_col: str,
    by: str | None = None,
    freq: str = "W",
    window: int = 8,
    k: float = 3.5,
    min_count: int = 5,
    min_drop: float = 0.15,
) -> pd.DataFrame:
    """Aggregate polarity per period (and group) and flag sudden drops.

    A period's mean is compared with the pooled mean of the ``window`` periods before it:
    ``z = (mean - baseline) / (sd_baseline * sqrt(1/n + 1/n_baseline))``; an alert is
    raised when ``z < -k``, the mean fell by at least ``min_drop`` and the period holds
    at least ``min_count`` texts. The first
    ``window`` periods of each group have no baseline and never alert.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per scored text with a ``polarity`` column and ``timestamp_col``.
    timestamp_col : str
        The date of each text.
    by : str, optional
        A group column (product, source); one series per group.
    freq : str, default="W"
        The period (a pandas period alias: "W" weeks, "D" days, "M" months).
    window : int, default=8
        Periods in the baseline.
    k : float, default=3.5
        Standard errors below the baseline that raise an alert.
    min_count : int, default=5
        Periods with fewer texts never alert.
    min_drop : float, default=0.15
        Smallest fall below the baseline (in polarity) worth an alert.

    Returns
    -------
    pandas.DataFrame
        One row per group and period: ``group`` (when ``by``), ``period`` (start date),
        ``n_texts``, ``mean_polarity``, ``baseline``, ``z`` and ``alert``.
    """
    data = frame.dropna(subset=["polarity"])
    when = pd.to_datetime(data[timestamp_col], errors="coerce")
    keep = when.notna()
    period = when[keep].dt.to_period(freq).dt.start_time
    work = pd.DataFrame(
        {
            "group": data.loc[keep, by].astype(str) if by else "all",
            "period": period,
            "p": data.loc[keep, "polarity"].astype(float),
        }
    )
    work["p2"] = work["p"] ** 2
    agg = (
        work.groupby(["group", "period"], sort=True)
        .agg(n_texts=("p", "size"), s=("p", "sum"), s2=("p2", "sum"))
        .reset_index()
    )
    parts = []
    for _, g in agg.groupby("group", sort=True):
        g = g.sort_values("period").copy()
        roll = g[["n_texts", "s", "s2"]].rolling(window, min_periods=window).sum().shift(1)
        mean = g["s"] / g["n_texts"]
        base_mean = roll["s"] / roll["n_texts"]
        base_var = (roll["s2"] / roll["n_texts"] - base_mean**2).clip(lower=0)
        # The baseline's spread is used for the period too: a week of 8 texts says little
        # about its own variance.
        se = np.sqrt(base_var * (1 / g["n_texts"] + 1 / roll["n_texts"]))
        z = (mean - base_mean) / se.where(se > 0)
        g["mean_polarity"] = mean
        g["baseline"] = base_mean
        g["z"] = z
        g["alert"] = (z < -k) & (g["n_texts"] >= min_count) & (base_mean - mean >= min_drop)
        parts.append(g)
    columns = ["group", "period", "n_texts", "mean_polarity", "baseline", "z", "alert"]
    out = pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    out["alert"] = out["alert"].astype(bool)
    return out if by else out.drop(columns="group")
