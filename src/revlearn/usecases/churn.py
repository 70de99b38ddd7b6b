"""Churn: who is about to leave, and why.

:class:`ChurnModel` is the yes/no propensity model (``revlearn.usecases._propensity``) with
the defaults of a customer table: ``customer_id`` as the key and ``churned`` as the outcome,
``score`` = probability of leaving. Its :meth:`~ChurnModel.causes` names the segments where
churn concentrates ("contract = month-to-month: churn 1.3× the base").
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from revlearn.data.activity import activity_features, churn_table
from revlearn.data.io import as_pandas
from revlearn.errors import ParameterError
from revlearn.models.select import Progress
from revlearn.usecases._propensity import PropensityModel

__all__ = ["ChurnModel"]


class ChurnModel(PropensityModel):
    """Score customers by probability of leaving, with reasons and causes.

    Use it on a customer table with one row per customer and a churned yes/no column
    (from a CRM or billing export), or on an event table (orders, logins, payments) with
    ``timestamp_col`` and ``customer_col`` set: then the label is "no event in the
    ``horizon_days`` after the cut-off" and the features (recency, frequency, tenure,
    activity and spend trends) are built from the events up to the cut-off only (see
    :func:`revlearn.data.activity.churn_table`); ``predict`` describes customers as of the
    last event. Model selection, calibration, tiers and reasons work as for
    :class:`~revlearn.usecases.leads.LeadScorer`.

    Parameters
    ----------
    target_col : str, default="churned"
        The outcome column.
    positive : object, optional
        The value of ``target_col`` meaning "left" (inferred: yes/true/1/churned …, else
        the rarer value).
    id_col : str, optional
        The customer identifier; inferred when None.
    metric : {"roc_auc", "pr_auc"}, default="roc_auc"
        What model selection maximises.
    candidates : list of str, optional
        Model families to try; default all.
    time_budget : float, default=40.0
        Seconds for selection and tuning.
    drop_leakage : bool, default=True
        Leave out columns that alone predict churn almost perfectly (e.g. a cancellation
        date).
    n_reasons : int, default=3
        Reasons per scored customer.
    random_state : int, default=0
        Seed.
    customer_col : str, optional
        Event tables: the customer id column.
    timestamp_col : str, optional
        Event tables: when each event happened; setting it switches to event mode.
    amount_col : str, optional
        Event tables: money per event (adds spend features).
    horizon_days : int, default=90
        Event tables: days without activity that count as churn.
    until : str, optional
        Event tables: the training cut-off day (default: last event day − horizon).

    Examples
    --------
    >>> from revlearn.data.synth import make_company
    >>> customers = make_company(n_leads=10, n_customers=2000, random_state=0).customers
    >>> model = ChurnModel(candidates=["logistic"], random_state=0).fit(customers)
    >>> model.causes().headlines[0].startswith(("contract", "price rise", "usage trend"))
    True
    """

    usecase: ClassVar[str] = "churn"
    subject: ClassVar[str] = "customer"
    outcome_word: ClassVar[str] = "churn"

    def __init__(
        self,
        *,
        target_col: str = "churned",
        positive: object | None = None,
        id_col: str | None = None,
        metric: str = "roc_auc",
        candidates: list[str] | None = None,
        time_budget: float = 40.0,
        drop_leakage: bool = True,
        n_reasons: int = 3,
        random_state: int = 0,
        customer_col: str | None = None,
        timestamp_col: str | None = None,
        amount_col: str | None = None,
        horizon_days: int = 90,
        until: str | None = None,
    ) -> None:
        self.customer_col = customer_col
        self.timestamp_col = timestamp_col
        self.amount_col = amount_col
        self.horizon_days = horizon_days
        self.until = until
        super().__init__(
            target_col=target_col,
            positive=positive,
            id_col=id_col,
            metric=metric,
            candidates=candidates,
            time_budget=time_budget,
            drop_leakage=drop_leakage,
            n_reasons=n_reasons,
            random_state=random_state,
        )

    # ------------------------------------------------------------------ event tables
    def _event_roles(self) -> dict[str, Any]:
        if self.customer_col is None:
            raise ParameterError(
                "An event table needs the customer column as well as the timestamp.",
                where="customer_col",
                fix="Pass --customer COL with --timestamp COL.",
            )
        return {
            "customer_col": self.customer_col,
            "timestamp_col": self.timestamp_col,
            "amount_col": self.amount_col,
        }

    def fit(self, data: Any, *, progress: Progress | None = None) -> Self:
        """Select, tune, calibrate and fit a churn model.

        Parameters
        ----------
        data : pandas.DataFrame (or Polars / Arrow table)
            One row per customer with the churn column, or (with ``timestamp_col``) one
            row per event.
        progress : callable, optional
            ``progress(message, fraction)`` for long work.

        Returns
        -------
        ChurnModel
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a named column is missing.
        InputError
            If the outcome is not two-valued, or the events cannot give labels (history
            shorter than the horizon, no activity after the cut-off).
        """
        if self.timestamp_col is None:
            return super().fit(data, progress=progress)
        table = churn_table(
            data, **self._event_roles(), horizon_days=self.horizon_days, until=self.until
        )
        self._fit(table.frame, "churned", table.customer_col, list(table.notes), progress)
        self.activity_ = table.to_dict()
        return self

    def _typed(self, data: Any, call: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self.timestamp_col is not None:
            self._check_fitted(call)
            data = activity_features(data, **self._event_roles())
        return super()._typed(data, call)

    def _labelled(self, data: Any, where: str) -> tuple[pd.DataFrame, np.ndarray]:
        if self.timestamp_col is not None:
            data = churn_table(
                as_pandas(data, where=where), **self._event_roles(), horizon_days=self.horizon_days
            ).frame
        return super()._labelled(data, where)
