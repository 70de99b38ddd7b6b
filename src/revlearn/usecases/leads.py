"""Lead scoring: which leads will convert, and why.

:class:`LeadScorer` is the yes/no propensity model (see ``revlearn.usecases._propensity``)
with the defaults of a CRM lead export: ``lead_id`` as the key and ``converted`` as the
outcome. Tiers, deciles and reasons are described in :meth:`LeadScorer.predict`.
"""

from __future__ import annotations

from typing import ClassVar

from revlearn.usecases._propensity import PropensityModel

__all__ = ["LeadScorer"]


class LeadScorer(PropensityModel):
    """Score leads by probability to convert, with plain-language reasons.

    Use it on a CRM or marketing-automation export with one row per lead and a converted
    yes/no column. ``fit`` tries logistic regression, LightGBM, a decision tree, a linear
    SVM and a random forest by stratified cross-validation, tunes the best lightly,
    calibrates its probabilities and reports whether more leads would help.

    Parameters
    ----------
    target_col : str, default="converted"
        The outcome column.
    positive : object, optional
        The value of ``target_col`` meaning "converted" (inferred: yes/true/1/won …,
        else the rarer value).
    id_col : str, optional
        The lead identifier; inferred when None.
    metric : {"roc_auc", "pr_auc"}, default="roc_auc"
        What model selection maximises.
    candidates : list of str, optional
        Model families to try; default all.
    time_budget : float, default=40.0
        Seconds for selection and tuning.
    drop_leakage : bool, default=True
        Leave out columns that alone predict conversion almost perfectly (known only after
        the outcome).
    n_reasons : int, default=3
        Reasons per scored lead.
    random_state : int, default=0
        Seed.

    Examples
    --------
    >>> from revlearn.data.synth import make_company
    >>> leads = make_company(n_leads=2000, n_customers=10, random_state=0).leads
    >>> scorer = LeadScorer(candidates=["logistic"], random_state=0).fit(leads)
    >>> scored = scorer.predict(leads.head(3))
    >>> list(scored.columns)
    ['lead_id', 'score', 'rank', 'decile', 'tier', 'reasons']
    """

    usecase: ClassVar[str] = "leads"
    subject: ClassVar[str] = "lead"
    outcome_word: ClassVar[str] = "conversion"

    def __init__(
        self,
        *,
        target_col: str = "converted",
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
