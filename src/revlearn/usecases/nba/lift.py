"""Lift of next best action: treated against randomly held-out customers, with intervals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, SchemaError

__all__: list[str] = []


class LiftMeasurement:
    """Mixin of :class:`~revlearn.usecases.nba.NextBestAction`: measure the lift of a plan."""

    customer_col: str
    nothing_action: str

    if TYPE_CHECKING:

        def _check_fitted(self, call: str) -> None: ...  # provided by UseCase

    def measure_lift(
        self,
        outcomes: Any,
        *,
        outcome_col: str = "outcome",
        plan: Any | None = None,
        confidence: float = 0.9,
    ) -> pd.DataFrame:
        """Compare the outcome of treated and held-out customers with the same plan.

        Only customers whose planned action is not ``nothing_action`` count: treated ones
        got it, held-out ones (chosen at random) did not, so the difference of their mean
        outcomes is the lift caused by the actions.

        Parameters
        ----------
        outcomes : pandas.DataFrame
            One row per customer with ``outcome_col`` (a 0/1 response or a value) and,
            unless ``plan`` is given, the ``in_holdout`` and ``planned_action`` columns of
            :meth:`predict`.
        outcome_col : str, default="outcome"
            The outcome column.
        plan : pandas.DataFrame, optional
            The output of :meth:`predict`, joined to ``outcomes`` on ``customer_col``.
        confidence : float, default=0.9
            Level of the intervals, in (0, 1).

        Returns
        -------
        pandas.DataFrame
            Rows ``treated``, ``holdout`` and ``lift`` (treated − holdout) with columns
            ``group``, ``n``, ``mean``, ``lo``, ``hi`` (normal intervals; Welch for the lift)
            and ``p_value`` (two-sided, on the lift row).

        Raises
        ------
        SchemaError
            If a column is absent or the outcome is not numeric.
        InputError
            If either group is empty.
        """
        self._check_fitted("measure_lift")
        where = "NextBestAction.measure_lift"
        frame = as_pandas(outcomes, where=where)
        if plan is not None:
            check_columns(frame, [self.customer_col, outcome_col], where=where)
            keep = [self.customer_col, "in_holdout", "planned_action"]
            frame = frame.merge(as_pandas(plan, where=where)[keep], on=self.customer_col)
        check_columns(
            frame,
            [outcome_col, "in_holdout", "planned_action"],
            where=where,
            hint="Pass plan=<the output of predict()> or merge it into the outcomes.",
        )
        y = pd.to_numeric(frame[outcome_col], errors="coerce")
        if y.isna().any():
            raise SchemaError(
                f"Column {outcome_col!r} must hold numbers for every customer.",
                where=f"{where}(column={outcome_col!r})",
                fix="Code a response as 1/0, or give the value earned.",
            )
        planned = (frame["planned_action"] != self.nothing_action).to_numpy()
        held = frame["in_holdout"].astype(bool).to_numpy()
        groups = {"treated": y[planned & ~held].to_numpy(), "holdout": y[planned & held].to_numpy()}
        if min(len(g) for g in groups.values()) < 2:
            raise InputError(
                "Lift needs at least 2 treated and 2 held-out customers with a planned action.",
                where=where,
                fix="Use a larger holdout_share or wait for more customers.",
            )
        z = float(stats.norm.ppf(0.5 + confidence / 2))
        rows = []
        for name, g in groups.items():
            se = float(g.std(ddof=1) / np.sqrt(len(g)))
            rows.append(
                (name, len(g), float(g.mean()), g.mean() - z * se, g.mean() + z * se, np.nan)
            )
        t, h = groups["treated"], groups["holdout"]
        diff = float(t.mean() - h.mean())
        se = float(np.sqrt(t.var(ddof=1) / len(t) + h.var(ddof=1) / len(h)))
        p_value = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else float(diff == 0)
        rows.append(("lift", len(t) + len(h), diff, diff - z * se, diff + z * se, p_value))
        return pd.DataFrame(rows, columns=["group", "n", "mean", "lo", "hi", "p_value"])
