"""A full report on a fitted yes/no model, measured on labelled rows it never saw.

:func:`model_sections` turns a fitted :class:`~revlearn.usecases.leads.LeadScorer` or
:class:`~revlearn.usecases.churn.ChurnModel` and held-out rows into report sections, each
chart with the plain sentences that read it: summary and fit, ranking, calibration,
profit (when a value and a cost are given), drivers, effects and rules, and fairness
(when sensitive columns are given). :func:`model_report` renders them as one offline page.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revlearn.data.schema import Role
from revlearn.errors import InputError
from revlearn.evaluate.curves import (
    calibration_table,
    fit_verdict,
    gains_table,
    pr_points,
    roc_points,
)
from revlearn.evaluate.metrics import BinaryMetrics
from revlearn.explain.pdp import partial_dependence
from revlearn.explain.reasons import display_values
from revlearn.explain.surrogate import surrogate_tree
from revlearn.explain.tree import model_tree
from revlearn.report.figures import (
    calibration_figure,
    gains_figure,
    importance_figure,
    learning_curve_figure,
)
from revlearn.report.figures_eval import (
    confusion_figure,
    lift_figure,
    pr_figure,
    profit_figure,
    roc_figure,
)
from revlearn.report.figures_explain import (
    beeswarm_figure,
    pdp_figure,
    surrogate_figure,
    waterfall_figure,
)
from revlearn.report.figures_fairness import fairness_figure
from revlearn.report.html import Section, render_page
from revlearn.usecases._propensity import PropensityModel

__all__ = ["model_report", "model_sections"]

#: Rows sampled for the explanation parts (drivers, beeswarm, effects, surrogate tree).
EXPLAIN_ROWS = 5000
#: Rows drawn in the beeswarm.
BEESWARM_ROWS = 2000
#: Driver segments listed (furthest from the base rate first).
SEGMENT_ROWS = 12
#: Columns whose effect is drawn (partial dependence with ICE curves).
N_EFFECTS = 3
#: Metrics shown in the summary table, with their labels.
_METRICS = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "log_loss": "log loss",
    "brier": "Brier score",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
    "accuracy": "accuracy",
}


def _check_model(model: object) -> PropensityModel:
    if not isinstance(model, PropensityModel) or not model.is_fitted():
        raise InputError(
            f"Expected a fitted yes/no model, got {type(model).__name__}.",
            where="model_sections",
            fix="Pass a LeadScorer or ChurnModel after .fit(...), or load one from the registry.",
        )
    return model


def _stop(text: str) -> str:
    """End a sentence with a full stop."""
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _prefix(model: PropensityModel, name: str) -> str:
    return f"{name}: " if name else f"{model.outcome_word.capitalize()} model: "


def _summary_section(
    model: PropensityModel, metrics: BinaryMetrics, n_rows: int, name: str
) -> Section:
    summary = model.summary()
    cv = summary["cv"]
    rows = []
    for key, label in _METRICS.items():
        held = float(getattr(metrics, key))
        spread = cv.get(key, {})
        rows.append(
            {
                "metric": label,
                "held-out": held,
                "cross-validated": spread.get("mean", np.nan),
                "± (std over folds)": spread.get("std", np.nan),
            }
        )
    curve = summary["learning_curve"]
    train = float(model.metrics_[f"train_{model.metric}"])
    held_out = float(getattr(metrics, model.metric))
    fit = fit_verdict(
        train, held_out, metric=model.metric, more_data_helps=curve.get("more_data_helps")
    )
    subject = model.subject
    text = [
        f"Chosen model: {summary['model']}, trained on {summary['rows']:,} {subject}s "
        f"({summary['base_rate']:.1%} {model.outcome_word}) and measured on {n_rows:,} "
        f"held-out {subject}s ({metrics.n_positive / max(metrics.n_rows, 1):.1%} "
        f"{model.outcome_word}).",
        f"Held-out ROC AUC {metrics.roc_auc:.3f} against {cv['roc_auc']['mean']:.3f} ± "
        f"{cv['roc_auc']['std']:.3f} in cross-validation: the table puts every held-out "
        "metric beside its cross-validated mean and spread.",
        f"Fit: {fit}",
        f"Data: {curve['verdict']}",
        *summary["notes"],
    ]
    return Section(
        title=f"{_prefix(model, name)}summary and fit",
        text=text,
        figures=[learning_curve_figure(curve)],
        tables=[pd.DataFrame(rows)],
    )


def _ranking_section(
    model: PropensityModel, y: np.ndarray, proba: np.ndarray, metrics: BinaryMetrics, name: str
) -> Section:
    gains = gains_table(y, proba)
    word, subject = model.outcome_word, model.subject
    top = gains.iloc[0]
    second = gains["cum_gain"].iloc[min(1, len(gains) - 1)]
    c = metrics.confusion
    text = [
        f"Ranking: ROC AUC {metrics.roc_auc:.3f} is the chance that a random {subject} with "
        f"{word} is scored above a random one without; PR AUC {metrics.pr_auc:.3f} against "
        f"a base rate of {y.mean():.1%}.",
        f"The top 10 % of scores holds {top['rate']:.1%} {word}, ×{top['lift']:.1f} the "
        f"average; the top 20 % reaches {second:.0%} of all {word} cases.",
        f"At the model threshold ({metrics.threshold:.1%}) {c['tp'] + c['fp']:,} {subject}s "
        f"are flagged: precision {metrics.precision:.1%} (flags that are right), recall "
        f"{metrics.recall:.1%} (share of {word} cases flagged); {c['fn']:,} are missed.",
    ]
    return Section(
        title=f"{_prefix(model, name)}how well it ranks",
        text=text,
        figures=[
            roc_figure(roc_points(y, proba), auc=metrics.roc_auc),
            pr_figure(pr_points(y, proba), float(y.mean())),
            lift_figure(gains),
            gains_figure(gains, outcome=f"{word} cases"),
            confusion_figure(metrics.confusion),
        ],
    )


def _calibration_section(
    model: PropensityModel, y: np.ndarray, proba: np.ndarray, name: str
) -> Section:
    calibration = calibration_table(y, proba)
    text = [
        f"Calibration (can a score of 30 % be read as a 30 % chance of "
        f"{model.outcome_word}?): {calibration.verdict}",
        f"Expected calibration error {calibration.ece:.3f} over {calibration.n_rows:,} "
        "held-out rows in ten bins of equal size.",
    ]
    return Section(
        title=f"{_prefix(model, name)}are the probabilities honest?",
        text=text,
        figures=[calibration_figure(y, proba)],
    )


def _roi_section(
    model: PropensityModel,
    frame: pd.DataFrame,
    value: float | str,
    cost: float,
    success_rate: float,
    capacity: int | None,
    name: str,
) -> Section:
    curve = model.profit(
        frame, value=value, cost=cost, success_rate=success_rate, capacity=capacity
    )
    text = [
        f"Assumptions: a {model.outcome_word} case is worth {curve.value:,.0f}, one contact "
        f"costs {curve.cost:,.0f}, and the action wins {curve.success_rate:.0%} of the "
        f"{model.outcome_word} cases it reaches"
        + (f"; at most {curve.capacity:,} contacts." if curve.capacity else "."),
        curve.verdict,
    ]
    return Section(
        title=f"{_prefix(model, name)}how many to contact for the most profit",
        text=text,
        figures=[profit_figure(curve)],
    )


def _sample(typed: pd.DataFrame, rows: int) -> pd.DataFrame:
    return typed if len(typed) <= rows else typed.sample(n=rows, random_state=0)


def _waterfall(model: PropensityModel, typed: pd.DataFrame, contrib: np.ndarray) -> go.Figure:
    best = int(np.argmax(contrib.sum(axis=1)))
    row = typed.iloc[[best]]
    columns = model.model_.columns_
    values = display_values(row, columns, booleans=model.schema_.columns(Role.BOOLEAN))[0]
    base = float(model.model_.log_odds(row)[0]) - float(contrib[best].sum())
    fig = waterfall_figure(contrib[best], columns, list(values), base)
    fig.update_traces(cliponaxis=False)
    fig.update_layout(
        title=f"The highest-scored {model.subject}<br><sup>{fig.layout.title.text}</sup>"
    )
    return fig


def _drivers_section(
    model: PropensityModel, frame: pd.DataFrame, typed: pd.DataFrame, name: str
) -> Section:
    explanation = model.explain(frame)
    importance = explanation.to_frame()
    drivers = explanation.drivers
    contrib, _ = model.model_.contributions(typed)
    bee = _sample(typed, BEESWARM_ROWS)
    bee_contrib = contrib[typed.index.get_indexer(bee.index)]
    top = ", ".join(importance["feature"].head(3))
    text = [
        f"Strongest drivers of {model.outcome_word} on the held-out {model.subject}s: {top} "
        "(importance = mean absolute contribution to the log-odds).",
        *[_stop(f"Segment: {line}") for line in drivers.headlines[:4]],
        f"The beeswarm shows every sampled {model.subject} as a dot per column (red = high "
        "value, blue = low); the waterfall takes the highest-scored one apart.",
        f"The table lists the {SEGMENT_ROWS} segments furthest from the base rate "
        "(ratio = predicted rate ÷ base).",
    ]
    segments = drivers.to_frame()
    keep = [
        c
        for c in ("feature", "segment", "rows", "observed_rate", "predicted_rate", "ratio")
        if c in segments.columns
    ]
    if "ratio" in segments.columns:
        distance = np.abs(np.log(segments["ratio"].astype(float).clip(lower=1e-6)))
        segments = segments.loc[distance.sort_values(ascending=False).index]
    segments = segments.head(SEGMENT_ROWS)
    return Section(
        title=f"{_prefix(model, name)}what drives the scores",
        text=text,
        figures=[
            importance_figure(importance),
            beeswarm_figure(bee_contrib, bee, model.model_.columns_),
            _waterfall(model, typed, contrib),
        ],
        tables=[segments[keep]] if keep else [],
    )


def _effect_columns(model: PropensityModel, typed: pd.DataFrame) -> list[str]:
    order = model.explain(None).to_frame()["feature"].tolist()
    usable = []
    for col in order:
        if col not in typed.columns or typed[col].notna().sum() == 0:
            continue
        series = typed[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            continue
        usable.append(col)
        if len(usable) == N_EFFECTS:
            break
    return usable


def _effects_sections(model: PropensityModel, typed: pd.DataFrame, name: str) -> list[Section]:
    """Partial dependence of the top columns, then the surrogate tree (full width)."""
    outcome = f"{model.outcome_word} probability"
    predict = model.model_.predict_proba
    figures: list[go.Figure] = []
    text: list[str] = []
    for col in _effect_columns(model, typed):
        effect = partial_dependence(predict, typed, col, outcome=outcome, max_rows=1000)
        figures.append(pdp_figure(effect))
        text.append(_stop(f"Effect: {effect.effect}"))
    text.append(
        "Thin grey lines follow single rows (ICE), the bold line their average: lines that "
        "cross or diverge mean the column works differently for different rows."
    )
    tree = surrogate_tree(predict, typed, outcome=outcome, subject=f"{model.subject}s")
    own = model_tree(model, typed, outcome=outcome, subject=f"{model.subject}s")
    rules = (
        []
        if own is None
        else [
            Section(
                title=f"{_prefix(model, name)}the model's own tree",
                text=[own.summary, *[_stop(f"Rule: {rule}") for rule in own.rules]],
                figures=[surrogate_figure(own)],
            )
        ]
    )
    return [
        Section(
            title=f"{_prefix(model, name)}how the top columns move the score",
            text=text,
            figures=figures,
        ),
        Section(
            title=f"{_prefix(model, name)}the model as rules of thumb",
            text=[f"Rules: {tree.summary}", *[_stop(f"Rule: {rule}") for rule in tree.rules]],
            figures=[surrogate_figure(tree)],
        ),
        *rules,
    ]


def _fairness_section(
    model: PropensityModel, frame: pd.DataFrame, sensitive: Sequence[str], name: str
) -> Section:
    report = model.fairness(frame, list(sensitive))
    by_group = report.to_frame()
    return Section(
        title=f"{_prefix(model, name)}fairness across groups",
        text=[
            f"Flags at the model threshold ({report.threshold:.1%}) compared across "
            f"{', '.join(sensitive)}; groups under 30 rows are not judged.",
            *[f"Fairness: {verdict}" for verdict in report.verdicts],
        ],
        figures=[fairness_figure(report)],
        tables=[by_group.drop(columns=["small"], errors="ignore")],
    )


def model_sections(
    model: PropensityModel,
    data: pd.DataFrame,
    *,
    value: float | str | None = None,
    cost: float | None = None,
    success_rate: float = 1.0,
    capacity: int | None = None,
    sensitive: Sequence[str] = (),
    name: str = "",
) -> list[Section]:
    """Build the report sections of a fitted yes/no model on held-out rows.

    Parameters
    ----------
    model : PropensityModel
        A fitted :class:`~revlearn.usecases.leads.LeadScorer` or
        :class:`~revlearn.usecases.churn.ChurnModel`.
    data : pandas.DataFrame
        Labelled rows the model did not train on (rows without a known outcome are left
        out; for an event-mode churn model, the event table).
    value : float or str, optional
        Value of a success, or a column holding it per row; with ``cost`` adds the profit
        section.
    cost : float, optional
        Cost of one contact; with ``value`` adds the profit section.
    success_rate : float, default=1.0
        Share of contacted positives the action wins.
    capacity : int, optional
        Most contacts the team can make.
    sensitive : sequence of str, default=()
        Columns defining groups (e.g. ``("gender",)``); adds the fairness section.
    name : str, default=""
        Prefix of every section title (e.g. ``"Churn"``); by default from the outcome.

    Returns
    -------
    list of Section
        Summary and fit, ranking, calibration, profit (if asked), drivers, effects,
        rules, fairness (if asked), in that order; every section has charts and the
        sentences that read them.

    Raises
    ------
    InputError
        If ``model`` is not a fitted yes/no model or ``data`` lacks one of the outcomes.
    SchemaError
        If ``data`` lacks the outcome, a training column or a sensitive column.
    ParameterError
        If value, cost, success rate or capacity are not usable.
    """
    model = _check_model(model)
    frame, y = model._labelled(data, "model_sections")
    proba = model.predict_proba(frame)
    metrics = model.evaluate(frame)
    sections = [
        _summary_section(model, metrics, len(frame), name),
        _ranking_section(model, y, proba, metrics, name),
        _calibration_section(model, y, proba, name),
    ]
    if value is not None and cost is not None:
        sections.append(_roi_section(model, frame, value, cost, success_rate, capacity, name))
    sample = frame if len(frame) <= EXPLAIN_ROWS else frame.sample(EXPLAIN_ROWS, random_state=0)
    typed = model.schema_.apply(sample[model.input_columns_], where="model_sections")
    typed = typed.reset_index(drop=True)
    sections.append(_drivers_section(model, sample, typed, name))
    sections += _effects_sections(model, typed, name)
    if sensitive:
        sections.append(_fairness_section(model, frame, sensitive, name))
    return sections


def model_report(
    model: PropensityModel,
    data: pd.DataFrame,
    *,
    value: float | str | None = None,
    cost: float | None = None,
    success_rate: float = 1.0,
    capacity: int | None = None,
    sensitive: Sequence[str] = (),
    name: str = "",
    title: str | None = None,
) -> str:
    """Render the full report of a fitted yes/no model as one offline HTML page.

    Parameters
    ----------
    model : PropensityModel
        A fitted :class:`~revlearn.usecases.leads.LeadScorer` or
        :class:`~revlearn.usecases.churn.ChurnModel`.
    data : pandas.DataFrame
        Labelled rows the model did not train on.
    value : float or str, optional
        Value of a success, or a column holding it; with ``cost`` adds the profit section.
    cost : float, optional
        Cost of one contact; with ``value`` adds the profit section.
    success_rate : float, default=1.0
        Share of contacted positives the action wins.
    capacity : int, optional
        Most contacts the team can make.
    sensitive : sequence of str, default=()
        Columns defining groups; adds the fairness section.
    name : str, default=""
        Prefix of every section title.
    title : str, optional
        Page title (default: the outcome and the model's algorithm).

    Returns
    -------
    str
        The whole HTML page (Plotly embedded once, no network needed).

    Raises
    ------
    InputError
        If ``model`` is not a fitted yes/no model or ``data`` lacks one of the outcomes.
    SchemaError
        If ``data`` lacks the outcome, a training column or a sensitive column.
    ParameterError
        If value, cost, success rate or capacity are not usable.
    """
    sections = model_sections(
        model,
        data,
        value=value,
        cost=cost,
        success_rate=success_rate,
        capacity=capacity,
        sensitive=sensitive,
        name=name,
    )
    checked = _check_model(model)
    heading = title or f"{checked.outcome_word.capitalize()} model report: {checked.model_name_}"
    return render_page(
        heading, sections, subtitle=f"measured on {len(data):,} held-out {checked.subject}s"
    )
