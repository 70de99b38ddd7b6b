"""Churn: who is about to leave, and why.

:class:`ChurnModel` is the yes/no propensity model (``revlearn.usecases._propensity``) with
the defaults of a customer table: ``customer_id`` as the key and ``churned`` as the outcome,
``score`` = probability of leaving. Its :meth:`~ChurnModel.causes` names the segments where
churn concentrates ("contract = month-to-month: churn 1.3× the base").
"""

from __future__ import annotations

from typing import ClassVar

from revlearn.usecases._propensity import PropensityModel

__all__ = ["ChurnModel"]


class ChurnModel(PropensityModel):
    """Score customers by probability of leaving, with reasons and causes.

    Use it on a customer table with one row per customer and a churned yes/no column
    (from a CRM or billing export). Model selection, calibration, tiers and reasons work
    as for :class:`~revlearn.usecases.leads.LeadScorer`.

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
    ) -> None:
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
