"""Customer segmentation: k-means, Ward or a self-organising map, profiled and named.

:class:`CustomerSegments` takes one row per customer, infers column roles
(:func:`revlearn.data.schema.infer_schema`; ids, dates, free text and constant columns are
left out with a note), builds a design for mixed numeric/categorical attributes, picks the
number of segments by silhouette (Davies–Bouldin and Calinski–Harabasz reported beside it),
measures how stable the segments are over bootstrap resamples, and describes every segment
against the base: size, share of customers and of value, trait index (100 = average) and a
readable name. The algorithms live in :mod:`revlearn.models.clustering`; this module holds
the contract, the profiles and the naming (marketing vocabulary for RFM-style columns such
as ``recency_days``, ``frequency``, ``monetary``, ``avg_order_value``, ``tenure_days``;
"high <trait>, low <trait>" otherwise).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from revlearn.data.features import customer_features
from revlearn.data.io import as_pandas
from revlearn.data.schema import Role, check_columns, infer_schema
from revlearn.errors import InputError, ParameterError, RevlearnWarning, SchemaError, short_list
from revlearn.models.clustering import (
    METHODS,
    WARD_ROWS,
    best_matching_units,
    bootstrap_stability,
    fit_partition,
    mixed_preprocessor,
    nearest_centre,
    null_silhouette,
    partition_scores,
    select_k,
    som_shape,
    train_som,
    u_matrix,
)
from revlearn.usecases._base import UseCase
from revlearn.usecases._columns import left_out
from revlearn.usecases.segments.profiles import group_means, profile_segments
from revlearn.usecases.segments.results import SegmentMetrics, SegmentProfiles, plain

__all__ = ["TRANSACTION_TRAITS", "CustomerSegments"]

#: The customer traits segmented on when the input is a transaction table.
TRANSACTION_TRAITS = ("recency_days", "frequency", "monetary", "avg_order_value", "tenure_days")

logger = logging.getLogger(__name__)

#: Most segments a user may ask for.
MAX_SEGMENTS = 30
#: Rows refitted in each bootstrap resample (Ward and SOM refits cost more).
BOOTSTRAP_ROWS = {"kmeans": 5000, "ward": 2000, "som": 2000}
#: Rows the SOM is trained on, and its training steps.
SOM_ROWS, SOM_ITER = 50_000, 5000
#: Customers kept for the 2-D map.
MAP_ROWS = 2000


class CustomerSegments(UseCase):
    """Group customers into segments with readable names and profiles.

    Parameters
    ----------
    method : {"kmeans", "ward", "som"}, default="kmeans"
        K-means (``MiniBatchKMeans`` above 100,000 customers); Ward's hierarchical
        clustering on a sample of at most 5,000 customers, the others assigned to the nearest
        segment centre; or a self-organising map (MiniSom, extra ``[segments]``) whose node
        prototypes are grouped by k-means, customers assigned by best-matching node.
    n_segments : int, optional
        Fixed number of segments (2–30); chosen by silhouette when None.
    min_segments : int, default=2
        Smallest number of segments tried.
    max_segments : int, default=8
        Largest number of segments tried.
    id_col : str, optional
        The customer id column; inferred when None (unique ``*_id``/``id`` column).
    columns : list of str, optional
        Trait columns; all usable columns when None.
    value_col : str, optional
        A money column (monetary, revenue) whose share each segment holds.
    n_bootstrap : int, default=20
        Bootstrap resamples for the stability measure (0 skips it).
    som_shape : tuple of int, optional
        SOM grid (rows, cols); about 5√n nodes when None.
    n_jobs : int, default=1
        Threads for the numeric libraries (k-means, distances); -1 uses every core.
    customer_col, timestamp_col, amount_col : str, optional
        Set ``timestamp_col`` to segment from a transaction table: each customer
        (``customer_col``) is first summarised by
        :func:`revlearn.data.features.customer_features` (money in ``amount_col``), and the
        segments are built on :data:`TRANSACTION_TRAITS` unless ``columns`` says otherwise;
        ``id_col`` becomes the customer column and ``value_col`` defaults to ``monetary``.
        ``predict`` and ``evaluate`` then take transactions too.
    until : str, optional
        With transactions: summarise them up to this day.
    random_state : int, default=0
        Seed.
    """

    usecase: ClassVar[str] = "segments"

    def __init__(
        self,
        *,
        method: str = "kmeans",
        n_segments: int | None = None,
        min_segments: int = 2,
        max_segments: int = 8,
        id_col: str | None = None,
        columns: list[str] | None = None,
        value_col: str | None = None,
        n_bootstrap: int = 20,
        som_shape: tuple[int, int] | None = None,
        n_jobs: int = 1,
        customer_col: str = "customer_id",
        timestamp_col: str | None = None,
        amount_col: str = "amount",
        until: str | None = None,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.n_segments = n_segments
        self.min_segments = min_segments
        self.max_segments = max_segments
        self.id_col = id_col
        self.columns = columns
        self.value_col = value_col
        self.n_bootstrap = n_bootstrap
        self.som_shape = som_shape
        self.n_jobs = n_jobs
        self.customer_col = customer_col
        self.timestamp_col = timestamp_col
        self.amount_col = amount_col
        self.until = until
        self.random_state = random_state

    # ----------------------------------------------------------------------------- fit
    def fit(self, data: Any) -> Self:
        """Find the segments, profile and name them, and measure their stability.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            One row per customer.

        Returns
        -------
        CustomerSegments
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If ``id_col``, ``value_col`` or a name in ``columns`` is not a column, or
            ``value_col`` is not numeric.
        ParameterError
            If ``method`` is unknown or a number of segments is out of range.
        InputError
            If no usable trait column remains, all customers are identical, or there are
            fewer than twice as many customers as segments.
        """
        where = "CustomerSegments.fit"
        frame = self._customers(as_pandas(data, where=where), where)
        ks = self._check_params(len(frame), where)
        threads = self._threads()
        given_id, value_col, columns = self._roles()
        named = [c for c in (given_id, value_col) if c is not None]
        check_columns(
            frame,
            [*named, *(columns or [])],
            where=where,
            hint="Pass column names exactly as they appear in the table (case matters).",
        )
        schema = infer_schema(frame, id_col=given_id)
        typed = schema.apply(frame, where=where)
        id_col = given_id or next((c for c, r in schema.roles.items() if r == Role.ID), None)
        numeric, categorical, notes = self._choose(schema.roles, typed, id_col, columns, where)
        notes = list(schema.notes) + notes
        if value_col is not None and not pd.api.types.is_numeric_dtype(typed[value_col]):
            raise SchemaError(
                f"Column {value_col!r} is not numeric, so it cannot be a value column.",
                where=where,
                fix="Pass a money column such as monetary or revenue as value_col.",
            )
        preprocessor, logged = mixed_preprocessor(typed, numeric, categorical)
        X = np.asarray(preprocessor.fit_transform(typed[numeric + categorical]), dtype=float)
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)  # a refit starts clean
        try:
            self.preprocessor_, self.schema_, self.id_col_ = preprocessor, schema, id_col
            self.input_columns_ = numeric + categorical
            self.columns_ = {"numeric": numeric, "log_scaled": logged, "categorical": categorical}
            self.value_col_ = value_col
            self.n_rows_ = len(X)
            with threadpool_limits(limits=threads):
                labels = self._cluster(X, ks)
                self._measure(X, labels)
                self._describe(typed, X, labels, len(numeric))
        except BaseException:
            for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
                delattr(self, name)  # nothing half-fitted
            raise
        self.notes_ = notes + self._structure_notes()
        return self

    def _threads(self) -> int | None:
        if self.n_jobs == -1:
            return None
        if not isinstance(self.n_jobs, int) or self.n_jobs < 1:
            raise ParameterError(
                f"n_jobs={self.n_jobs!r} is not a number of threads.",
                where="n_jobs",
                fix="Use a positive integer, or -1 for every core.",
            )
        return self.n_jobs

    def _check_params(self, n_rows: int, where: str) -> list[int]:
        if self.method not in METHODS:
            raise ParameterError(
                f"Unknown method {self.method!r}.",
                where="method",
                fix=f"Use one of: {', '.join(METHODS)}.",
            )
        k = self.n_segments
        if k is not None and not (2 <= k <= MAX_SEGMENTS):
            raise ParameterError(
                f"n_segments={k!r} is out of range.",
                where="n_segments",
                fix=f"Ask for 2 to {MAX_SEGMENTS} segments, or leave it unset to choose by "
                "silhouette.",
            )
        if not (2 <= self.min_segments <= self.max_segments <= MAX_SEGMENTS):
            raise ParameterError(
                f"min_segments={self.min_segments!r}, max_segments={self.max_segments!r} "
                "is not a valid range.",
                where="min_segments/max_segments",
                fix=f"Use 2 <= min_segments <= max_segments <= {MAX_SEGMENTS}.",
            )
        smallest = k if k is not None else self.min_segments
        if n_rows < 2 * smallest:
            raise InputError(
                f"Only {n_rows:,} customers for {smallest} segments; at least {2 * smallest} "
                "(twice the number of segments) are needed.",
                where=where,
                fix="Add customers or ask for fewer segments (n_segments).",
            )
        if k is not None:
            return [k]
        return list(range(self.min_segments, min(self.max_segments, n_rows // 2) + 1))

    def _roles(self) -> tuple[str | None, str | None, list[str] | None]:
        """The id, value and trait columns in effect (transactions imply RFM ones)."""
        if self.timestamp_col is None:
            return self.id_col, self.value_col, self.columns
        return (
            self.customer_col,
            self.value_col or "monetary",
            self.columns or list(TRANSACTION_TRAITS),
        )

    def _customers(self, frame: pd.DataFrame, where: str) -> pd.DataFrame:
        """Summarise a transaction table into one row per customer (transactions mode)."""
        if self.timestamp_col is None:
            return frame
        features = customer_features(
            frame,
            customer_col=self.customer_col,
            timestamp_col=self.timestamp_col,
            amount_col=self.amount_col,
            until=self.until,
        )
        traits = list(self.columns or TRANSACTION_TRAITS)
        value = self.value_col or "monetary"
        keep = [self.customer_col, *traits, *([value] if value not in traits else [])]
        check_columns(
            features,
            keep,
            where=where,
            hint="With transactions, name columns of revlearn.data.features.customer_features.",
        )
        return features[keep]

    def _choose(
        self,
        roles: dict[str, str],
        typed: pd.DataFrame,
        id_col: str | None,
        columns: list[str] | None,
        where: str,
    ) -> tuple[list[str], list[str], list[str]]:
        wanted = columns or [c for c in roles if c != id_col]
        numeric, categorical, notes = [], [], []
        for col in wanted:
            role = roles[col]
            if col == id_col or role == Role.ID:
                notes.append(f"Column {col!r} left out: it identifies customers.")
                continue
            reason = left_out(col, role, typed[col])
            if reason and role in (Role.CONSTANT, Role.EMPTY):
                continue  # the schema's notes already say so
            if reason:
                notes.append(f"Column {col!r} left out: {reason}.")
            elif role in (Role.NUMERIC, Role.BOOLEAN):
                numeric.append(col)
            elif role == Role.CATEGORICAL:
                categorical.append(col)
        if numeric or categorical:
            return numeric, categorical, notes
        if wanted and all(roles[c] in (Role.CONSTANT, Role.EMPTY) for c in wanted):
            raise InputError(
                f"All {len(typed):,} customers have identical values in "
                f"{short_list(wanted)}, so there is nothing to segment.",
                where=where,
                fix="Pass a table whose customers differ (e.g. RFM features built from orders).",
            )
        raise InputError(
            "No usable feature columns: ids, dates, free text and constant columns are left "
            f"out, and nothing else remains (columns seen: {short_list(wanted) or 'none'}).",
            where=where,
            fix="Add numeric or categorical customer attributes, or name them with columns=.",
        )

    def _cluster(self, X: np.ndarray, ks: list[int]) -> np.ndarray:
        rng = np.random.default_rng(self.random_state)
        # random order: the first rows of the sample are a random sample too (map, bootstrap)
        sample = rng.permutation(len(X))[: min(len(X), WARD_ROWS)]
        self.sample_rows_ = sample
        weights = tree = None
        if self.method == "som":
            shape = tuple(self.som_shape) if self.som_shape else som_shape(len(X))
            rows = rng.permutation(len(X))[: min(len(X), SOM_ROWS)]
            weights = train_som(X[rows], (shape[0], shape[1]), n_iter=SOM_ITER,
                                random_state=self.random_state)  # fmt: skip
            self.som_shape_ = [int(shape[0]), int(shape[1])]
            self.som_weights_ = weights
            self.u_matrix_ = u_matrix(weights, (shape[0], shape[1]))
        if self.method == "ward":
            tree = linkage(X[sample], method="ward")
            self.linkage_ = tree
        candidates = select_k(
            X[sample],
            ks,
            self.method,
            random_state=self.random_state,
            som_weights=weights,
            tree=tree,
        )
        if not candidates:
            raise InputError(
                f"The customers could not be split into {short_list(ks)} distinct segments.",
                where="CustomerSegments.fit",
                fix="Many customers have identical values: ask for fewer segments.",
            )
        k = int(max(candidates, key=lambda c: c["silhouette"])["k"])
        self.candidates_ = candidates
        self.chosen_by_ = "fixed" if self.n_segments is not None else "silhouette"
        rows_for = X[sample] if self.method == "ward" else X
        part = fit_partition(
            rows_for,
            k,
            self.method,
            random_state=self.random_state,
            som_weights=weights,
            tree=tree,
        )
        if self.method == "som":
            assert weights is not None
            labels = part["node_segments"][best_matching_units(X, weights)]
        else:
            labels = nearest_centre(X, part["centres"])[0]
        counts = np.bincount(labels, minlength=k)
        new_id = np.empty(k, dtype=np.int64)
        new_id[np.argsort(-counts, kind="stable")] = np.arange(k)
        labels = new_id[labels]
        if self.method == "som":
            self.som_node_segments_ = new_id[part["node_segments"]]
            self.centres_ = group_means(X, labels, k)
        else:
            self.centres_ = part["centres"][np.argsort(new_id)]
        self.n_segments_ = int(k)
        self.method_ = self.method
        return labels

    def _measure(self, X: np.ndarray, labels: np.ndarray) -> None:
        sample = self.sample_rows_
        k = self.n_segments_
        self.scores_ = partition_scores(X[sample], labels[sample], random_state=self.random_state)
        self.null_silhouette_ = null_silhouette(X[sample], k, random_state=self.random_state)
        boot = sample[: BOOTSTRAP_ROWS[self.method_]]
        values = bootstrap_stability(
            X[boot],
            labels[boot],
            k,
            self.method_,
            n_resamples=self.n_bootstrap,
            random_state=self.random_state,
            som_shape_=(self.som_shape_[0], self.som_shape_[1]) if self.method_ == "som" else None,
        )
        self.stability_: dict[str, Any] = {
            "median": float(np.median(values)) if values else None,
            "min": float(np.min(values)) if values else None,
            "max": float(np.max(values)) if values else None,
            "n_resamples": len(values),
            "rows": len(boot),
            "values": [float(v) for v in values],
        }
        silhouette = self.scores_["silhouette"]
        margin = silhouette - self.null_silhouette_
        stable = self.stability_["median"]
        if margin < 0.05 or (stable is not None and stable < 0.6):
            self.structure_ = "weak"
        elif margin >= 0.15 and (stable is None or stable >= 0.8):
            self.structure_ = "clear"
        else:
            self.structure_ = "moderate"
        pca = PCA(2 if X.shape[1] > 1 else 1, random_state=self.random_state).fit(X[sample])
        shown = sample[:MAP_ROWS]
        self.map_: dict[str, Any] = {
            "xy": _two_columns(pca.transform(X[shown])),
            "segments": labels[shown],
            "centres": _two_columns(pca.transform(self.centres_)),
            "explained": [float(v) for v in pca.explained_variance_ratio_],
        }

    def _structure_notes(self) -> list[str]:
        silhouette = self.scores_["silhouette"]
        stable = self.stability_["median"]
        stability = f", bootstrap stability (median ARI) {stable:.2f}" if stable is not None else ""
        if self.structure_ != "weak":
            return [
                f"{self.structure_.capitalize()} segment structure: silhouette {silhouette:.2f} "
                f"(a structureless blob gives {self.null_silhouette_:.2f}){stability}."
            ]
        note = (
            f"No clear segment structure: best silhouette {silhouette:.2f} (a structureless "
            f"blob of the same shape gives {self.null_silhouette_:.2f}){stability}. The "
            "segments cut a continuum; use them as convenient groups, not natural types."
        )
        warnings.warn(note, RevlearnWarning, stacklevel=3)
        return [note]

    # -------------------------------------------------------------- profiles and names
    def _describe(self, typed: pd.DataFrame, X: np.ndarray, labels: np.ndarray, n_num: int) -> None:
        self.segments_, self.traits_ = profile_segments(
            typed,
            X[:, :n_num],
            labels,
            self.n_segments_,
            numeric=self.columns_["numeric"],
            categorical=self.columns_["categorical"],
            yes_no=set(self.schema_.columns(Role.BOOLEAN)),
            value_col=self.value_col_,
        )

    # ------------------------------------------------------------------------- predict
    def _design(self, data: Any, call: str) -> tuple[pd.DataFrame, np.ndarray]:
        self._check_fitted(call)
        where = f"CustomerSegments.{call}"
        frame = self._customers(as_pandas(data, where=where), where)
        check_columns(
            frame,
            self.input_columns_,
            where=where,
            hint="Segment customers with the same columns the model was fitted on.",
        )
        typed = self.schema_.apply(frame[self.input_columns_], where=where)
        return frame, np.asarray(self.preprocessor_.transform(typed), dtype=float)

    def _assign(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with threadpool_limits(limits=self._threads()):
            if self.method_ == "som":
                labels = self.som_node_segments_[best_matching_units(X, self.som_weights_)]
                return labels, np.sqrt(((X - self.centres_[labels]) ** 2).sum(axis=1))
            return nearest_centre(X, self.centres_)

    def predict(self, data: Any) -> pd.DataFrame:
        """Assign customers to the fitted segments.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            One row per customer with the trait columns (extra columns are ignored; unseen
            categories count as none of the known levels).

        Returns
        -------
        pandas.DataFrame
            In input order: the id column (or ``row``, the 0-based position), ``segment``
            (int, 0 = largest), ``segment_name`` and ``distance`` (Euclidean, in the scaled
            trait space, to the segment's centre; large values are atypical members).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If trait columns are missing (all are named).
        """
        frame, X = self._design(data, "predict")
        labels, distance = self._assign(X)
        key = self.id_col_ if self.id_col_ in frame.columns else "row"
        ids = frame[key].to_numpy() if key != "row" else np.arange(len(frame))
        names = np.asarray([s["name"] for s in self.segments_], dtype=object)
        return pd.DataFrame(
            {key: ids, "segment": labels, "segment_name": names[labels], "distance": distance}
        )

    # -------------------------------------------------------------- evaluate / explain
    def evaluate(self, data: Any | None = None) -> SegmentMetrics:
        """Measure separation (on new customers or the fit sample) and fit-time stability.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            Customers to assign and measure; by default the fit's sample.

        Returns
        -------
        SegmentMetrics
            Silhouette (on at most 3,000 rows), Davies–Bouldin, Calinski–Harabasz, bootstrap
            stability and the structure verdict.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If trait columns are missing.
        """
        self._check_fitted("evaluate")
        scores, n_rows = self.scores_, len(self.sample_rows_)
        if data is not None:
            _, X = self._design(data, "evaluate")
            scores, n_rows = (
                partition_scores(X, self._assign(X)[0], random_state=self.random_state),
                len(X),
            )
        st = self.stability_
        return SegmentMetrics(
            silhouette=float(scores["silhouette"]),
            davies_bouldin=float(scores["davies_bouldin"]),
            calinski_harabasz=float(scores["calinski_harabasz"]),
            stability_median=float("nan") if st["median"] is None else float(st["median"]),
            stability_min=float("nan") if st["min"] is None else float(st["min"]),
            stability_max=float("nan") if st["max"] is None else float(st["max"]),
            n_rows=int(n_rows),
            structure=self.structure_,
        )

    def explain(self) -> SegmentProfiles:
        """Describe every segment against all customers.

        Returns
        -------
        SegmentProfiles
            ``segments`` (size, shares, name, description) and ``traits`` (segment vs
            overall mean or level share, index and standardised difference).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("explain")
        traits = pd.DataFrame(self.traits_)
        traits = traits[
            ["segment", "name", "trait", "segment_value", "overall_value", "index", "z"]
        ]
        return SegmentProfiles(segments=pd.DataFrame(self.segments_), traits=traits)

    def summary(self) -> dict[str, Any]:
        """Return what a person wants to know after fitting, JSON-ready.

        Returns
        -------
        dict
            ``method``, ``n_segments``, ``chosen_by`` (``"silhouette"`` or ``"fixed"``),
            ``rows``, ``id``, ``value_col``, ``columns`` (numeric, log_scaled, categorical),
            ``candidates`` (per k: silhouette, davies_bouldin, calinski_harabasz),
            ``scores`` (of the chosen k), ``null_silhouette``, ``stability`` (median, min,
            max, n_resamples, rows), ``structure`` (clear/moderate/weak), ``segments``
            (segment, name, size, share, value_share, value_mean, description), ``notes``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("summary")
        return {
            "method": self.method_,
            "n_segments": self.n_segments_,
            "chosen_by": self.chosen_by_,
            "rows": self.n_rows_,
            "id": self.id_col_,
            "value_col": self.value_col_,
            "columns": {k: list(v) for k, v in self.columns_.items()},
            "candidates": [{k: plain(v) for k, v in c.items()} for c in self.candidates_],
            "scores": {k: plain(v) for k, v in self.scores_.items()},
            "null_silhouette": plain(self.null_silhouette_),
            "stability": {k: v for k, v in self.stability_.items() if k != "values"},
            "structure": self.structure_,
            "segments": [dict(s) for s in self.segments_],
            "notes": list(self.notes_),
        }


def _two_columns(xy: np.ndarray) -> np.ndarray:
    return xy if xy.shape[1] == 2 else np.column_stack([xy[:, 0], np.zeros(len(xy))])
