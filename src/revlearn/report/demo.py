"""``revlearn demo``: the demo company end to end, written to one offline HTML page.

Generates the seeded demo company, loads it into the workspace, fits lead scoring and churn
on older rows and measures each on the newest rows it never saw, fits the customer-value
use cases on the shop's orders (:mod:`revlearn.report.demo_customers`: lifetime value
judged on the last quarter, segments, market basket, fraud against the planted cases),
forecasts the daily sales of the last two weeks with their signals and a heatwave what-if
(:mod:`revlearn.report.demo_forecast`), recommends products, plans the next best action
and tests e-mail subjects with a bandit (:mod:`revlearn.report.demo_marketing`), reads the
reviews and routes the support tickets (:mod:`revlearn.report.demo_text`), registers
the models and renders their reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from revlearn.data.profile import profile
from revlearn.data.sources import load_file_into
from revlearn.data.synth import make_company
from revlearn.evaluate.curves import gains_table
from revlearn.evaluate.metrics import BinaryMetrics
from revlearn.report.demo_customers import customer_value
from revlearn.report.demo_forecast import sales_forecast
from revlearn.report.demo_marketing import personalisation
from revlearn.report.demo_text import text_analytics
from revlearn.report.figures import candidates_figure
from revlearn.report.files import write_text_atomic
from revlearn.report.html import Section, render_page
from revlearn.report.model_report import model_sections
from revlearn.store.registry import Registry, fingerprint
from revlearn.store.workspace import Workspace
from revlearn.usecases._propensity import PropensityModel
from revlearn.usecases.churn import ChurnModel
from revlearn.usecases.leads import LeadScorer

__all__ = ["run_demo"]

Progress = Callable[[str, float], None]

#: Share of the newest rows held out to measure each model honestly.
HOLDOUT_SHARE = 0.2
#: Business assumptions of the demo: a conversion is worth 2,000 and a sales call costs 50;
#: a saved customer is worth a year of a typical 100 monthly charge, a retention offer
#: costs 30 and saves 30 % of the churners it reaches.
LEAD_VALUE, LEAD_COST = 2000.0, 50.0
CHURN_VALUE, CHURN_COST, CHURN_SUCCESS = 1200.0, 30.0, 0.3


def _split_by_time(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = pd.to_datetime(frame[column]).sort_values(kind="stable").index
    cut = int(len(order) * (1 - HOLDOUT_SHARE))
    return frame.loc[order[:cut]], frame.loc[order[cut:]]


def _intro_section(
    model: PropensityModel, holdout: pd.DataFrame, title: str
) -> tuple[Section, BinaryMetrics, pd.DataFrame]:
    """Headline numbers, the candidates tried and the ten best-scored held-out rows."""
    frame, y = model._labelled(holdout, "run_demo")
    metrics = model.evaluate(frame)
    scored = model.predict(frame)
    gains = gains_table(y, scored["score"].to_numpy())
    summary = model.summary()
    cv = summary["cv"]["roc_auc"]
    word, subject = model.outcome_word, model.subject
    text = [
        f"Chosen model: {summary['model']}, trained on {summary['rows']:,} older {subject}s "
        f"({summary['base_rate']:.1%} {word}) and measured on the {len(frame):,} newest.",
        f"Held-out ROC AUC {metrics.roc_auc:.3f} (cross-validated {cv['mean']:.3f} ± "
        f"{cv['std']:.3f}); the top decile has ×{gains['lift'].iloc[0]:.1f} the average "
        f"{word} rate; the top 20 % holds {gains['cum_gain'].iloc[1]:.0%} of all {word} cases.",
    ]
    best = scored.sort_values("rank").head(10)
    show = best.merge(frame[[model.id_col_, model.target_]], on=model.id_col_)
    section = Section(
        title=title,
        text=text,
        figures=[candidates_figure(summary["candidates"])],
        tables=[show[[model.id_col_, "score", "tier", "reasons", model.target_]]],
    )
    return section, metrics, gains


def _summary_lines(
    scorer: LeadScorer,
    lead_metrics: BinaryMetrics,
    gains: pd.DataFrame,
    churn: ChurnModel,
    churn_metrics: BinaryMetrics,
) -> list[str]:
    top = scorer.explain().to_frame()["feature"].head(3)
    cv = scorer.summary()["cv"]["roc_auc"]
    ccv = churn.summary()["cv"]["roc_auc"]
    headlines = churn.causes().headlines
    return [
        f"Lead scoring: {scorer.model_name_}, held-out ROC AUC {lead_metrics.roc_auc:.3f} "
        f"(cv {cv['mean']:.3f} ± {cv['std']:.3f}); top decile converts "
        f"×{gains['lift'].iloc[0]:.1f} the average; top drivers {', '.join(top)}.",
        f"Churn: {churn.model_name_}, held-out ROC AUC {churn_metrics.roc_auc:.3f} "
        f"(cv {ccv['mean']:.3f} ± {ccv['std']:.3f}); top driver segment: "
        f"{headlines[0] if headlines else 'none stands out'}.",
    ]


def _profile_section(leads: pd.DataFrame) -> Section:
    result = profile(leads, target="converted", id_col="lead_id")
    findings = pd.DataFrame(
        [
            {"severity": f.severity, "column": f.column or "", "finding": f.message}
            for f in result.findings
        ]
    )
    return Section(
        title="Data quality of the lead export",
        text=[
            f"{result.n_rows:,} rows × {result.n_columns} columns; {len(result.findings)} findings."
        ],
        tables=[findings] if len(findings) else [],
    )


def _register(
    workspace: Workspace, model: PropensityModel, name: str, train: pd.DataFrame
) -> dict[str, Any]:
    record = Registry(workspace).save(
        model,
        name=name,
        usecase=name,
        params=model.get_params(),
        metrics=model.metrics_,
        fingerprint=fingerprint(train),
    )
    return {"name": record.name, "version": record.version}


def run_demo(
    workspace: Workspace,
    *,
    out_dir: Path | None = None,
    n_leads: int = 8000,
    n_customers: int = 4000,
    n_shoppers: int = 3000,
    time_budget: float = 50.0,
    random_state: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Generate the demo company, fit every use case, and write the HTML report.

    Parameters
    ----------
    workspace : Workspace
        Where the demo tables and models go.
    out_dir : Path, optional
        Folder of the HTML page (default: the workspace folder).
    n_leads : int, default=8000
        Leads in the demo company.
    n_customers : int, default=4000
        Customers in the demo company.
    n_shoppers : int, default=3000
        Web-shop customers whose orders feed lifetime value, segments, basket and fraud.
    time_budget : float, default=50.0
        Seconds of model selection, shared 3:2 between lead scoring and churn.
    random_state : int, default=0
        Seed of the company and the models.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    dict
        ``report`` (path of the page), ``summary`` (one line per use case), ``tables``
        (rows per loaded table), ``models`` (``name`` and ``version`` per registered
        model), ``holdout_rows`` (held-out leads and customers) and ``seed``.
    """

    def step(message: str, fraction: float) -> None:
        if progress:
            progress(message, fraction)

    def stage(label: str, start: float, width: float) -> Progress:
        return lambda message, fraction: step(f"{label}: {message}", start + width * fraction)

    step("generating the demo company", 0.0)
    company = make_company(
        n_leads=n_leads, n_customers=n_customers, n_shoppers=n_shoppers, random_state=random_state
    )
    data_dir = workspace.path / "demo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    files = company.write(data_dir)
    tables = {name: load_file_into(workspace, name, path) for name, path in files.items()}
    lead_train, lead_holdout = _split_by_time(company.leads, "created_at")
    scorer = LeadScorer(random_state=random_state, time_budget=0.6 * time_budget).fit(
        lead_train, progress=stage("lead scoring", 0.05, 0.35)
    )
    churn_train, churn_holdout = _split_by_time(company.customers, "signup_date")
    churn = ChurnModel(random_state=random_state, time_budget=0.4 * time_budget).fit(
        churn_train, progress=stage("churn", 0.4, 0.25)
    )
    value_sections, value_lines, value_models = customer_value(
        workspace,
        company.orders,
        company.truths["orders"],
        random_state=random_state,
        progress=stage("customer value", 0.65, 0.12),
    )
    forecast_sections, forecast_line, forecast_model = sales_forecast(
        workspace,
        company.sales,
        company.truths["sales"],
        random_state=random_state,
        progress=stage("forecast", 0.77, 0.1),
    )
    personal_sections, personal_lines, personal_models = personalisation(
        workspace, company, random_state=random_state, progress=stage("personalisation", 0.87, 0.08)
    )
    text_sections, text_lines, text_models = text_analytics(
        Registry(workspace), company, random_state=random_state, progress=stage("text", 0.95, 0.03)
    )
    registered = [
        _register(workspace, scorer, "leads", lead_train),
        _register(workspace, churn, "churn", churn_train),
        *value_models,
        forecast_model,
        *personal_models,
        *text_models,
    ]
    step("writing the report", 0.98)
    lead_intro, lead_metrics, gains = _intro_section(
        scorer, lead_holdout, "Lead scoring: which leads will convert, and why"
    )
    churn_intro, churn_metrics, _ = _intro_section(
        churn, churn_holdout, "Churn: which customers will leave, and why"
    )
    sections = [
        lead_intro,
        *model_sections(
            scorer, lead_holdout, value=LEAD_VALUE, cost=LEAD_COST, name="Lead scoring"
        ),
        churn_intro,
        *model_sections(
            churn,
            churn_holdout,
            value=CHURN_VALUE,
            cost=CHURN_COST,
            success_rate=CHURN_SUCCESS,
            sensitive=("gender",),
            name="Churn",
        ),
        *value_sections,
        *forecast_sections,
        *personal_sections,
        *text_sections,
        _profile_section(company.leads),
    ]
    page = render_page(
        "revlearn demo: Northwind (a fictional SaaS company with a web shop)",
        sections,
        subtitle=f"{n_leads:,} leads · {n_customers:,} customers · "
        f"{company.orders['order_id'].nunique():,} shop orders · seed {random_state} · "
        "every number below was computed by this run",
    )
    target = (out_dir or workspace.path) / "revlearn-demo.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    report = write_text_atomic(page, target)
    return {
        "report": str(report),
        "summary": [
            *_summary_lines(scorer, lead_metrics, gains, churn, churn_metrics),
            *value_lines,
            forecast_line,
            *personal_lines,
            *text_lines,
        ],
        "tables": {k: int(v) for k, v in tables.items()},
        "models": registered,
        "holdout_rows": {"leads": len(lead_holdout), "customers": len(churn_holdout)},
        "seed": random_state,
    }
