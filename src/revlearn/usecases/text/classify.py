"""Ticket and e-mail routing: a text classifier that knows when to send a text to a human.

:class:`TextClassifier` (``revlearn fit textclass``) learns categories from labelled texts:

* features: word TF-IDF (1–2-grams, sublinear tf) and character TF-IDF (``char_wb``
  2–5-grams, sublinear tf; scikit-learn's numbers computed faster, see
  :mod:`revlearn.usecases.text._vectorize`), fitted once on the training texts;
* model: a linear SVM on words + characters (C in {0.3, 1}) or a logistic regression on
  words (C in {1, 3, 10, 30}: the usual TF-IDF baseline, so the choice is never worse than it
  in cross-validation), chosen by stratified cross-validated accuracy;
* calibration: temperature scaling (Guo et al. 2017) of the chosen model's out-of-fold
  decision scores — one parameter, fitted by minimising the log loss, so ``confidence`` is
  a probability for both model kinds. It is written here (a few lines over scipy) because
  the out-of-fold scores already exist from the model choice; scikit-learn's
  ``CalibratedClassifierCV`` would fit every fold again;
* embeddings (when the optional ``[embeddings]`` extra is installed, see
  :mod:`revlearn.models.embeddings`): ``model="auto"`` also cross-validates a logistic
  regression on MiniLM sentence embeddings, and on words + embeddings, listed after the
  TF-IDF candidates so they are kept only when strictly more accurate out of fold. The
  embeddings are recomputed at predict time, never stored, so the fitted state stays
  skops-safe;
* abstention: the smallest confidence threshold whose out-of-fold precision on the texts it
  keeps reaches ``target_precision``; texts below it are routed to ``"human"``.

Without labels, ``categories`` (name → description) give **zero-shot** routing: each text
goes to the category whose name and description are most similar: the cosine of MiniLM
sentence embeddings when the ``[embeddings]`` extra is installed (paraphrases with no word
in common still match), TF-IDF cosine otherwise (words and character n-grams, IDF learned on
the texts themselves); ``summary()["similarity"]`` says which. Its confidence is a softmax of
the similarities, not calibrated. :meth:`TextClassifier.label_next` orders unlabelled texts
for labelling (least confidence or smallest margin first: active learning).

References
----------
Guo, C., Pleiss, G., Sun, Y. & Weinberger, K. Q. (2017). On Calibration of Modern Neural
Networks. ICML.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.special import softmax
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from revlearn.errors import InputError, ParameterError
from revlearn.models import embeddings
from revlearn.usecases._base import UseCase
from revlearn.usecases.text._common import (
    output_key,
    read_texts,
    status_with_language,
    target_values,
)
from revlearn.usecases.text._vectorize import CharNgramTfidf
from revlearn.usecases.text.evaluation import (
    RoutingEvaluation,
    _abstain_curve,
    _row_normalise,
    _temperature,
    _threshold,
    routing_metrics,
)

__all__ = ["TextClassifier"]

logger = logging.getLogger(__name__)

ModelKind = Literal["auto", "logistic", "svm"]
_GRIDS: dict[str, tuple[float, ...]] = {"logistic": (10.0,), "svm": (0.3, 1.0)}
_WORD_GRID = (1.0, 3.0, 10.0, 30.0)
_EMBED_PLAN: tuple[tuple[str, float], ...] = (
    ("embeddings", 3.0),
    ("embeddings", 30.0),
    ("words+embeddings", 10.0),
)
_ZERO_SHOT_TEMPERATURE = {"tfidf": 0.05, "embeddings": 0.02}


def _features(words_only: bool = False) -> FeatureUnion:
    parts: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))
    ]
    if not words_only:
        parts.append(("chars", CharNgramTfidf(ngram_range=(2, 5), min_df=2, sublinear_tf=True)))
    return FeatureUnion(parts)


def _estimator(kind: str, C: float, random_state: int, dense: bool = False) -> Any:
    if kind == "svm":
        return LinearSVC(C=C, random_state=random_state)
    # saga with a loose tolerance: as accurate as lbfgs on TF-IDF text and about ten times
    # faster with many classes (measured: 77 classes, 70k features, 2.8 s against 38 s).
    if dense:
        # Dense 384-dimensional embeddings: lbfgs converges in a few dozen iterations.
        return LogisticRegression(C=C, max_iter=500)
    return LogisticRegression(C=C, solver="saga", tol=1e-3, max_iter=300)


def _design(words: Any, vectors: np.ndarray | None, features: str) -> Any:
    """The design matrix of a candidate: TF-IDF, embeddings, or both side by side."""
    if features == "embeddings":
        assert vectors is not None
        return vectors
    if features == "words+embeddings":
        assert vectors is not None
        return sp.hstack([words, sp.csr_matrix(vectors)], format="csr")
    return words


def _fit_quietly(model: Any, X: Any, y: np.ndarray) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _decision(model: Any, X: Any) -> np.ndarray:
    scores = np.asarray(model.decision_function(X), dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


class TextClassifier(UseCase):
    """Route tickets and e-mails to categories, with calibrated confidence and abstention.

    Parameters
    ----------
    text_col : str, default="text"
        The text column (``--text``).
    target_col : str, optional
        The category column (``--target``) for a trained classifier.
    id_col : str, optional
        An id column copied to the output (``--id``); otherwise rows are numbered ``row``.
    categories : mapping, optional
        Category name → description, for zero-shot routing when no labels exist
        (ignored when ``target_col`` is given).
    model : {"auto", "logistic", "svm"}, default="auto"
        The linear model; ``"auto"`` chooses by cross-validation.
    target_precision : float, default=0.9
        Precision wanted on the texts routed automatically; the abstain threshold is the
        lowest confidence that reaches it out of fold. Texts below go to ``"human"``.
    languages : sequence of str, optional, default=("en",)
        Languages routed automatically; texts flagged in another language get a label but
        are sent to a human (``abstain``). ``None`` routes every language.
    cv : int, default=3
        Cross-validation folds.
    max_chars : int, default=20000
        Longer texts are cut to this many characters (flagged).
    random_state : int, default=0
        Seed of the fold split and the SVM.
    """

    usecase = "textclass"

    def __init__(
        self,
        *,
        text_col: str = "text",
        target_col: str | None = None,
        id_col: str | None = None,
        categories: Mapping[str, str] | None = None,
        model: ModelKind = "auto",
        target_precision: float = 0.9,
        languages: Sequence[str] | None = ("en",),
        cv: int = 3,
        max_chars: int = 20_000,
        random_state: int = 0,
    ) -> None:
        self.text_col = text_col
        self.target_col = target_col
        self.id_col = id_col
        self.categories = categories
        self.model = model
        self.target_precision = target_precision
        self.languages = languages
        self.cv = cv
        self.max_chars = max_chars
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any) -> Self:
        """Learn the categories from labelled texts, or set up zero-shot routing.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col`` (and ``target_col``); not modified.

        Returns
        -------
        TextClassifier
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If the text, id or target column is absent.
        ParameterError
            If neither ``target_col`` nor ``categories`` is given, or a parameter is out of
            range.
        InputError
            If the table is empty, no text is usable, the target has a single class or a
            class has fewer than two usable texts.
        """
        where = "TextClassifier.fit"
        self._check_params(where)
        frame, texts, status, _ = self._texts(data, where)
        # Texts flagged in another language still train the model (their label is known);
        # only empty texts are left out.
        usable = status != "empty"
        if not usable.any():
            raise InputError(
                f"All {len(frame):,} texts are empty.",
                where=f"{where}(text_col={self.text_col!r})",
                fix="Check that --text names the column holding the texts.",
            )
        self.notes_ = self._notes(status)
        if self.target_col is None:
            self._fit_zero_shot([t for t, u in zip(texts, usable, strict=True) if u])
        else:
            y = target_values(frame, self.target_col, where)
            keep = usable & pd.notna(y)
            self._fit_trained(
                [t for t, k in zip(texts, keep, strict=True) if k],
                np.array([str(v) for v in y[keep]], dtype=object),
                where,
            )
        self.n_texts_ = len(frame)
        self.status_counts_ = {str(k): int(v) for k, v in Counter(status.tolist()).items()}
        return self

    def _check_params(self, where: str) -> None:
        if self.target_col is None and not self.categories:
            raise ParameterError(
                "Routing needs labelled texts or category descriptions.",
                where=where,
                fix="Pass the label column with --target, or categories={name: description} "
                "for zero-shot routing.",
            )
        if self.model not in ("auto", "logistic", "svm"):
            raise ParameterError(
                f"Unknown model {self.model!r}.",
                where=f"{where}(model=...)",
                fix="Use 'auto', 'logistic' or 'svm'.",
            )
        if not 0 < float(self.target_precision) <= 1:
            raise ParameterError(
                f"target_precision must be in (0, 1], got {self.target_precision!r}.",
                where=f"{where}(target_precision=...)",
                fix="Use for example 0.9.",
            )
        if int(self.cv) < 2:
            raise ParameterError(
                f"cv must be at least 2, got {self.cv!r}.", where=where, fix="Use cv=3."
            )

    def _texts(
        self, data: Any, where: str
    ) -> tuple[pd.DataFrame, list[str], np.ndarray, list[str]]:
        frame, prepared, languages = read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where=where,
            max_chars=int(self.max_chars),
        )
        status = prepared.status
        if self.languages is not None:
            status = status_with_language(status, languages, self.languages)
        return frame, prepared.texts, status, languages

    def _notes(self, status: np.ndarray) -> list[str]:
        counts = Counter(status.tolist())
        n = len(status)
        notes = []
        if counts.get("empty"):
            notes.append(f"{counts['empty']:,} of {n:,} texts are empty: not routed.")
        if counts.get("other_language"):
            notes.append(
                f"{counts['other_language']:,} of {n:,} texts are flagged in another language: "
                "labelled but sent to a human."
            )
        if counts.get("truncated"):
            notes.append(
                f"{counts['truncated']:,} of {n:,} texts were cut to "
                f"{int(self.max_chars):,} characters."
            )
        return notes

    def _fit_zero_shot(self, texts: list[str]) -> None:
        assert self.categories is not None
        names = [str(k) for k in self.categories]
        docs = [f"{name} {name} {desc}" for name, desc in self.categories.items()]
        features = _features()
        with threadpool_limits(1):
            features.fit([*texts, *docs])
            profiles = features.transform(docs)
        self.features_ = features
        self.profiles_ = _row_normalise(profiles)
        self.similarity_ = "embeddings" if embeddings.available() else "tfidf"
        self.embedding_profiles_: np.ndarray | None = None
        if self.similarity_ == "embeddings":
            self.embedding_profiles_ = embeddings.encode(
                [f"{name}: {desc}" for name, desc in self.categories.items()]
            ).astype(np.float64)
        self.embed_features_ = "none"
        self.estimator_ = None
        self.classes_ = names
        self.method_ = "zero-shot"
        self.temperature_ = _ZERO_SHOT_TEMPERATURE[self.similarity_]
        self.threshold_ = 0.0
        self.candidates_: list[dict[str, Any]] = []
        self.cv_metrics_: dict[str, Any] = {}
        self.abstain_curve_: dict[str, list[float]] = {}

    def _fit_trained(self, texts: list[str], y: np.ndarray, where: str) -> None:
        counts = Counter(y.tolist())
        if len(counts) < 2:
            raise InputError(
                f"Only one category ({next(iter(counts))!r}) has usable texts.",
                where=f"{where}(target_col={self.target_col!r})",
                fix="Pass labelled texts of at least two categories.",
            )
        rare = sorted(c for c, n in counts.items() if n < 2)
        if rare:
            raise InputError(
                f"Categories {', '.join(rare)} have fewer than two labelled texts.",
                where=f"{where}(target_col={self.target_col!r})",
                fix="Label more texts of those categories or merge them into others.",
            )
        classes = sorted(counts)
        codes = np.searchsorted(classes, y)
        folds = list(
            StratifiedKFold(
                min(int(self.cv), min(counts.values())),
                shuffle=True,
                random_state=self.random_state,
            ).split(np.zeros(len(y)), codes)
        )
        vectors = None
        if self.model == "auto" and embeddings.available():
            vectors = embeddings.encode(texts).astype(np.float64)
        with threadpool_limits(1):
            features = _features().fit(texts)
            X = features.transform(texts).tocsr()
            n_words = len(features.transformer_list[0][1].vocabulary_)
            best_scores, best = self._choose(X, n_words, codes, folds, vectors)
        self.temperature_ = _temperature(best_scores, codes)
        proba = softmax(best_scores / self.temperature_, axis=1)
        predicted = proba.argmax(axis=1)
        confidence = proba.max(axis=1)
        correct = predicted == codes
        self.threshold_ = _threshold(confidence, correct, float(self.target_precision))
        curve = _abstain_curve(confidence, correct)
        step = max(1, len(confidence) // 200)
        self.abstain_curve_ = {k: [float(v) for v in vals[::step]] for k, vals in curve.items()}
        answered = confidence >= self.threshold_
        evaluation = routing_metrics(
            np.asarray(classes)[codes], np.asarray(classes)[predicted], answered
        )
        self.cv_metrics_ = evaluation.to_dict()
        if best["features"] in ("words", "words+embeddings"):
            features = _features(words_only=True).fit(texts)
            X = features.transform(texts)
        dense = best["features"] == "embeddings"
        estimator = _estimator(best["model"], best["C"], self.random_state, dense)
        with threadpool_limits(1):
            _fit_quietly(estimator, _design(X, vectors, best["features"]), codes)
        self.similarity_ = "tfidf"
        self.embed_features_ = best["features"] if "embeddings" in best["features"] else "none"
        self.features_ = features
        self.estimator_ = estimator
        self.classes_ = classes
        self.best_ = dict(best)
        self.method_ = f"{best['model']} ({best['features']})"
        logger.info(
            "TextClassifier: %s C=%g, CV accuracy %.3f, threshold %.3f",
            self.method_,
            best["C"],
            best["cv_accuracy"],
            self.threshold_,
        )

    def _choose(
        self,
        X: sp.csr_matrix,
        n_words: int,
        codes: np.ndarray,
        folds: list[Any],
        vectors: np.ndarray | None = None,
    ) -> tuple[np.ndarray, dict[str, Any]]:
        # Logistic regression on word + character features is left out of "auto": saga
        # needs about five times as long there as the SVM, and was not more accurate.
        plan: list[tuple[str, str, float]] = []
        if self.model in ("auto", "svm"):
            plan += [("svm", "words+chars", C) for C in _GRIDS["svm"]]
        if self.model == "logistic":
            plan += [("logistic", "words+chars", C) for C in _GRIDS["logistic"]]
        if self.model in ("auto", "logistic"):
            plan += [("logistic", "words", C) for C in _WORD_GRID]
        if vectors is not None:
            # Last, so that an embeddings model is kept only when strictly better.
            plan += [("logistic", feats, C) for feats, C in _EMBED_PLAN]
        self.candidates_ = []
        best_scores = np.zeros(0)
        best: dict[str, Any] = {}
        for kind, feats, C in plan:
            words = X[:, :n_words] if feats in ("words", "words+embeddings") else X
            design = _design(words, vectors, feats)
            dense = feats == "embeddings"
            scores = np.zeros((X.shape[0], int(codes.max()) + 1))
            started = time.perf_counter()
            for train, test in folds:
                model = _fit_quietly(
                    clone(_estimator(kind, C, self.random_state, dense)),
                    design[train],
                    codes[train],
                )
                fold_scores = _decision(model, design[test])
                scores[np.ix_(test, model.classes_)] = fold_scores
                missing = np.setdiff1d(np.arange(scores.shape[1]), model.classes_)
                scores[np.ix_(test, missing)] = -1e3
            accuracy = float((scores.argmax(axis=1) == codes).mean())
            row = {
                "model": kind,
                "features": feats,
                "C": C,
                "cv_accuracy": accuracy,
                "cv_seconds": round(time.perf_counter() - started, 2),
            }
            self.candidates_.append(row)
            if not best or accuracy > best["cv_accuracy"]:
                best, best_scores = row, scores
        return best_scores, best

    # ------------------------------------------------------------------ predict
    def _proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.classes_)))
        embedded = getattr(self, "embedding_profiles_", None)
        embed_features = getattr(self, "embed_features_", "none")
        if self.estimator_ is None and embedded is not None:
            similar = embeddings.encode(texts).astype(np.float64) @ embedded.T
            return softmax(similar / self.temperature_, axis=1)
        vectors = embeddings.encode(texts).astype(np.float64) if embed_features != "none" else None
        with threadpool_limits(1):
            X = self.features_.transform(texts) if embed_features != "embeddings" else None
            if self.estimator_ is None:
                similarity = (_row_normalise(X) @ self.profiles_.T).toarray()
                return softmax(similarity / self.temperature_, axis=1)
            scores = _decision(self.estimator_, _design(X, vectors, embed_features))
        return softmax(scores / self.temperature_, axis=1)

    def predict_proba(self, data: Any) -> pd.DataFrame:
        """Return the calibrated probability of every category for each text.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col``; not modified.

        Returns
        -------
        pandas.DataFrame
            ``id_col`` (or ``row``) and one column per category; missing for empty texts.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or id column is absent.
        """
        self._check_fitted("predict_proba")
        frame, texts, status, _ = self._texts(data, "TextClassifier.predict_proba")
        usable = status != "empty"
        proba = self._proba([t for t, u in zip(texts, usable, strict=True) if u])
        out = output_key(frame, self.id_col)
        full = np.full((len(frame), len(self.classes_)), np.nan)
        full[usable] = proba
        for j, name in enumerate(self.classes_):
            out[name] = full[:, j]
        return out

    def predict(self, data: Any) -> pd.DataFrame:
        """Route each text: its category, confidence, and whether to send it to a human.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col`` (and ``id_col``); not modified.

        Returns
        -------
        pandas.DataFrame
            One row per input row, in order: ``id_col`` (or ``row``), ``label`` (the most
            probable category), ``confidence`` (its calibrated probability; zero-shot: a
            softmax of similarities), ``second_label``, ``margin`` (difference of the two
            largest probabilities), ``abstain`` (True below the threshold, for empty texts
            and for texts flagged in another language — these still get a ``label``),
            ``route`` (``label``, or ``"human"`` when
            abstaining), ``language`` and ``status``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or id column is absent.
        """
        self._check_fitted("predict")
        frame, texts, status, languages = self._texts(data, "TextClassifier.predict")
        usable = status != "empty"
        proba = self._proba([t for t, u in zip(texts, usable, strict=True) if u])
        n = len(frame)
        out = output_key(frame, self.id_col)
        label = np.full(n, None, dtype=object)
        second = np.full(n, None, dtype=object)
        confidence = np.full(n, np.nan)
        margin = np.full(n, np.nan)
        if len(proba):
            order = np.argsort(-proba, axis=1)
            names = np.asarray(self.classes_, dtype=object)
            label[usable] = names[order[:, 0]]
            second[usable] = names[order[:, 1]]
            top = np.take_along_axis(proba, order[:, :2], axis=1)
            confidence[usable] = top[:, 0]
            margin[usable] = top[:, 0] - top[:, 1]
        abstain = (
            ~usable
            | (status == "other_language")
            | (np.nan_to_num(confidence, nan=0.0) < self.threshold_)
        )
        if self.estimator_ is None:
            abstain |= np.nan_to_num(margin, nan=0.0) <= 1e-9
        out["label"] = label
        out["confidence"] = confidence
        out["second_label"] = second
        out["margin"] = margin
        out["abstain"] = abstain
        out["route"] = np.where(abstain, "human", label)
        out["language"] = [lang or None for lang in languages]
        out["status"] = status
        return out

    def label_next(
        self,
        data: Any,
        *,
        n: int | None = None,
        strategy: Literal["margin", "least_confidence"] = "margin",
    ) -> pd.DataFrame:
        """Order unlabelled texts by how much labelling them would teach the model.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Unlabelled texts with ``text_col``; not modified.
        n : int, optional
            Return only the first ``n``.
        strategy : {"margin", "least_confidence"}, default="margin"
            Smallest gap between the two most probable categories first, or lowest
            confidence first.

        Returns
        -------
        pandas.DataFrame
            The :meth:`predict` columns for routable texts plus ``priority`` (1 = label
            first), sorted by priority.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ParameterError
            If ``strategy`` is unknown.
        """
        self._check_fitted("label_next")
        if strategy not in ("margin", "least_confidence"):
            raise ParameterError(
                f"Unknown strategy {strategy!r}.",
                where="TextClassifier.label_next(strategy=...)",
                fix="Use 'margin' or 'least_confidence'.",
            )
        routed = self.predict(data)
        routed = routed[routed["label"].notna()]
        key = "margin" if strategy == "margin" else "confidence"
        routed = routed.sort_values(key, kind="stable", ignore_index=True)
        routed["priority"] = np.arange(1, len(routed) + 1)
        return routed if n is None else routed.head(n)

    def evaluate(self, data: Any) -> RoutingEvaluation:
        """Measure routing on labelled texts (held out from ``fit``).

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Texts with ``text_col`` and the true category in ``target_col``.

        Returns
        -------
        RoutingEvaluation
            Accuracy, macro-F1, per-category precision/recall, the top confusion pairs,
            and the share and precision of texts routed without a human.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or target column is absent.
        ParameterError
            If the model has no ``target_col`` (zero-shot) and the data has no
            ``category`` column.
        """
        self._check_fitted("evaluate")
        target = self.target_col or "category"
        frame = read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where="TextClassifier.evaluate",
            max_chars=int(self.max_chars),
        )[0]
        if target not in frame:
            raise ParameterError(
                f"Evaluation needs the true categories, but column {target!r} is absent.",
                where="TextClassifier.evaluate",
                fix="Pass labelled texts with the category column used at fit.",
            )
        routed = self.predict(frame)
        y = frame[target].to_numpy(dtype=object)
        keep = routed["label"].notna().to_numpy() & pd.notna(y)
        return routing_metrics(
            y[keep], routed["label"].to_numpy()[keep], ~routed["abstain"].to_numpy()[keep]
        )

    def explain(self, *, top: int = 10) -> pd.DataFrame:
        """List the words and word pieces that point to each category.

        Parameters
        ----------
        top : int, default=10
            Terms per category.

        Returns
        -------
        pandas.DataFrame
            ``category``, ``term`` and ``weight`` (the linear model's coefficient, or the
            TF-IDF weight in the description for zero-shot), largest first. A model on
            words + embeddings lists its word terms only; a model on embeddings alone has
            no readable terms and returns an empty table.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        names = self.features_.get_feature_names_out()
        embed_features = getattr(self, "embed_features_", "none")
        if embed_features == "embeddings":
            return pd.DataFrame(columns=["category", "term", "weight"])
        if self.estimator_ is None:
            weights = self.profiles_.toarray()
        else:
            weights = np.asarray(self.estimator_.coef_)[:, : len(names)]
            if weights.shape[0] == 1:
                weights = np.vstack([-weights[0], weights[0]])
        rows = []
        for category, w in zip(self.classes_, weights, strict=True):
            for j in np.argsort(-w, kind="stable")[:top]:
                if w[j] > 0:
                    term = str(names[j]).split("__", 1)[-1]
                    rows.append({"category": category, "term": term, "weight": float(w[j])})
        return pd.DataFrame(rows, columns=["category", "term", "weight"])

    def summary(self) -> dict[str, Any]:
        """Return the key facts of the fitted classifier as plain JSON-ready types.

        Returns
        -------
        dict
            ``method``, ``classes``, ``n_texts``, ``status_counts``, ``best`` (model,
            features, C, CV accuracy), ``candidates``, ``temperature``, ``threshold``,
            ``target_precision``, ``cv`` (out-of-fold accuracy, macro-F1, answered share
            and precision, per-class table, confusions; empty for zero-shot), ``similarity``
            (zero-shot: ``"embeddings"`` or ``"tfidf"``), ``embeddings`` (the features the
            trained model uses from the ``[embeddings]`` extra: ``"none"``,
            ``"embeddings"`` or ``"words+embeddings"``) and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        return {
            "usecase": self.usecase,
            "method": self.method_,
            "classes": list(self.classes_),
            "n_texts": int(self.n_texts_),
            "status_counts": dict(self.status_counts_),
            "best": dict(getattr(self, "best_", {})),
            "candidates": [dict(c) for c in self.candidates_],
            "temperature": float(self.temperature_),
            "threshold": float(self.threshold_),
            "target_precision": float(self.target_precision),
            "cv": dict(self.cv_metrics_),
            "similarity": str(getattr(self, "similarity_", "tfidf")),
            "embeddings": str(getattr(self, "embed_features_", "none")),
            "notes": list(self.notes_),
        }
