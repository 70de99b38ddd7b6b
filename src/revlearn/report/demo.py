"""``revlearn demo``: the demo company end to end, written to one offline HTML page.

Generates the seeded demo company, loads it into the workspace, fits every use case that
exists (lead scoring so far) on older rows, measures it on the newest rows it never saw,
registers the model and renders the results with charts.
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
from revlearn.report.figures import (
    calibration_figure,
    candidates_figure,
    gains_figure,
    importance_figure,
    learning_curve_figure,
)
from revlearn.report.files import write_text_atomic
from revlearn.report.html import Section, render_page
from revlearn.store.registry import Registry, fingerprint
from revlearn.store.workspace import Workspace
from revlearn.usecases.leads import LeadScorer

__all__ = ["run_demo"]

Progress = Callable[[str, float], None]

#: Share of the newest leads held out to measure the model honestly.
HOLDOUT_SHARE = 0.2


def _split_by_time(leads: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    order = pd.to_datetime(leads["created_at"]).sort_values(kind="stable").index
    cut = int(len(order) * (1 - HOLDOUT_SHARE))
    return leads.loc[order[:cut]], leads.loc[order[cut:]]


def _lead_section(scorer: LeadScorer, holdout: pd.DataFrame) -> tuple[Section, list[str]]:
    metrics = scorer.evaluate(holdout)
    y = (
        holdout[scorer.target_].astype(str).str.casefold() == str(scorer.positive_).casefold()
    ).to_numpy(dtype=int)
    scored = scorer.predict(holdout)
    gains = gains_table(y, scored["score"].to_numpy())
    summary = scorer.summary()
    top = scorer.explain().to_frame()
    cv = summary["cv"]["roc_auc"]
    text = [
        f"Chosen model: {summary['model']}, trained on {summary['rows']:,} older leads "
        f"({summary['base_rate']:.1%} converted) and measured on the {len(holdout):,} newest.",
        f"Held-out ROC AUC {metrics.roc_auc:.3f} (cross-validated {cv['mean']:.3f} ± "
        f"{cv['std']:.3f}); the top decile converts ×{gains['lift'].iloc[0]:.1f} the average; "
        f"calling the top 20 % reaches {gains['cum_gain'].iloc[1]:.0%} of all conversions.",
        f"Strongest drivers: {', '.join(top['feature'].head(3))}.",
        summary["learning_curve"]["verdict"],
        *summary["notes"],
    ]
    best = scored.sort_values("rank").head(10)
    show = best.merge(holdout[[scorer.id_col_, scorer.target_]], on=scorer.id_col_)
    section = Section(
        title="Lead scoring: which leads will convert, and why",
        text=text,
        figures=[
            importance_figure(top),
            gains_figure(gains),
            calibration_figure(y, scored["score"].to_numpy()),
            candidates_figure(summary["candidates"]),
            learning_curve_figure(summary["learning_curve"]),
        ],
        tables=[show[[scorer.id_col_, "score", "tier", "reasons", scorer.target_]]],
    )
    line = (
        f"Lead scoring: {summary['model']}, held-out ROC AUC {metrics.roc_auc:.3f} "
        f"(cv {cv['mean']:.3f} ± {cv['std']:.3f}); top decile converts "
        f"×{gains['lift'].iloc[0]:.1f} the average; top drivers "
        f"{', '.join(top['feature'].head(3))}."
    )
    return section, [line]


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


def run_demo(
    workspace: Workspace,
    *,
    out_dir: Path | None = None,
    n_leads: int = 8000,
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
    random_state : int, default=0
        Seed of the company and the models.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    dict
        ``report`` (path of the page), ``summary`` (lines), ``tables`` and ``models``.
    """

    def step(message: str, fraction: float) -> None:
        if progress:
            progress(message, fraction)

    step("generating the demo company", 0.0)
    company = make_company(n_leads=n_leads, random_state=random_state)
    data_dir = workspace.path / "demo-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    files = company.write(data_dir)
    tables = {name: load_file_into(workspace, name, path) for name, path in files.items()}
    train, holdout = _split_by_time(company.leads)

    def fit_progress(message: str, fraction: float) -> None:
        step(f"lead scoring: {message}", 0.1 + 0.7 * fraction)

    scorer = LeadScorer(random_state=random_state, time_budget=30.0).fit(
        train, progress=fit_progress
    )
    record = Registry(workspace).save(
        scorer,
        name="leads",
        usecase="leads",
        params=scorer.get_params(),
        metrics=scorer.metrics_,
        fingerprint=fingerprint(train),
    )
    step("writing the report", 0.9)
    lead_section, lines = _lead_section(scorer, holdout)
    page = render_page(
        "revlearn demo: Northwind Cloud (a fictional B2B SaaS company)",
        [lead_section, _profile_section(company.leads)],
        subtitle=f"{n_leads:,} leads · seed {random_state} · every number "
        "below was computed by this run",
    )
    target = (out_dir or workspace.path) / "revlearn-demo.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    report = write_text_atomic(page, target)
    return {
        "report": str(report),
        "summary": lines,
        "tables": {k: int(v) for k, v in tables.items()},
        "models": [{"name": record.name, "version": record.version}],
        "holdout_rows": len(holdout),
        "seed": random_state,
    }
