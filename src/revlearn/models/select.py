"""Choose a model for a yes/no outcome by stratified cross-validation within a time budget.

Each candidate is scored out-of-fold on the same folds (the design matrices are built once
per fold and flavour and shared). The best candidate gets a light tuning pass over its small
grid while the budget lasts; its out-of-fold scores then calibrate the final model (Platt),
so no data is spent twice. Candidates run one after another, single-threaded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.model_selection import StratifiedKFold

from revlearn.errors import ParameterError, short_list
from revlearn.models.candidates import Candidate
from revlearn.models.design import Flavour, make_design
from revlearn.models.tabular import fit_estimator, raw_score

__all__ = ["CandidateResult", "Columns", "Selection", "measure_learning_curve", "select_binary"]

logger = logging.getLogger(__name__)

Progress = Callable[[str, float], None]

_SCORERS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "roc_auc": skm.roc_auc_score,
    "pr_auc": skm.average_precision_score,
}


@dataclass(frozen=True)
class Columns:
    """The columns a model uses, by kind."""

    numeric: list[str]
    categorical: list[str]

    def design(self, flavour: Flavour) -> Any:
        """Return an unfitted design for these columns.

        Parameters
        ----------
        flavour : {"onehot", "native"}
            Preprocessing flavour.

        Returns
        -------
        sklearn.compose.ColumnTransformer
            The design.
        """
        return make_design(numeric=self.numeric, categorical=self.categorical, flavour=flavour)


@dataclass(frozen=True)
class CandidateResult:
    """Cross-validated result of one candidate configuration."""

    name: str
    label: str
    params: dict[str, Any]
    valid_mean: float
    valid_std: float
    train_mean: float
    seconds: float
    variant: str = "defaults"

    @property
    def tuned(self) -> bool:
        """Whether this configuration came from the tuning pass."""
        return self.variant != "defaults"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping.

        Returns
        -------
        dict
            Field name → value.
        """
        return {**asdict(self), "tuned": self.tuned}


@dataclass
class Selection:
    """Outcome of :func:`select_binary`."""

    best: Candidate
    best_params: dict[str, Any]
    results: list[CandidateResult]
    oof_raw: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    skipped: list[str]
    metric: str

    @property
    def best_result(self) -> CandidateResult:
        """The winning configuration's result."""
        winner = [
            r for r in self.results if r.name == self.best.name and r.params == self.best_params
        ]
        return winner[0]


class _FoldCache:
    """Design matrices per (flavour, fold), built once and shared by the candidates."""

    def __init__(
        self, frame: pd.DataFrame, columns: Columns, folds: Sequence[tuple[np.ndarray, np.ndarray]]
    ) -> None:
        self.frame, self.columns, self.folds = frame, columns, folds
        self._cache: dict[tuple[str, int], tuple[Any, np.ndarray, np.ndarray]] = {}

    def get(self, flavour: Flavour, k: int) -> tuple[Any, np.ndarray, np.ndarray]:
        key = (flavour, k)
        if key not in self._cache:
            train, valid = self.folds[k]
            design = self.columns.design(flavour)
            X_train = design.fit_transform(self.frame.iloc[train])
            self._cache[key] = (design, X_train, design.transform(self.frame.iloc[valid]))
        return self._cache[key]


def _cross_validate(
    cand: Candidate,
    params: Mapping[str, Any],
    cache: _FoldCache,
    y: np.ndarray,
    scorer: Callable[[np.ndarray, np.ndarray], float],
) -> tuple[np.ndarray, list[float], list[float]]:
    oof = np.zeros(len(y))
    valid_scores, train_scores = [], []
    for k, (train, valid) in enumerate(cache.folds):
        design, X_train, X_valid = cache.get(cand.flavour, k)
        model = fit_estimator(
            cand.make(**params), X_train, y[train], design, cache.columns.categorical
        )
        oof[valid] = raw_score(model, X_valid)
        valid_scores.append(scorer(y[valid], oof[valid]))
        train_scores.append(scorer(y[train], raw_score(model, X_train)))
    return oof, valid_scores, train_scores


def select_binary(
    frame: pd.DataFrame,
    y: np.ndarray,
    columns: Columns,
    candidates: Sequence[Candidate],
    *,
    metric: str = "roc_auc",
    n_folds: int = 5,
    time_budget: float = 45.0,
    random_state: int = 0,
    progress: Progress | None = None,
) -> Selection:
    """Cross-validate the candidates, tune the best one lightly, and return the winner.

    Parameters
    ----------
    frame : pandas.DataFrame
        Typed input columns.
    y : numpy.ndarray of {0, 1}
        Outcomes.
    columns : Columns
        Columns by kind.
    candidates : sequence of Candidate
        In order of preference (simplest to explain and fastest to score first). Once the
        budget is spent the remaining ones are skipped; a candidate within one standard
        error of the best score loses only to an earlier one (Breiman's one-standard-error
        rule: prefer the simpler model when the difference is noise).
    metric : {"roc_auc", "pr_auc"}, default="roc_auc"
        What "best" means.
    n_folds : int, default=5
        Stratified folds.
    time_budget : float, default=45.0
        Seconds for selection and tuning (the first candidate always runs).
    random_state : int, default=0
        Seed of the fold split.
    progress : callable, optional
        Called as ``progress(message, fraction_done)``.

    Returns
    -------
    Selection
        The best candidate and parameters, every result, and its out-of-fold scores.

    Raises
    ------
    ParameterError
        If ``metric`` is unknown.
    """
    if metric not in _SCORERS:
        raise ParameterError(
            f"Unknown selection metric {metric!r}.",
            where="metric",
            fix=f"Use one of: {short_list(_SCORERS)}.",
        )
    scorer = _SCORERS[metric]
    splitter = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=random_state)
    folds = list(splitter.split(np.zeros(len(y)), y))
    cache = _FoldCache(frame, columns, folds)
    start = time.perf_counter()
    results: list[CandidateResult] = []
    oofs: dict[tuple[str, str], np.ndarray] = {}
    skipped: list[str] = []
    plan: list[tuple[Candidate, Mapping[str, Any]]] = [(c, {}) for c in candidates]
    total = len(plan) + max(len(c.grid) for c in candidates)
    for i, (cand, variant) in enumerate(plan):
        if results and time.perf_counter() - start > time_budget:
            skipped.append(cand.name)
            continue
        if progress:
            progress(f"cross-validating {cand.label}", i / total)
        results.append(_run(cand, variant, cache, y, scorer, oofs))
    best_cand = _preferred(results, candidates, n_folds)
    for j, variant in enumerate(best_cand.grid):
        if time.perf_counter() - start > time_budget:
            break
        if progress:
            progress(f"tuning {best_cand.label}", (len(plan) + j) / total)
        results.append(_run(best_cand, variant, cache, y, scorer, oofs))
    best = max((r for r in results if r.name == best_cand.name), key=lambda r: r.valid_mean)
    if skipped:
        logger.info("Time budget reached; skipped %s", ", ".join(skipped))
    return Selection(
        best=best_cand,
        best_params=dict(best.params),
        results=results,
        oof_raw=oofs[(best.name, repr(sorted(best.params.items())))],
        folds=folds,
        skipped=skipped,
        metric=metric,
    )


def _preferred(
    results: Sequence[CandidateResult], candidates: Sequence[Candidate], n_folds: int
) -> Candidate:
    """The earliest candidate whose score is within one standard error of the best."""
    best = max(results, key=lambda r: r.valid_mean)
    floor = best.valid_mean - best.valid_std / np.sqrt(n_folds)
    close = {r.name for r in results if r.valid_mean >= floor}
    return next(c for c in candidates if c.name in close)


def _run(
    cand: Candidate,
    variant: Mapping[str, Any],
    cache: _FoldCache,
    y: np.ndarray,
    scorer: Callable[[np.ndarray, np.ndarray], float],
    oofs: dict[tuple[str, str], np.ndarray],
) -> CandidateResult:
    t0 = time.perf_counter()
    params = {**cand.defaults, **variant}
    oof, valid, train = _cross_validate(cand, params, cache, y, scorer)
    oofs[(cand.name, repr(sorted(params.items())))] = oof
    result = CandidateResult(
        name=cand.name,
        label=cand.label,
        params=params,
        valid_mean=float(np.mean(valid)),
        valid_std=float(np.std(valid)),
        train_mean=float(np.mean(train)),
        seconds=time.perf_counter() - t0,
        variant=", ".join(f"{k}={v}" for k, v in variant.items()) or "defaults",
    )
    logger.info(
        "%s %s: %.4f ± %.4f (%.1fs)",
        cand.name,
        result.variant,
        result.valid_mean,
        result.valid_std,
        result.seconds,
    )
    return result


def measure_learning_curve(
    cand: Candidate,
    params: Mapping[str, Any],
    frame: pd.DataFrame,
    y: np.ndarray,
    columns: Columns,
    fold: tuple[np.ndarray, np.ndarray],
    *,
    metric: str = "roc_auc",
    fractions: Sequence[float] = (0.125, 0.25, 0.5, 1.0),
    random_state: int = 0,
) -> dict[str, Any]:
    """Fit one configuration on growing shares of a fold's training rows.

    Parameters
    ----------
    cand : Candidate
        The model family.
    params : mapping
        Its parameters.
    frame : pandas.DataFrame
        Typed input columns.
    y : numpy.ndarray of {0, 1}
        Outcomes.
    columns : Columns
        Columns by kind.
    fold : tuple of numpy.ndarray
        ``(train, valid)`` row positions.
    metric : {"roc_auc", "pr_auc"}, default="roc_auc"
        The metric.
    fractions : sequence of float
        Shares of the training rows, ascending, ending at 1.0.
    random_state : int, default=0
        Seed of the subsampling.

    Returns
    -------
    dict
        ``n_rows``, ``n_positive``, ``train_score``, ``valid_score`` lists (points whose
        subsample holds only one outcome are left out).
    """
    scorer = _SCORERS[metric]
    train, valid = fold
    order = np.random.default_rng(random_state).permutation(train)
    out: dict[str, list[float]] = {
        "n_rows": [],
        "n_positive": [],
        "train_score": [],
        "valid_score": [],
    }
    for share in fractions:
        part = order[: max(round(share * len(order)), 2)]
        if len(np.unique(y[part])) < 2:
            continue
        design = columns.design(cand.flavour)
        X_part = design.fit_transform(frame.iloc[part])
        model = fit_estimator(cand.make(**params), X_part, y[part], design, columns.categorical)
        out["n_rows"].append(len(part))
        out["n_positive"].append(int(y[part].sum()))
        out["train_score"].append(scorer(y[part], raw_score(model, X_part)))
        out["valid_score"].append(
            scorer(y[valid], raw_score(model, design.transform(frame.iloc[valid])))
        )
    return out
