"""Unusual transactions (fraud, errors, abuse) with the reasons in plain words.

:class:`TransactionAnomalies` describes every transaction against the customer's own
earlier transactions (:mod:`revlearn.data.transactions`: amount against the usual, bursts,
first use of a channel/device/country, refunds, odd hours), scores how unusual the
combination is with scikit-learn's :class:`~sklearn.ensemble.IsolationForest` (default) or
:class:`~sklearn.neighbors.LocalOutlierFactor` (``novelty=True``, fitted on a sample), and
says which features make each transaction unusual.

Reasons are hand-written because neither model explains itself: every feature is turned
into "how unusual" (upper tail share of the training transactions at least as extreme,
from a stored quantile grid), the three rarest features of a transaction become its
reasons, and each is rendered with its own sentence ("amount 12.4× this customer's usual
(35.20)"). Everything is vectorised over features, never looped over rows.

Scores are percentiles of the training scores (0–1, higher = more unusual); the flag is
the top ``contamination`` share of training. The fitted state is numpy arrays, plain
numbers and the scikit-learn estimator, so it is saved by the workspace registry (skops).
The model keeps no per-customer state: new transactions are described against the
history given to ``predict`` (the scored table itself, plus ``history=`` if passed).

On a planted benchmark (``bench/anomalies.py``) the isolation forest finds bursts and
new-channel-at-night frauds first; a single very large amount, unusual in one feature
only, ranks in the top few per cent rather than at the very top (isolation forests
favour points that stand out in several features). The local outlier factor does the
opposite: it finds the amount and channel frauds but masks tight clusters such as bursts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar, Literal, Self

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.data.transactions import (
    FEATURE_DESCRIPTIONS,
    Transactions,
    feature_sentences,
    lines_to_orders,
    population_reference,
    read_transactions,
    tail_shares,
    transaction_features,
)
from revlearn.errors import InputError, ParameterError
from revlearn.evaluate.detection import AnomalyMetrics, detection_metrics
from revlearn.usecases._base import UseCase
from revlearn.usecases._target import binary_target

__all__ = ["AnomalyMetrics", "TransactionAnomalies"]

logger = logging.getLogger(__name__)

#: Quantile levels of the stored grids (denser in the top 1 %, where scores matter).
_LEVELS = np.unique(np.r_[np.linspace(0.0, 0.99, 991), np.linspace(0.99, 1.0, 1001)])
#: Fewest transactions ``fit`` accepts.
MIN_ROWS = 20
#: Features whose *low* values are unusual (the rest: high values; amount_z: both sides).
_LOW_IS_UNUSUAL = frozenset({"gap_log"})
_METHODS = ("isolation_forest", "lof")


class TransactionAnomalies(UseCase):
    """Score transactions by how unusual they are for the customer, with reasons.

    Use it to find likely fraud, data errors or abuse in an order or payment table when few
    or no cases are labelled: the model learns what normal looks like and ranks the rest.

    Parameters
    ----------
    customer_col : str, default="customer_id"
        The customer (or account, card) column (``--customer``).
    timestamp_col : str, default="timestamp"
        When the transaction happened (``--timestamp``).
    amount_col : str, default="amount"
        Money per transaction (``--amount``); negative amounts are refunds.
    order_col : str, optional
        The order id of an order-line table (``--order``): lines of one order booked at
        one time are first collapsed into one transaction
        (:func:`revlearn.data.transactions.lines_to_orders`), and the order id identifies
        the rows ``predict`` returns.
    id_col : str, optional
        The transaction or order id, returned by ``predict``; rows are numbered otherwise.
    channel_col, device_col, country_col : str, optional
        Context columns; a customer's first use of a value is a feature.
    quantity_col : str, optional
        Items per transaction.
    method : {"isolation_forest", "lof"}, default="isolation_forest"
        The outlier model: isolation forest (fast on millions of rows) or local outlier
        factor (density against the nearest neighbours; fitted on ``max_fit_rows``).
    contamination : float, default=0.01
        Share of transactions to flag (the top of the training scores).
    n_estimators : int, default=100
        Trees of the isolation forest.
    n_neighbors : int, default=60
        Neighbours of the local outlier factor.
    max_fit_rows : int, default=2000
        Transactions sampled to fit the local outlier factor (the forest samples 256 per
        tree itself); all are scored. Scoring costs grow with it: about 30 s per million
        transactions at 2,000.
    reason_share : float, default=0.05
        A feature becomes a reason when at most this share of the training transactions
        is as unusual.
    random_state : int, default=0
        Seed of the forest and the samples.
    """

    usecase: ClassVar[str] = "anomalies"

    def __init__(
        self,
        *,
        customer_col: str = "customer_id",
        timestamp_col: str = "timestamp",
        amount_col: str = "amount",
        order_col: str | None = None,
        id_col: str | None = None,
        channel_col: str | None = None,
        device_col: str | None = None,
        country_col: str | None = None,
        quantity_col: str | None = None,
        method: Literal["isolation_forest", "lof"] = "isolation_forest",
        contamination: float = 0.01,
        n_estimators: int = 100,
        n_neighbors: int = 60,
        max_fit_rows: int = 2000,
        reason_share: float = 0.05,
        random_state: int = 0,
    ) -> None:
        self.customer_col = customer_col
        self.timestamp_col = timestamp_col
        self.amount_col = amount_col
        self.order_col = order_col
        self.id_col = id_col
        self.channel_col = channel_col
        self.device_col = device_col
        self.country_col = country_col
        self.quantity_col = quantity_col
        self.method = method
        self.contamination = contamination
        self.n_estimators = n_estimators
        self.n_neighbors = n_neighbors
        self.max_fit_rows = max_fit_rows
        self.reason_share = reason_share
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any) -> Self:
        """Learn what normal transactions look like.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            One row per transaction with the customer, timestamp and amount columns (and
            the optional context columns named in the parameters); not modified. Label
            columns, if any, are ignored.

        Returns
        -------
        TransactionAnomalies
            ``self``, fitted.

        Raises
        ------
        ParameterError
            If ``method``, ``contamination``, ``reason_share`` or a size is out of range.
        SchemaError
            If a named column is absent, timestamps are numbers or amounts are not numbers.
        InputError
            If timestamps cannot be read or fewer than 20 transactions are complete.
        """
        where = f"{type(self).__name__}.fit"
        self._check_params(where)
        tx = self._read(self._frame(data, where), where)
        if len(tx) < MIN_ROWS:
            raise InputError(
                f"Only {len(tx)} complete transactions; at least {MIN_ROWS} are needed to "
                "learn what is normal.",
                where=where,
                fix="Fit on a longer period or more customers.",
            )
        self.reference_ = population_reference(tx)
        table = transaction_features(tx, self.reference_)
        self.features_ = [f for f in FEATURE_DESCRIPTIONS if f in table.columns]
        self.n_transactions_ = len(tx)
        X = table[self.features_].to_numpy(dtype=float)
        raw = self._fit_model(X)
        self.n_customers_ = len(tx.customer_ids)
        flagged = raw >= self.threshold_raw_
        self.n_flagged_ = int(flagged.sum())
        codes = self._reason_codes(X[flagged])[0][:, 0]
        found = codes[codes >= 0]
        self.reason_counts_ = {
            self.features_[int(i)]: int(c)
            for i, c in zip(*np.unique(found, return_counts=True), strict=True)
        }
        self.notes_ = list(tx.notes)
        logger.info(
            "Fitted %s on %d transactions of %d customers; %d flagged.",
            self.method,
            self.n_transactions_,
            self.n_customers_,
            self.n_flagged_,
        )
        return self

    def _fit_model(self, X: np.ndarray) -> np.ndarray:
        """Learn the scaling, the tail grids, the outlier model and the threshold."""
        q75, q25 = np.percentile(X, [75, 25], axis=0)
        scale = (q75 - q25) / 1.349
        self.center_ = np.median(X, axis=0)
        self.scale_ = np.where(scale > 1e-9, scale, 1.0)  # flags and rare counts: 1 unit
        self.unusual_grid_ = np.quantile(
            self._unusualness(X), _LEVELS, axis=0, method="inverted_cdf"
        )
        Z = self._standardise(X)
        self.model_ = self._build(len(Z))
        if self.method == "lof" and len(Z) > self.max_fit_rows:
            rng = np.random.default_rng(self.random_state)
            self.model_.fit(Z[rng.choice(len(Z), self.max_fit_rows, replace=False)])
        else:
            self.model_.fit(Z)
        raw: np.ndarray = -self.model_.score_samples(Z)
        self.score_grid_ = np.quantile(raw, _LEVELS)
        self.threshold_raw_ = float(np.quantile(raw, 1.0 - self.contamination))
        return raw

    def _check_params(self, where: str) -> None:
        if self.method not in _METHODS:
            raise ParameterError(
                f"method must be one of {', '.join(_METHODS)}, got {self.method!r}.",
                where=f"{where}(method=...)",
                fix="Pass method='isolation_forest' or method='lof'.",
            )
        for name in ("contamination", "reason_share"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0.0 < value < 0.5:
                raise ParameterError(
                    f"{name} must be a share between 0 and 0.5, got {value!r}.",
                    where=f"{where}({name}=...)",
                    fix=f"Pass e.g. {name}=0.01 (1 %).",
                )
        for name in ("n_estimators", "n_neighbors", "max_fit_rows"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
                raise ParameterError(
                    f"{name} must be a whole number of at least 2, got {value!r}.",
                    where=f"{where}({name}=...)",
                    fix=f"Pass {name} as an int, or leave the default.",
                )

    def _frame(self, data: Any, where: str) -> pd.DataFrame:
        """The input as pandas; order lines collapsed into orders when ``order_col`` is set."""
        frame = as_pandas(data, where=where)
        if self.order_col is None:
            return frame
        return lines_to_orders(
            frame,
            order_col=self.order_col,
            timestamp_col=self.timestamp_col,
            amount_col=self.amount_col,
            quantity_col=self.quantity_col,
            where=where,
        )

    def _read(self, data: Any, where: str) -> Transactions:
        return read_transactions(
            data,
            customer_col=self.customer_col,
            timestamp_col=self.timestamp_col,
            amount_col=self.amount_col,
            channel_col=self.channel_col,
            device_col=self.device_col,
            country_col=self.country_col,
            quantity_col=self.quantity_col,
            where=where,
        )

    def _build(self, n_rows: int) -> IsolationForest | LocalOutlierFactor:
        if self.method == "lof":
            n_neighbors = min(self.n_neighbors, max(2, min(n_rows, self.max_fit_rows) - 1))
            return LocalOutlierFactor(n_neighbors=n_neighbors, novelty=True, n_jobs=1)
        return IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=min(256, n_rows),
            random_state=self.random_state,
            n_jobs=1,
        )

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return np.clip((X - self.center_) / self.scale_, -50.0, 50.0)

    def _unusualness(self, X: np.ndarray) -> np.ndarray:
        """Each feature oriented so that larger means more unusual."""
        U = X.copy()
        for j, name in enumerate(self.features_):
            if name == "amount_z":
                U[:, j] = np.abs(U[:, j])
            elif name in _LOW_IS_UNUSUAL:
                U[:, j] = -U[:, j]
        return U

    def _tails(self, X: np.ndarray) -> np.ndarray:
        """Per feature, the share of training transactions at least as unusual."""
        return self._tails_of(self._unusualness(X))

    def _tails_of(self, U: np.ndarray) -> np.ndarray:
        tails = tail_shares(np.asarray(self.unusual_grid_), _LEVELS, U)
        return np.maximum(tails, 0.5 / self.n_transactions_)

    def _reason_codes(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Top-3 feature indices per row (-1: nothing unusual) and their tail shares."""
        tails = self._tails(X)
        size = np.abs(self._standardise(X))
        strength = -np.log10(tails) + 1e-3 * np.minimum(size, 50.0)
        top = np.argsort(-strength, axis=1, kind="stable")[:, :3]
        top_tail = np.take_along_axis(tails, top, axis=1)
        codes = np.where(top_tail <= self.reason_share, top, -1)
        return codes, top_tail

    # ------------------------------------------------------------------ predict
    def predict(
        self, data: Any, *, history: Any | None = None, detail: bool = False
    ) -> pd.DataFrame:
        """Score transactions: how unusual, the flag and up to three reasons.

        Features are computed on ``data`` itself: each transaction is compared with the
        customer's earlier transactions *in data*. To judge new transactions against a
        longer past, pass that past as ``history`` (e.g. the training table): it is
        prepended, used as history and not scored. The model stores no per-customer state.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            Transactions with the columns named at fit; not modified. Rows without a
            customer, timestamp or amount are dropped with a warning.
        history : pandas.DataFrame, optional
            Earlier transactions with the same columns, used only as history.
        detail : bool, default=False
            Also return ``outlier_score`` (the model's own score, higher = more unusual)
            and ``reason_code_1..3`` (the feature behind each reason, see
            :data:`revlearn.data.transactions.FEATURE_DESCRIPTIONS`; empty when none).

        Returns
        -------
        pandas.DataFrame
            One row per scored transaction, in input order: the id column (or ``row``,
            the 0-based position in ``data``), the customer, timestamp and amount columns,
            ``usual_amount`` (the customer's usual amount before this one), ``score``
            (share of the training transactions that were less unusual: 0–1, higher =
            more unusual), ``rank`` (1 = most unusual in this batch), ``flag`` (score in
            the top ``contamination`` share of training) and ``reason_1..3`` (plain
            sentences; empty when nothing stands out).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If a column named at fit is missing or holds the wrong type.
        InputError
            If timestamps cannot be read or no row is complete.
        """
        self._check_fitted("predict")
        where = f"{type(self).__name__}.predict"
        return self._score(self._frame(data, where), history, detail, where)[0]

    def _score(
        self, frame: pd.DataFrame, history: Any | None, detail: bool, where: str
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """The predict table and the input positions of its rows."""
        id_col = self.id_col or self.order_col
        if id_col is not None:
            check_columns(frame, [id_col], where=where, hint="Pass the right id_col.")
        combined, n_history = self._with_history(frame, history, where)
        tx = self._read(combined, where)
        table = transaction_features(tx, self.reference_)
        mine = tx.positions >= n_history
        table = table.loc[mine].reset_index(drop=True)
        positions = tx.positions[mine] - n_history
        X = table[self.features_].to_numpy(dtype=float)
        raw = -self.model_.score_samples(self._standardise(X))
        rows = frame.iloc[positions]
        key = id_col if id_col is not None else "row"
        out = pd.DataFrame(
            {
                key: rows[id_col].to_numpy() if id_col is not None else positions,
                self.customer_col: rows[self.customer_col].to_numpy(),
                self.timestamp_col: rows[self.timestamp_col].to_numpy(),
                self.amount_col: tx.amount[mine],
                "usual_amount": table["usual_amount"].to_numpy(),
                "score": np.interp(raw, self.score_grid_, _LEVELS),
                "rank": pd.Series(-raw).rank(method="first").to_numpy(dtype=np.int64),
                "flag": raw >= self.threshold_raw_,
            }
        )
        reason_codes, _ = self._reason_codes(X)
        texts = self._render(reason_codes, table, tx.amount[mine])
        for i in range(3):
            out[f"reason_{i + 1}"] = texts[i]
        if detail:
            out.insert(out.columns.get_loc("score") + 1, "outlier_score", raw)
            for i in range(3):
                names = np.append(np.asarray(self.features_, dtype=object), "")
                out[f"reason_code_{i + 1}"] = names[reason_codes[:, i]]
        return out, positions

    def _with_history(
        self, frame: pd.DataFrame, history: Any | None, where: str
    ) -> tuple[pd.DataFrame, int]:
        if history is None:
            return frame, 0
        past = self._frame(history, f"{where}(history=...)")
        columns = [
            c
            for c in (
                self.customer_col,
                self.timestamp_col,
                self.amount_col,
                self.channel_col,
                self.device_col,
                self.country_col,
                self.quantity_col,
            )
            if c is not None
        ]
        check_columns(past, columns, where=f"{where}(history=...)")
        check_columns(frame, columns, where=where)
        combined = pd.concat([past[columns], frame[columns]], ignore_index=True)
        return combined, len(past)

    def _render(
        self, reason_codes: np.ndarray, table: pd.DataFrame, amount: np.ndarray
    ) -> list[np.ndarray]:
        """Plain sentences for the reason codes, built feature by feature (not row by row)."""
        texts = [np.full(len(table), "", dtype=object) for _ in range(3)]
        for j, name in enumerate(self.features_):
            hit = reason_codes == j
            rows = np.flatnonzero(hit.any(axis=1))
            if len(rows) == 0:
                continue
            sentences = feature_sentences(name, table.iloc[rows], amount[rows])
            for i in range(3):
                in_slot = hit[rows, i]
                texts[i][rows[in_slot]] = sentences[in_slot]
        return texts

    # ------------------------------------------------------------------ evaluate
    def evaluate(
        self,
        data: Any,
        *,
        label_col: str,
        positive: object | None = None,
        ks: Sequence[int] | None = None,
        history: Any | None = None,
    ) -> AnomalyMetrics:
        """Measure how well the scores find transactions known to be bad.

        Parameters
        ----------
        data : pandas.DataFrame
            Transactions with the columns named at fit and a label column.
        label_col : str
            The label (fraud yes/no, 1/0 ...); rows without a label are left out.
        positive : object, optional
            The label value of a bad transaction; inferred (yes/true/1 ...) when None.
        ks : sequence of int, optional
            The ``k`` of precision and recall at k; by default 10, 50, 100, 500, the number
            of known anomalies and the number flagged (those ≤ the rows scored).
        history : pandas.DataFrame, optional
            Earlier transactions used as history (see :meth:`predict`).

        Returns
        -------
        AnomalyMetrics
            ROC AUC, average precision and precision/recall/lift at each k.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        SchemaError
            If the label or a training column is missing.
        InputError
            If the labels do not have exactly two values.
        """
        self._check_fitted("evaluate")
        where = f"{type(self).__name__}.evaluate"
        frame = self._frame(data, where)
        check_columns(frame, [label_col], where=where, hint="Pass the label column's name.")
        y_all, _ = binary_target(frame[label_col], positive=positive, where=where)
        scored, positions = self._score(frame, history, False, where)
        labels = y_all.to_numpy()[positions]
        known = ~np.isnan(labels)
        y = labels[known].astype(int)
        order_score = -scored["rank"].to_numpy()[known].astype(float)
        return detection_metrics(y, order_score, ks=ks, n_flagged=int(scored["flag"].sum()))

    # ------------------------------------------------------------------ explain
    def explain(self) -> pd.DataFrame:
        """Describe the features: what each means, what is typical and how often it is blamed.

        Returns
        -------
        pandas.DataFrame
            One row per feature: ``feature``, ``description``, ``typical`` (training
            median), ``unusual_from`` (the value beyond which only ``reason_share`` of
            training transactions lie, on the unusual side) and ``first_reason_share``
            (share of the flagged training transactions whose first reason it is).

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        """
        self._check_fitted("explain")
        grid = np.asarray(self.unusual_grid_)
        tails = self._tails_of(grid)
        cut = [
            float(grid[tails[:, j] <= self.reason_share, j].min())
            if (tails[:, j] <= self.reason_share).any()
            else float("nan")
            for j in range(len(self.features_))
        ]
        unusual_from = [
            -c if f in _LOW_IS_UNUSUAL else c for f, c in zip(self.features_, cut, strict=True)
        ]
        flagged = max(self.n_flagged_, 1)
        return pd.DataFrame(
            {
                "feature": self.features_,
                "description": [FEATURE_DESCRIPTIONS[f] for f in self.features_],
                "typical": np.asarray(self.center_, dtype=float),
                "unusual_from": unusual_from,
                "first_reason_share": [
                    self.reason_counts_.get(f, 0) / flagged for f in self.features_
                ],
            }
        )

    def summary(self) -> dict[str, Any]:
        """Return the key fitted figures, JSON-ready.

        Returns
        -------
        dict
            ``usecase``, ``method``, ``n_transactions``, ``n_customers``,
            ``contamination``, ``features``, ``threshold`` (score above which a transaction
            is flagged, 0–1), ``threshold_raw`` (the model's own outlier score there),
            ``n_flagged`` (training transactions flagged), ``reason_counts`` (first reason
            of the flagged training transactions, by feature), ``columns`` (the role →
            column mapping) and ``notes``.
        """
        self._check_fitted("summary")
        return {
            "usecase": self.usecase,
            "method": self.method,
            "n_transactions": int(self.n_transactions_),
            "n_customers": int(self.n_customers_),
            "contamination": float(self.contamination),
            "features": list(self.features_),
            "threshold": float(np.interp(self.threshold_raw_, self.score_grid_, _LEVELS)),
            "threshold_raw": float(self.threshold_raw_),
            "n_flagged": int(self.n_flagged_),
            "reason_counts": dict(self.reason_counts_),
            "columns": {
                "customer": self.customer_col,
                "timestamp": self.timestamp_col,
                "amount": self.amount_col,
                "id": self.id_col or self.order_col,
                "channel": self.channel_col,
                "device": self.device_col,
                "country": self.country_col,
                "quantity": self.quantity_col,
            },
            "notes": list(self.notes_),
        }
