"""Call insights: objections, questions, next steps, talk ratio and sentiment of sales calls.

:class:`CallInsights` (``revlearn fit calls``) reads transcripts — one row per utterance
(call id, speaker, text, optional order) or one text per call with ``"Rep:"`` /
``"Customer:"`` prefixes at the start of each turn (audio-to-text is out of scope) — and
finds, with rules a person can read and change:

* **objections** in the customer's utterances, by type: price, timing, competitor,
  authority and need (phrase patterns such as "too expensive", "next quarter", "run it by
  my manager"). A sentence that dismisses the topic ("price is not a problem", "timing is
  not an issue") or negates the cue ("not too expensive") does not count;
* **questions** (a "?" or an opening question word) per speaker role;
* **next steps**: commitments ("I'll send", "let's schedule", "we will follow up") and the
  date they name ("by Friday", "next Tuesday", "March 12");
* **talk ratio**: each role's share of the words of the call;
* **the sentiment path**: VADER's lexicon polarity of each utterance in order
  (:class:`~revlearn.usecases.text.lexicon.LexiconScorer`).

Given a deals table (call id → won/lost), ``fit`` relates each objection type to the
outcome: the win rate of calls with the objection against calls without it and the base
rate, with a Newcombe (hybrid Wilson score) confidence interval for the difference,
Bonferroni-adjusted over the objection types, and a plain-language suggestion of which
objections to prepare for. Rules rather than a trained classifier because there are no
labelled objections to learn from; the patterns are module constants a team can extend
(``objection_patterns``).
"""

from __future__ import annotations

import re
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.stats import norm

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, ParameterError, SchemaError
from revlearn.usecases._base import UseCase
from revlearn.usecases.text.lexicon import LexiconScorer
from revlearn.usecases.text.prepare import prepare_texts

__all__ = ["OBJECTION_PATTERNS", "CallInsights", "wilson_interval"]

#: Objection type → regular expressions (case-insensitive) found in customer sentences.
OBJECTION_PATTERNS: dict[str, list[str]] = {
    "price": [
        r"\btoo (expensive|pricey|costly|much)\b",
        r"\b(price|pricing|cost|quote)s? (is|are|seems?|looks?) (too |very |a bit )?(high|steep)",
        r"\b(over|above|beyond|outside) (our|the|my) budget\b",
        r"\b(no|tight|limited|small) budget\b",
        r"\bbudget is (tight|limited|gone|spent)\b",
        r"\b(can't|cannot|can not|couldn't) afford\b",
        r"\bcheaper\b",
        r"\bexpensive\b",
    ],
    "timing": [
        r"\bnot (the|a) (right|good) time\b",
        r"\b(bad|wrong) timing\b",
        r"\btiming is (bad|off|tricky|not great)\b",
        r"\b(next|later this) (quarter|year|month)\b",
        r"\brevisit (this|it)\b",
        r"\btoo busy\b",
        r"\b(after|until) the (holidays|summer|budget cycle|new year)\b",
        r"\bnot (a|our) priority (right )?now\b",
    ],
    "competitor": [
        r"\balready (use|using|have|work with|signed with)\b",
        r"\b(another|other|different) (vendor|provider|supplier|tool|solution)\b",
        r"\b(evaluating|comparing|looking at) (other|another|a few)\b",
        r"\bcompetitor\b",
        r"\boffers? something similar\b",
    ],
    "authority": [
        r"\brun (it|this) (by|past)\b",
        r"\bnot (my|only my) (decision|call)\b",
        r"\b(has|have|need) to (sign off|approve)\b",
        r"\bsign(s)? off\b",
        r"\b(check|talk|speak) (with|to) (my|our) (boss|manager|team|cfo|ceo|director|"
        r"procurement|legal)\b",
        r"\b(get|need) (approval|sign-off)\b",
        r"\bdecision maker\b",
    ],
    "need": [
        r"\b(don't|do not|doesn't|does not) (really )?need\b",
        r"\bnot sure (we|i|it) (really )?need\b",
        r"\bno (real )?need\b",
        r"\b(happy|fine|ok|okay) with (what we have|our current|the current)\b",
        r"\bdoesn't (fit|solve)\b",
    ],
}
#: Cues that arrive with a negation inside them: a preceding negation does not cancel them.
_SELF_NEGATED = re.compile(r"^(no|not|don't|do not|doesn't|does not|can't|cannot|can not|couldn't)")
_DISMISS = re.compile(
    r"\b(not|isn't|is not|aren't|are not|no|never|won't be)\s+(really\s+)?(an?\s+|the\s+)?"
    r"(issue|problem|concern|blocker|worry|obstacle)\b|\b(is|are) fine\b|\bdoesn't matter\b|"
    r"\b(definitely|absolutely|do) need\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|never|isn't|aren't|wasn't|no|hardly)\s+(\w+\s+)?$", re.IGNORECASE)
_QUESTION_START = re.compile(
    r"^(what|how|why|when|where|who|which|can|could|would|will|do|does|did|is|are|should)\b",
    re.IGNORECASE,
)
_COMMIT = re.compile(
    r"\b(i'll|i will|we'll|we will|let's|let us|i can|i'm going to|we're going to)\s+"
    r"(send|schedule|set up|book|follow up|call|share|loop in|get back|circle back|"
    r"put together|arrange|email|e-mail)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\b((by|on|next|this|before)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|tomorrow|today|week|month|quarter|end of (the )?(day|week|month))\b|"
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(st|nd|rd|th)?\b|"
    r"\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_PREFIX = re.compile(r"^\s*([A-Za-z][\w .'-]{0,30}?)\s*:\s*", re.MULTILINE)
_REP_WORDS = ("rep", "agent", "sales", "seller", "ae", "sdr", "account executive", "host")
_WON = {"won", "win", "closed won", "1", "true", "yes", "closed-won"}
_LOST = {"lost", "loss", "closed lost", "0", "false", "no", "closed-lost"}


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion.

    Parameters
    ----------
    successes : int
        Number of successes.
    n : int
        Number of trials.
    confidence : float, default=0.95
        Two-sided confidence level.

    Returns
    -------
    tuple of float
        Lower and upper bound (``(0, 1)`` when ``n`` is 0).

    Examples
    --------
    >>> [round(v, 3) for v in wilson_interval(20, 100)]
    [0.133, 0.289]
    """
    if n <= 0:
        return 0.0, 1.0
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _newcombe(x1: int, n1: int, x2: int, n2: int, confidence: float) -> tuple[float, float, float]:
    """Difference of two proportions p1 - p2 and its Newcombe hybrid score interval."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    diff = p1 - p2
    lo = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(diff), float(lo), float(hi)


def _role(speaker: str, reps: set[str]) -> str:
    low = speaker.strip().lower()
    if low in reps or any(re.search(rf"\b{w}\b", low) for w in _REP_WORDS):
        return "rep"
    return "customer"


def _objections(sentence: str, compiled: dict[str, list[re.Pattern[str]]]) -> list[str]:
    """Objection types in one sentence, negated and dismissed cues left out."""
    if _DISMISS.search(sentence):
        return []
    found = []
    for kind, patterns in compiled.items():
        for pattern in patterns:
            match = pattern.search(sentence)
            if match is None:
                continue
            if not _SELF_NEGATED.match(match.group(0)) and _NEGATION.search(
                sentence[: match.start()]
            ):
                continue
            found.append(kind)
            break
    return found


class CallInsights(UseCase):
    """Find objections, questions and next steps in call transcripts and relate them to wins.

    Parameters
    ----------
    call_col : str, default="call_id"
        The call id column.
    speaker_col : str, optional
        The speaker column (default ``"speaker"``). Set it to ``None`` for one text per
        call with ``"Name:"`` prefixes at the start of each turn.
    text_col : str, default="text"
        The utterance (or whole call) text column.
    order_col : str, optional
        A column giving the order of utterances within a call (row order otherwise).
    rep_speakers : sequence of str, optional
        Speaker names that are the seller; otherwise names such as "Rep", "Agent",
        "Sales", "AE", "SDR" are the seller and everyone else the customer.
    outcome_col : str, default="outcome"
        The deals table's outcome column (won/lost, 1/0, true/false).
    confidence : float, default=0.95
        Confidence level of the win-rate intervals (Bonferroni-adjusted over the
        objection types).
    min_calls : int, default=10
        Objection types seen in fewer calls are reported but never suggested.
    objection_patterns : dict, optional
        Type → list of regular expressions replacing :data:`OBJECTION_PATTERNS`.
    """

    usecase = "calls"

    def __init__(
        self,
        *,
        call_col: str = "call_id",
        speaker_col: str | None = "speaker",
        text_col: str = "text",
        order_col: str | None = None,
        rep_speakers: list[str] | None = None,
        outcome_col: str = "outcome",
        confidence: float = 0.95,
        min_calls: int = 10,
        objection_patterns: dict[str, list[str]] | None = None,
    ) -> None:
        self.call_col = call_col
        self.speaker_col = speaker_col
        self.text_col = text_col
        self.order_col = order_col
        self.rep_speakers = rep_speakers
        self.outcome_col = outcome_col
        self.confidence = confidence
        self.min_calls = min_calls
        self.objection_patterns = objection_patterns

    # ------------------------------------------------------------------ reading
    def _utterances(self, data: Any, where: str) -> pd.DataFrame:
        frame = as_pandas(data, where=where)
        check_columns(frame, [self.call_col, self.text_col], where=where)
        if not len(frame):
            raise InputError(
                "The transcript table has no rows.",
                where=where,
                fix="Pass one row per utterance (or one text per call).",
            )
        texts = prepare_texts(frame[self.text_col].tolist()).texts
        calls = frame[self.call_col].to_numpy()
        if self.speaker_col and self.speaker_col in frame:
            order = (
                frame[self.order_col].to_numpy()
                if self.order_col and self.order_col in frame
                else np.arange(len(frame))
            )
            out = pd.DataFrame(
                {
                    "call": calls,
                    "order": order,
                    "speaker": frame[self.speaker_col].astype(str).to_numpy(),
                    "text": texts,
                }
            )
            out = out.sort_values(["call", "order"], kind="stable")
        else:
            out = self._split_prefixed(calls, texts, where)
        out = out[out["text"].str.strip() != ""].reset_index(drop=True)
        if not len(out):
            raise InputError(
                "Every utterance is empty.",
                where=f"{where}(text_col={self.text_col!r})",
                fix="Check that --text names the transcript column.",
            )
        out["turn"] = out.groupby("call", sort=False).cumcount()
        reps = {s.lower() for s in self.rep_speakers or []}
        out["role"] = [_role(s, reps) for s in out["speaker"]]
        return out

    def _split_prefixed(self, calls: np.ndarray, texts: list[str], where: str) -> pd.DataFrame:
        rows: list[tuple[Any, int, str, str]] = []
        for call, text in zip(calls, texts, strict=True):
            marks = list(_PREFIX.finditer(text))
            if not marks:
                if text.strip():
                    raise SchemaError(
                        f"Call {call!r} has no speaker: the table has no column "
                        f"{self.speaker_col!r} and the text has no 'Speaker:' prefixes.",
                        where=f"{where}(speaker_col={self.speaker_col!r})",
                        fix="Pass one row per utterance with a speaker column, or prefix "
                        "each turn with 'Rep:' / 'Customer:'.",
                    )
                continue
            for i, m in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
                rows.append((call, len(rows), m.group(1).strip(), text[m.end() : end].strip()))
        return pd.DataFrame(rows, columns=["call", "order", "speaker", "text"])

    def _compiled(self) -> dict[str, list[re.Pattern[str]]]:
        source = self.objection_patterns or OBJECTION_PATTERNS
        return {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in source.items()}

    def _annotate(self, utt: pd.DataFrame) -> pd.DataFrame:
        compiled = self._compiled()
        scorer = LexiconScorer()
        objections, questions, steps, whens = [], [], [], []
        for text, role in zip(utt["text"], utt["role"], strict=True):
            sentences = [s for s in _SENTENCE.split(text) if s.strip()]
            kinds: list[str] = []
            if role == "customer":
                for s in sentences:
                    kinds += [k for k in _objections(s, compiled) if k not in kinds]
            objections.append(";".join(kinds))
            questions.append(
                any(s.rstrip().endswith("?") or _QUESTION_START.match(s) for s in sentences)
            )
            step = next((s for s in sentences if _COMMIT.search(s)), None)
            steps.append(step is not None)
            when = _WHEN.search(step) if step else None
            whens.append(when.group(0) if when else None)
        out = utt.copy()
        out["objection"] = objections
        out["question"] = questions
        out["next_step"] = steps
        out["next_step_when"] = whens
        out["polarity"] = scorer.score(out["text"].tolist())
        out["words"] = out["text"].str.split().str.len().astype(np.int64)
        return out

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any, *, deals: Any = None) -> Self:
        """Analyse the calls and, given their outcomes, relate objections to wins.

        Parameters
        ----------
        data : pandas.DataFrame
            Transcripts: ``call_col``, ``speaker_col`` (or prefixed texts), ``text_col``
            and optionally ``order_col``; not modified.
        deals : pandas.DataFrame, optional
            ``call_col`` and ``outcome_col`` (won/lost) per call.

        Returns
        -------
        CallInsights
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a column is absent, or there is no speaker column and the texts have no
            speaker prefixes.
        InputError
            If the transcripts are empty, or the outcomes are not won/lost or match no
            call.
        ParameterError
            If ``confidence`` is not in (0, 1).
        """
        where = "CallInsights.fit"
        if not 0 < float(self.confidence) < 1:
            raise ParameterError(
                f"confidence must be in (0, 1), got {self.confidence!r}.",
                where=f"{where}(confidence=...)",
                fix="Use 0.95.",
            )
        utt = self._annotate(self._utterances(data, where))
        self.types_ = list((self.objection_patterns or OBJECTION_PATTERNS).keys())
        calls = self._per_call(utt)
        self.n_calls_ = len(calls)
        self.n_utterances_ = len(utt)
        self.objection_counts_ = {k: int(calls[f"has_{k}"].sum()) for k in self.types_}
        self.talk_ratio_ = {
            "rep": float(calls["rep_talk_ratio"].mean()),
            "customer": float(1 - calls["rep_talk_ratio"].mean()),
        }
        self.questions_ = {
            "rep": float(calls["rep_questions"].mean()),
            "customer": float(calls["customer_questions"].mean()),
        }
        self.next_step_rate_ = float(calls["next_steps"].gt(0).mean())
        self.notes_: list[str] = []
        self.win_table_: dict[str, list[Any]] = {}
        self.base_rate_: float | None = None
        if deals is not None:
            self._fit_outcomes(calls, deals, where)
        return self

    def _per_call(self, utt: pd.DataFrame) -> pd.DataFrame:
        g = utt.groupby("call", sort=False)
        rep_words = utt["words"].where(utt["role"] == "rep", 0).groupby(utt["call"]).sum()
        words = g["words"].sum()
        out = pd.DataFrame({"call": words.index})
        out["utterances"] = g.size().reindex(words.index).to_numpy()
        out["rep_talk_ratio"] = (rep_words / words.clip(lower=1)).reindex(words.index).to_numpy()
        for role in ("rep", "customer"):
            q = utt["question"] & (utt["role"] == role)
            out[f"{role}_questions"] = q.groupby(utt["call"]).sum().reindex(words.index).to_numpy()
        out["next_steps"] = g["next_step"].sum().reindex(words.index).to_numpy()
        for kind in self.types_:
            has = utt["objection"].str.split(";").apply(lambda ks, k=kind: k in ks)
            out[f"has_{kind}"] = has.groupby(utt["call"]).any().reindex(words.index).to_numpy()
        customer = utt[utt["role"] == "customer"]
        pol = customer.groupby("call")["polarity"]
        out["customer_polarity_start"] = pol.first().reindex(words.index).to_numpy()
        out["customer_polarity_end"] = pol.last().reindex(words.index).to_numpy()
        return out

    def _fit_outcomes(self, calls: pd.DataFrame, deals: Any, where: str) -> None:
        frame = as_pandas(deals, where=f"{where}(deals)")
        check_columns(frame, [self.call_col, self.outcome_col], where=f"{where}(deals)")
        raw = frame[self.outcome_col].astype(str).str.strip().str.lower()
        bad = ~raw.isin(_WON | _LOST)
        if bad.any():
            raise InputError(
                f"{int(bad.sum())} outcome(s) are neither won nor lost, e.g. "
                f"{frame.loc[bad, self.outcome_col].iloc[0]!r}.",
                where=f"{where}(deals, outcome_col={self.outcome_col!r})",
                fix="Use won/lost, 1/0 or true/false; leave open deals out.",
            )
        won = dict(zip(frame[self.call_col], raw.isin(_WON), strict=True))
        calls = calls[calls["call"].isin(won)].copy()
        if len(calls) < 2:
            raise InputError(
                "Fewer than two calls have an outcome in the deals table.",
                where=f"{where}(deals, call_col={self.call_col!r})",
                fix="Check that the deals' call ids match the transcripts'.",
            )
        y = calls["call"].map(won).to_numpy(dtype=bool)
        self.base_rate_ = float(y.mean())
        level = 1 - (1 - float(self.confidence)) / max(len(self.types_), 1)
        rows: dict[str, list[Any]] = {
            k: []
            for k in (
                "objection", "calls", "share", "win_rate", "win_rate_without", "difference",
                "difference_lo", "difference_hi", "stands_out",
            )
        }  # fmt: skip
        for kind in self.types_:
            has = calls[f"has_{kind}"].to_numpy(dtype=bool)
            n1, n0 = int(has.sum()), int((~has).sum())
            if n1 == 0 or n0 == 0:
                diff = lo = hi = float("nan")
                rate1 = float(y[has].mean()) if n1 else float("nan")
                rate0 = float(y[~has].mean()) if n0 else float("nan")
            else:
                rate1, rate0 = float(y[has].mean()), float(y[~has].mean())
                diff, lo, hi = _newcombe(int(y[has].sum()), n1, int(y[~has].sum()), n0, level)
            out = bool(n1 >= int(self.min_calls) and (lo > 0 or hi < 0))
            for key, value in zip(
                rows, (kind, n1, n1 / len(calls), rate1, rate0, diff, lo, hi, out), strict=True
            ):
                rows[key].append(value)
        self.win_table_ = rows
        self.n_calls_with_outcome_ = len(calls)

    # ------------------------------------------------------------------ use
    def predict(self, data: Any) -> pd.DataFrame:
        """Annotate every utterance of the transcripts.

        Parameters
        ----------
        data : pandas.DataFrame
            Transcripts, as for ``fit``.

        Returns
        -------
        pandas.DataFrame
            One row per non-empty utterance, in call order: ``call_col``, ``turn``
            (0-based), ``speaker``, ``role`` ("rep"/"customer"), ``text``, ``objection``
            (types separated by ``;``, "" for none), ``question`` (bool), ``next_step``
            (bool), ``next_step_when`` (the date phrase, or missing) and ``polarity``
            (lexicon polarity in [-1, 1]).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If a column is absent or no speaker can be found.
        """
        self._check_fitted("predict")
        utt = self._annotate(self._utterances(data, "CallInsights.predict"))
        cols = ["turn", "speaker", "role", "text", "objection", "question", "next_step"]
        out = utt[["call", *cols, "next_step_when", "polarity"]].rename(
            columns={"call": self.call_col}
        )
        return out.reset_index(drop=True)

    def call_summary(self, data: Any) -> pd.DataFrame:
        """One row per call: talk ratio, questions, next steps, objections, sentiment.

        Parameters
        ----------
        data : pandas.DataFrame
            Transcripts, as for ``fit``.

        Returns
        -------
        pandas.DataFrame
            ``call_col``, ``utterances``, ``rep_talk_ratio`` (share of the words spoken by
            the seller), ``rep_questions``, ``customer_questions``, ``next_steps``,
            ``has_<type>`` per objection type and ``customer_polarity_start`` /
            ``customer_polarity_end`` (first and last customer utterance).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("call_summary")
        utt = self._annotate(self._utterances(data, "CallInsights.call_summary"))
        return self._per_call(utt).rename(columns={"call": self.call_col})

    def sentiment_path(self, data: Any, call: Any) -> pd.DataFrame:
        """The polarity of each utterance of one call, in order.

        Parameters
        ----------
        data : pandas.DataFrame
            Transcripts, as for ``fit``.
        call : object
            The call id.

        Returns
        -------
        pandas.DataFrame
            ``turn``, ``role``, ``text``, ``polarity`` and ``customer_rolling`` (mean of
            the customer's last three polarities).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        InputError
            If the call id is not in the transcripts.
        """
        self._check_fitted("sentiment_path")
        scored = self.predict(data)
        path = scored[scored[self.call_col] == call]
        if not len(path):
            raise InputError(
                f"Call {call!r} is not in the transcripts.",
                where="CallInsights.sentiment_path(call=...)",
                fix="Pass one of the call ids of the data.",
            )
        path = path[["turn", "role", "text", "polarity"]].reset_index(drop=True)
        customer = path["polarity"].where(path["role"] == "customer")
        path["customer_rolling"] = customer.rolling(3, min_periods=1).mean().ffill()
        return path

    def explain(self) -> pd.DataFrame:
        """Objection frequency and win rate per objection type.

        Returns
        -------
        pandas.DataFrame
            ``objection``, ``calls`` (with it), ``share`` of calls and, when outcomes were
            given, ``win_rate``, ``win_rate_without``, ``difference`` (percentage points
            as a fraction), ``difference_lo`` / ``difference_hi`` (the adjusted interval)
            and ``stands_out`` (the interval excludes zero).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        if self.win_table_:
            return pd.DataFrame(self.win_table_)
        counts = self.objection_counts_
        return pd.DataFrame(
            {
                "objection": list(counts),
                "calls": list(counts.values()),
                "share": [v / max(self.n_calls_, 1) for v in counts.values()],
            }
        )

    def suggestions(self) -> list[str]:
        """Plain-language advice on which objections to prepare for.

        Returns
        -------
        list of str
            One sentence per objection whose calls are won clearly less (or more) often,
            then a sentence on the frequent ones that make no measurable difference.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("suggestions")
        if not self.win_table_:
            top = sorted(self.objection_counts_.items(), key=lambda kv: -kv[1])
            return [
                "No outcomes were given; the most frequent objections are "
                + ", ".join(f"{k} ({v} calls)" for k, v in top[:3] if v)
                + "."
            ]
        table = pd.DataFrame(self.win_table_).sort_values("difference")
        pct = round(100 * float(self.confidence))
        lines = []
        for r in table[table["stands_out"]].itertuples():
            verb = "lose" if r.difference < 0 else "win"
            lines.append(
                f"Prepare for {r.objection} objections: they come up in {r.share:.0%} of "
                f"calls, which are won {r.win_rate:.0%} of the time against "
                f"{r.win_rate_without:.0%} without them ({verb} {abs(r.difference):.0%} "
                f"points, {pct}% interval {r.difference_lo:+.0%} to {r.difference_hi:+.0%})."
            )
        calm = table[~table["stands_out"] & (table["calls"] >= int(self.min_calls))]
        if len(calm):
            lines.append(
                "No measurable effect on the win rate: "
                + ", ".join(f"{r.objection} ({r.calls} calls)" for r in calm.itertuples())
                + "."
            )
        if not lines:
            lines.append("Too few calls per objection to tell their effect on winning.")
        return lines

    def summary(self) -> dict[str, Any]:
        """Return the key facts of the fitted analysis as plain types.

        Returns
        -------
        dict
            ``usecase``, ``n_calls``, ``n_utterances``, ``objection_counts`` (type →
            calls), ``talk_ratio`` (role → mean share of words), ``questions_per_call``
            (role → mean), ``next_step_rate`` (share of calls with a next step),
            ``base_win_rate`` (or ``None``), ``win_rates`` (the :meth:`explain` table as
            records when outcomes were given), ``suggestions`` and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        records = []
        if self.win_table_:
            for r in pd.DataFrame(self.win_table_).to_dict("records"):
                records.append(
                    {
                        k: (None if isinstance(v, float) and np.isnan(v) else _plain(v))
                        for k, v in r.items()
                    }
                )
        return {
            "usecase": self.usecase,
            "n_calls": int(self.n_calls_),
            "n_utterances": int(self.n_utterances_),
            "objection_counts": dict(self.objection_counts_),
            "talk_ratio": {k: round(v, 4) for k, v in self.talk_ratio_.items()},
            "questions_per_call": {k: round(v, 3) for k, v in self.questions_.items()},
            "next_step_rate": round(self.next_step_rate_, 4),
            "base_win_rate": None if self.base_rate_ is None else round(self.base_rate_, 4),
            "win_rates": records,
            "suggestions": self.suggestions(),
            "notes": list(self.notes_),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value
