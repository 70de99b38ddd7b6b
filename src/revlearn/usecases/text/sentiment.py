"""Sentiment of reviews and posts: label, polarity and confidence per text, and per aspect.

:class:`SentimentModel` (``revlearn fit sentiment``) works with or without labels:

* **without labels** it scores each text with VADER's lexicon and rules
  (:class:`~revlearn.usecases.text.lexicon.LexiconScorer`): ``polarity`` is VADER's compound
  score; the label is ``"positive"`` when polarity ≥ ``neutral_band``, ``"negative"`` when
  ≤ ``-neutral_band`` and ``"neutral"`` in between. With ``neutral=False`` there are two
  labels: polarity > 0 is ``"positive"`` and < 0 ``"negative"``; a text with no sentiment
  word (polarity 0) is ``"negative"`` when it holds a negation ("it didn't work", "never
  again") and ``"positive"`` otherwise — VADER's usual two-class reading (compound ≥ 0 →
  positive) with that one tie broken;
* **with labels** (``target_col``) it chooses by stratified cross-validation among logistic
  regressions on (a) the lexicon scores alone, (b) word TF-IDF (1–2-grams, sublinear tf)
  and (c) word + character (``char_wb`` 2–5-grams) TF-IDF plus the lexicon scores, each with
  C in a small grid; the best is refitted on all labelled rows. ``label`` is then one of
  the user's own classes; ``polarity`` is the expected orientation of the classes
  (+1 for the positive class, -1 for the negative, 0 for neutral, linear for star ratings),
  read from the class names when they say it, else from the lexicon scores of each class.

Texts that are empty, or in a language other than English (see
:mod:`revlearn.usecases.text.language`), are not scored: their ``label`` is missing and
their ``status`` says why. Aspect sentiment, its aggregation by product, source and week,
and the drop alerts are in :mod:`revlearn.usecases.text.aspects`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from revlearn.errors import InputError, ParameterError
from revlearn.models import embeddings
from revlearn.usecases._base import UseCase
from revlearn.usecases.text._common import (
    LexiconFeatures,
    output_key,
    read_texts,
    status_with_language,
    target_values,
)
from revlearn.usecases.text._sentiment_aspects import AspectMethods
from revlearn.usecases.text._vectorize import CharNgramTfidf
from revlearn.usecases.text.aspects import learn_aspect_terms
from revlearn.usecases.text.lexicon import _NEGATE, LexiconScorer, _cached_lexicon

__all__ = ["SentimentModel"]

logger = logging.getLogger(__name__)

Method = Literal["auto", "lexicon", "tfidf", "embeddings"]
_C_GRID = (1.0, 3.0, 10.0, 30.0)
_POSITIVE = {"positive", "pos", "good", "1", "true", "yes", "+1", "+", "promoter"}
_NEGATIVE = {"negative", "neg", "bad", "0", "false", "no", "-1", "-", "detractor"}
_NEUTRAL = {"neutral", "neu", "mixed", "passive"}


def _word_tfidf() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)


def _char_tfidf() -> CharNgramTfidf:
    return CharNgramTfidf(ngram_range=(2, 5), min_df=2, max_features=300_000)


class SentimentModel(AspectMethods, UseCase):
    """Score the sentiment of texts, with or without labelled examples.

    Parameters
    ----------
    text_col : str, default="text"
        The text column (``--text``).
    target_col : str, optional
        A label column (``--target``): any classes (positive/negative, 0/1, 1–5 stars).
        Without it the lexicon scores the texts.
    id_col : str, optional
        An id column copied to the output (``--id``); otherwise rows are numbered ``row``.
    method : {"auto", "lexicon", "tfidf", "embeddings"}, default="auto"
        ``"auto"``: the lexicon without labels, the cross-validated choice with labels
        (MiniLM sentence embeddings + logistic regression among the candidates when the
        ``[embeddings]`` extra is installed);
        ``"lexicon"``: always the lexicon (labels only evaluate it); ``"tfidf"``: only the
        TF-IDF candidates; ``"embeddings"``: only MiniLM embeddings + logistic regression
        (the ``[embeddings]`` extra).
    neutral : bool, default=True
        Lexicon mode: three labels (with a neutral band) or two (polarity > 0 positive,
        < 0 negative; 0 negative only when the text holds a negation). Use ``False`` for
        data with two classes.
    neutral_band : float, default=0.05
        Lexicon mode: |polarity| below this is neutral (VADER's recommended 0.05).
    aspects : sequence of str, optional
        Aspect terms to score ("battery", "screen", "battery life"); learned from the
        texts at ``fit`` when omitted.
    n_aspects : int, default=8
        How many aspect terms to learn when ``aspects`` is omitted (0: none).
    product_col, source_col, timestamp_col : str, optional
        Columns to aggregate aspects and trends by (product, channel or site, date).
    languages : sequence of str, default=("en",)
        Languages scored; texts flagged in another language are not scored.
    max_chars : int, default=20000
        Longer texts are cut to this many characters for scoring (flagged).
    cv : int, default=5
        Cross-validation folds for the choice among trained models.
    random_state : int, default=0
        Seed of the fold split.
    """

    usecase = "sentiment"

    def __init__(
        self,
        *,
        text_col: str = "text",
        target_col: str | None = None,
        id_col: str | None = None,
        method: Method = "auto",
        neutral: bool = True,
        neutral_band: float = 0.05,
        aspects: Sequence[str] | None = None,
        n_aspects: int = 8,
        product_col: str | None = None,
        source_col: str | None = None,
        timestamp_col: str | None = None,
        languages: Sequence[str] = ("en",),
        max_chars: int = 20_000,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.text_col = text_col
        self.target_col = target_col
        self.id_col = id_col
        self.method = method
        self.neutral = neutral
        self.neutral_band = neutral_band
        self.aspects = aspects
        self.n_aspects = n_aspects
        self.product_col = product_col
        self.source_col = source_col
        self.timestamp_col = timestamp_col
        self.languages = languages
        self.max_chars = max_chars
        self.cv = cv
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any) -> Self:
        """Learn (or set up) the sentiment model and the aspect terms.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col`` (and ``target_col`` for a trained model);
            not modified.

        Returns
        -------
        SentimentModel
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If the text, id, target or grouping column is absent.
        ParameterError
            If ``method``, ``neutral_band``, ``cv`` or ``max_chars`` is out of range.
        InputError
            If the table is empty, no text can be scored, the target has a single class
            or a class has fewer than two scorable texts.
        """
        where = "SentimentModel.fit"
        self._check_params(where)
        frame, prepared, languages = self._read(data, where)
        status = status_with_language(prepared.status, languages, self.languages)
        usable = np.isin(status, ["ok", "truncated"])
        if not usable.any():
            raise InputError(
                f"None of the {len(frame):,} texts can be scored (empty or not in "
                f"{', '.join(self.languages)}).",
                where=f"{where}(text_col={self.text_col!r})",
                fix="Check that --text names the column holding the texts.",
            )
        texts = [t for t, ok in zip(prepared.texts, usable, strict=True) if ok]
        self.lexicon_ = dict(_cached_lexicon()[0])
        self.notes_ = list(prepared.notes)
        n_other = int((status == "other_language").sum())
        if n_other:
            self.notes_.append(
                f"{n_other:,} of {len(frame):,} texts are not in {', '.join(self.languages)}: "
                "flagged, not scored."
            )
        self.candidates_: list[dict[str, Any]] = []
        if self.target_col is not None:
            y_all = target_values(frame, self.target_col, where)
            keep = usable & pd.notna(y_all)
            self._fit_trained(
                [t for t, k in zip(prepared.texts, keep, strict=True) if k], y_all[keep], where
            )
        else:
            self.method_ = "lexicon"
            self.classes_ = (
                ["negative", "neutral", "positive"] if self.neutral else ["negative", "positive"]
            )
            self.orientation_ = [-1.0, 0.0, 1.0] if self.neutral else [-1.0, 1.0]
            self.model_ = None
        if self.aspects is not None:
            self.aspect_terms_ = [str(a) for a in self.aspects]
        else:
            self.aspect_terms_ = learn_aspect_terms(texts, n_terms=self.n_aspects)
        self._fit_summary(frame, texts, status, languages)
        return self

    def _check_params(self, where: str) -> None:
        if self.method not in ("auto", "lexicon", "tfidf", "embeddings"):
            raise ParameterError(
                f"Unknown method {self.method!r}.",
                where=f"{where}(method=...)",
                fix="Use 'auto', 'lexicon', 'tfidf' or 'embeddings'.",
            )
        if self.method in ("tfidf", "embeddings") and self.target_col is None:
            raise ParameterError(
                f"method={self.method!r} needs labelled texts.",
                where=f"{where}(method={self.method!r})",
                fix="Pass the label column with --target, or use method='lexicon'.",
            )
        if not 0 <= self.neutral_band < 1:
            raise ParameterError(
                f"neutral_band must be in [0, 1), got {self.neutral_band!r}.",
                where=f"{where}(neutral_band=...)",
                fix="VADER recommends 0.05.",
            )
        if int(self.cv) < 2 or int(self.max_chars) < 1:
            raise ParameterError(
                f"cv must be at least 2 and max_chars at least 1 (got {self.cv!r}, "
                f"{self.max_chars!r}).",
                where=where,
                fix="Use cv=5 and max_chars=20000.",
            )

    def _read(self, data: Any, where: str) -> tuple[pd.DataFrame, Any, list[str]]:
        extra = [self.product_col, self.source_col, self.timestamp_col]
        return read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where=where,
            max_chars=int(self.max_chars),
            extra=extra,
        )

    def _fit_trained(self, texts: list[str], y: np.ndarray, where: str) -> None:
        labels = np.asarray(
            [str(v) if not isinstance(v, int | float | np.number) else v for v in y], dtype=object
        )
        counts = Counter(labels.tolist())
        if len(counts) < 2:
            raise InputError(
                f"Only one class ({next(iter(counts))!r}) has texts that can be scored.",
                where=f"{where}(target_col={self.target_col!r})",
                fix="Pass labelled English texts of at least two classes.",
            )
        smallest = min(counts.values())
        if smallest < 2:
            rare = [str(c) for c, n in counts.items() if n < 2]
            raise InputError(
                f"Classes {', '.join(rare)} have fewer than two labelled texts.",
                where=f"{where}(target_col={self.target_col!r})",
                fix="Label more texts of those classes or drop them.",
            )
        y_codes = np.array([str(v) for v in labels])
        folds = StratifiedKFold(
            min(int(self.cv), smallest), shuffle=True, random_state=self.random_state
        )
        word, char, lex = _word_tfidf(), _char_tfidf(), LexiconFeatures(self.lexicon_)
        with threadpool_limits(1):
            Xw = word.fit_transform(texts)
            Xc = char.fit_transform(texts) if len(texts) >= 2 else None
            Xl = lex.fit(texts).transform(texts)
            designs: dict[str, tuple[sp.csr_matrix, list[float]]] = {}
            if self.method in ("auto", "lexicon"):
                designs["lexicon"] = (Xl, [1.0])
            if self.method in ("auto", "tfidf"):
                designs["tfidf words"] = (Xw, list(_C_GRID))
                if Xc is not None and Xc.shape[1]:
                    designs["tfidf words+chars+lexicon"] = (
                        sp.hstack([Xw, Xc, Xl]).tocsr(),
                        list(_C_GRID),
                    )
            if self.method == "embeddings" or (self.method == "auto" and embeddings.available()):
                designs["embeddings"] = (embeddings.encode(texts).astype(np.float64), [1.0, 10.0])
            for name, (X, grid) in designs.items():
                for C in grid:
                    scores = cross_val_score(
                        LogisticRegression(C=C, max_iter=3000),
                        X,
                        y_codes,
                        cv=folds,
                        scoring="accuracy",
                    )
                    self.candidates_.append(
                        {
                            "features": name,
                            "C": C,
                            "cv_accuracy": float(scores.mean()),
                            "cv_sd": float(scores.std()),
                        }
                    )
        best = max(self.candidates_, key=lambda c: (c["cv_accuracy"], -len(c["features"])))
        parts: list[tuple[str, Any]] = {
            "lexicon": [("lexicon", LexiconFeatures(self.lexicon_))],
            "tfidf words": [("words", _word_tfidf())],
            "tfidf words+chars+lexicon": [
                ("words", _word_tfidf()),
                ("chars", _char_tfidf()),
                ("lexicon", LexiconFeatures(self.lexicon_)),
            ],
            "embeddings": [("embeddings", embeddings.SentenceEmbedder())],
        }[best["features"]]
        pipe = Pipeline(
            [
                ("features", FeatureUnion(parts)),
                ("model", LogisticRegression(C=best["C"], max_iter=3000)),
            ]
        )
        with threadpool_limits(1):
            pipe.fit(texts, y_codes)
        logger.info(
            "SentimentModel: %s, C=%g (CV accuracy %.3f)",
            best["features"],
            best["C"],
            best["cv_accuracy"],
        )
        self.model_ = pipe
        self.method_ = "tfidf" if best["features"] != "lexicon" else "lexicon (trained)"
        self.best_ = dict(best)
        model_classes = [str(c) for c in pipe.classes_]
        originals = {str(v): v for v in labels}
        self.classes_ = [_plain(originals[c]) for c in model_classes]
        self.orientation_ = _orientation(model_classes, y_codes, Xl[:, 0].toarray().ravel())

    def _fit_summary(
        self, frame: pd.DataFrame, texts: list[str], status: np.ndarray, languages: list[str]
    ) -> None:
        self.n_texts_ = len(frame)
        self.status_counts_ = {str(k): int(v) for k, v in Counter(status.tolist()).items()}
        self.language_counts_ = {
            (str(k) or "empty"): int(v) for k, v in Counter(languages).most_common()
        }
        scorer = LexiconScorer(self.lexicon_, _cached_lexicon()[1])
        seen: Counter[str] = Counter()
        for text in texts[:20_000]:
            tokens, valences, _ = scorer.token_valences(text)
            seen.update(t.lower() for t, v in zip(tokens, valences, strict=True) if v)
        self.top_terms_ = [
            {"term": w, "texts": int(n), "valence": float(self.lexicon_.get(w, 0.0))}
            for w, n in seen.most_common(40)
        ]

    # ------------------------------------------------------------------ predict
    def _scorer(self) -> LexiconScorer:
        return LexiconScorer(self.lexicon_, _cached_lexicon()[1])

    def predict(self, data: Any) -> pd.DataFrame:
        """Score each text.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col`` (and ``id_col``); not modified.

        Returns
        -------
        pandas.DataFrame
            One row per input row, in order: ``id_col`` (or ``row``); ``label`` (lexicon:
            positive/neutral/negative; trained: the user's class); ``sentiment``
            (positive/neutral/negative); ``polarity`` in [-1, 1]; ``confidence`` in [0, 1]
            (trained: the calibrated probability of ``label``; lexicon: ``|polarity|``
            for two labels, a heuristic strength, not a probability); ``language``; and
            ``status`` (``ok``, ``truncated``, ``empty``, ``other_language``). Rows not
            scored have missing label, polarity and confidence.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or id column is absent.
        """
        self._check_fitted("predict")
        where = "SentimentModel.predict"
        frame, prepared, languages = read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where=where,
            max_chars=int(self.max_chars),
        )
        status = status_with_language(prepared.status, languages, self.languages)
        usable = np.isin(status, ["ok", "truncated"])
        texts = [t for t, ok in zip(prepared.texts, usable, strict=True) if ok]
        label, sentiment, polarity, confidence = self._score(texts)
        out = output_key(frame, self.id_col)
        n = len(frame)
        out["label"] = _fill(n, usable, label)
        out["sentiment"] = _fill(n, usable, sentiment)
        out["polarity"] = _fill(n, usable, polarity, float)
        out["confidence"] = _fill(n, usable, confidence, float)
        out["language"] = [lang or None for lang in languages]
        out["status"] = status
        return out

    def _score(self, texts: list[str]) -> tuple[list[Any], list[str], np.ndarray, np.ndarray]:
        if self.model_ is None:
            polarity = self._scorer().score(texts)
            if self.neutral:
                band = float(self.neutral_band)
                sentiment = np.where(
                    polarity >= band, "positive", np.where(polarity <= -band, "negative", "neutral")
                )
                confidence = np.where(
                    sentiment == "neutral",
                    1 - np.abs(polarity) / max(band, 1e-9),
                    np.abs(polarity),
                )
            else:
                negative = (polarity < 0) | ((polarity == 0) & _has_negation(texts))
                sentiment = np.where(negative, "negative", "positive")
                confidence = np.abs(polarity)
            return sentiment.tolist(), sentiment.tolist(), polarity, np.clip(confidence, 0, 1)
        if not texts:
            return [], [], np.zeros(0), np.zeros(0)
        with threadpool_limits(1):
            proba = self.model_.predict_proba(texts)
        best = proba.argmax(axis=1)
        orient = np.asarray(self.orientation_)
        polarity = proba @ orient
        names = np.where(orient > 0, "positive", np.where(orient < 0, "negative", "neutral"))
        return [self.classes_[i] for i in best], names[best].tolist(), polarity, proba.max(axis=1)

    # ------------------------------------------------------------------ reading
    def explain(self, *, top: int = 15) -> pd.DataFrame:
        """List the words that drive the scores.

        Parameters
        ----------
        top : int, default=15
            Words per class (trained) or in total (lexicon).

        Returns
        -------
        pandas.DataFrame
            Trained model: ``class``, ``term`` and ``weight`` (logistic coefficient; the
            largest push towards the class). Lexicon: ``term``, ``valence`` (VADER's mean
            rating in [-4, 4]) and ``texts`` (how many training texts used it).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        if self.model_ is None or self.method_ != "tfidf":
            return pd.DataFrame(self.top_terms_[:top], columns=["term", "valence", "texts"])
        names = self.model_.named_steps["features"].get_feature_names_out()
        coef = self.model_.named_steps["model"].coef_
        rows = []
        if coef.shape[0] == 1:
            coef = np.vstack([-coef[0], coef[0]])
        for cls, weights in zip(self.classes_, coef, strict=True):
            for j in np.argsort(-weights)[:top]:
                rows.append(
                    {
                        "class": cls,
                        "term": str(names[j]).split("__", 1)[-1],
                        "weight": float(weights[j]),
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Return the key facts of the fitted model as plain JSON-ready types.

        Returns
        -------
        dict
            ``method`` (lexicon, tfidf or lexicon (trained)), ``classes``,
            ``orientation`` (polarity of each class), ``n_texts``, ``status_counts``
            (ok / truncated / empty / other_language), ``languages`` (counts),
            ``best`` (chosen features, C and CV accuracy, trained only), ``candidates``
            (every cross-validated candidate), ``aspect_terms``, ``top_terms`` and
            ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        return {
            "usecase": self.usecase,
            "method": self.method_,
            "classes": [_plain(c) for c in self.classes_],
            "orientation": [float(v) for v in self.orientation_],
            "n_texts": int(self.n_texts_),
            "status_counts": dict(self.status_counts_),
            "languages": dict(self.language_counts_),
            "best": dict(getattr(self, "best_", {})),
            "candidates": [dict(c) for c in self.candidates_],
            "aspect_terms": list(self.aspect_terms_),
            "top_terms": [dict(t) for t in self.top_terms_[:10]],
            "notes": list(self.notes_),
        }


def _has_negation(texts: Sequence[str]) -> np.ndarray:
    """True for texts holding a negation word ("not", "never", "didn't" ...)."""
    return np.fromiter(
        (
            any(w in _NEGATE or "n't" in w for w in t.lower().replace("’", "'").split())
            for t in texts
        ),
        dtype=bool,
        count=len(texts),
    )


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _fill(
    n: int, mask: np.ndarray, values: Sequence[Any] | np.ndarray, kind: type = object
) -> np.ndarray:
    out = np.full(
        n, np.nan if kind is float else None, dtype=np.float64 if kind is float else object
    )
    out[mask] = np.asarray(values, dtype=out.dtype) if len(values) else values
    return out


def _orientation(classes: list[str], y: np.ndarray, compound: np.ndarray) -> list[float]:
    """Polarity of each class: from its name when it says, else from the lexicon scores."""
    lower = [c.strip().lower() for c in classes]
    named = [
        1.0 if c in _POSITIVE else -1.0 if c in _NEGATIVE else 0.0 if c in _NEUTRAL else None
        for c in lower
    ]
    numeric = all(_is_number(c) for c in classes)
    if (
        all(v is not None for v in named)
        and len(set(named)) == len(named)
        and not (numeric and len(classes) > 2)
    ):
        return [float(v) for v in named if v is not None]
    means = np.array([compound[y == c].mean() if (y == c).any() else 0.0 for c in classes])
    if numeric:
        values = np.array([float(c) for c in classes])
        order = np.argsort(values)
        if np.corrcoef(values[np.searchsorted(values[order], values)], means)[0, 1] < 0:
            order = order[::-1]
    else:
        order = np.argsort(means)
    spread = np.linspace(-1.0, 1.0, len(classes))
    out = np.empty(len(classes))
    out[order] = spread
    return [float(v) for v in out]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
