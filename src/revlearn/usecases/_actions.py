"""What to do with the scores: who to contact, what it earns, and whether it is fair.

A mixin of :class:`~revlearn.usecases._propensity.PropensityModel` (it uses the model's
``predict``, ``predict_proba`` and ``_labelled``); the arithmetic lives in
:mod:`revlearn.evaluate.roi` and :mod:`revlearn.responsible.fairness`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.errors import ParameterError
from revlearn.evaluate.roi import ProfitCurve, expected_value, profit_curve

if TYPE_CHECKING:
    from revlearn.responsible.fairness import FairnessReport

__all__ = ["ActionsMixin"]


def _values(frame: pd.DataFrame, value: float | str, where: str) -> float | np.ndarray:
    """A number, or the per-row values of a column (e.g. the customer's annual revenue)."""
    if isinstance(value, str) and value in frame.columns:
        return pd.to_numeric(frame[value], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise ParameterError(
            f"value must be a number or a column name, got {value!r}.",
            where=where,
            fix="Pass the value of a success, e.g. --value 500, or a column such as "
            "--value annual_revenue.",
        ) from err


class ActionsMixin:
    """Contact lists, profit curves and fairness checks for a fitted yes/no model."""

    #: What one row is ("lead", "customer") and the word for its outcome ("churn").
    subject: ClassVar[str] = "row"
    outcome_word: ClassVar[str] = "outcome"

    if TYPE_CHECKING:
        predict: Any
        predict_proba: Any
        _labelled: Any
        _check_fitted: Any
        threshold_: float

    def contact_list(
        self,
        data: Any,
        *,
        top: int,
        value: float | str = 1.0,
        cost: float = 0.0,
        success_rate: float = 1.0,
        reasons: bool = True,
    ) -> pd.DataFrame:
        """Return the ``top`` rows worth contacting, best expected value first.

        Parameters
        ----------
        data : pandas.DataFrame
            Rows to score.
        top : int
            How many rows to return.
        value : float or str, default=1.0
            Value of a success (a saved customer, a conversion), or a column holding it
            per row.
        cost : float, default=0.0
            Cost of one contact.
        success_rate : float, default=1.0
            Share of contacted positives the action wins (e.g. a retention offer's take-up).
        reasons : bool, default=True
            Include the reasons.

        Returns
        -------
        pandas.DataFrame
            The :meth:`predict` columns plus ``expected_value`` (score × value × success
            rate − cost), ``top`` rows ordered by it.

        Raises
        ------
        ParameterError
            If ``top`` is not a positive integer or value/cost are not usable numbers.
        """
        self._check_fitted("contact_list")
        if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
            raise ParameterError(
                f"top must be a positive whole number, got {top!r}.",
                where="--top",
                fix="Pass how many to contact, e.g. --top 100.",
            )
        frame = as_pandas(data, where="contact_list")
        scored = self.predict(frame, reasons=reasons)
        worth = expected_value(
            scored["score"].to_numpy(),
            value=_values(frame, value, "--value"),
            cost=cost,
            success_rate=success_rate,
        )
        scored.insert(2, "expected_value", worth)
        return scored.sort_values("expected_value", ascending=False, kind="stable").head(top)

    def profit(
        self,
        data: Any,
        *,
        value: float | str,
        cost: float,
        success_rate: float = 1.0,
        capacity: int | None = None,
        random_state: int = 0,
    ) -> ProfitCurve:
        """Find how many to contact for the most profit, measured on labelled rows.

        Parameters
        ----------
        data : pandas.DataFrame
            Rows with the outcome column (held out from training).
        value : float or str
            Value of a success, or a column holding it per row.
        cost : float
            Cost of one contact.
        success_rate : float, default=1.0
            Share of contacted positives the action wins.
        capacity : int, optional
            Most contacts the team can make.
        random_state : int, default=0
            Seed of the bootstrap range.

        Returns
        -------
        ProfitCurve
            Profit by number contacted, the best number and threshold, the expected profit
            with its bootstrap range, and a verdict.

        Raises
        ------
        SchemaError
            If the outcome column is missing.
        ParameterError
            If value, cost, success rate or capacity are not usable.
        """
        self._check_fitted("profit")
        frame, y = self._labelled(data, f"{type(self).__name__}.profit")
        return profit_curve(
            self.predict_proba(frame),
            value=_values(frame, value, "--value"),
            cost=cost,
            y_true=y,
            success_rate=success_rate,
            capacity=capacity,
            random_state=random_state,
            unit=f"{self.subject}s",
        )

    def fairness(self, data: Any, sensitive: Sequence[str]) -> FairnessReport:
        """Compare decisions across groups (selection rate, TPR, FPR, precision).

        Parameters
        ----------
        data : pandas.DataFrame
            Labelled rows (held out from training) with the sensitive columns.
        sensitive : sequence of str
            Columns that define the groups, e.g. ``["gender", "region"]``.

        Returns
        -------
        FairnessReport
            Per-group metrics, demographic-parity and equalised-odds differences, verdicts.

        Raises
        ------
        SchemaError
            If a sensitive column or the outcome is missing.
        InputError
            If a sensitive column has a single group.
        """
        from revlearn.responsible.fairness import fairness_report

        self._check_fitted("fairness")
        where = f"{type(self).__name__}.fairness"
        frame, y = self._labelled(data, where)
        return fairness_report(
            y,
            self.predict_proba(frame),
            frame,
            columns=list(sensitive),
            threshold=self.threshold_,
            outcome=self.outcome_word,
            where=where,
        )
