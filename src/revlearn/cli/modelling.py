"""Commands about fitted models: predict, evaluate, explain, report (``fit`` is in
:mod:`revlearn.cli.fitting`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import (
    CapacityOpt,
    CostOpt,
    DataOpt,
    DebugOpt,
    JsonOpt,
    ModelOpt,
    OptionalDataOpt,
    SensitiveOpt,
    SuccessOpt,
    ValueOpt,
    VerboseOpt,
    VersionOpt,
    WorkspaceOpt,
    app,
    column_list,
    command,
    kv_table,
    open_workspace,
    out,
    print_json,
    value_and_cost,
)
from revlearn.cli.campaigns import (
    CAMPAIGN_USECASES,
    campaign_predictions,
    campaign_sections,
    evaluate_campaign,
    show_campaign_evaluation,
)
from revlearn.cli.customers import (
    VALUE_USECASES,
    evaluate_model,
    predict_table,
    report_sections,
    show_evaluation,
    show_explain,
)
from revlearn.cli.forecasting import (
    forecast_table,
)
from revlearn.cli.recommending import (
    evaluate_recommender,
    recommend_table,
    show_recommend_evaluation,
)
from revlearn.cli.texting import (
    TEXT_USECASES,
    evaluate_text,
    show_text_evaluation,
    text_predictions,
    text_sections,
)
from revlearn.errors import ParameterError, short_list

PropensityOpt = Annotated[
    str | None,
    typer.Option(help="bandit: the logging propensity column of the log (propensity)."),
]


# -------------------------------------------------------------------------- predict
@app.command()
def predict(
    model: ModelOpt,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    version: VersionOpt = None,
    no_reasons: Annotated[
        bool, typer.Option("--no-reasons", help="Skip reasons (faster).")
    ] = False,
    top: Annotated[
        int | None,
        typer.Option(help="Write only the N rows worth contacting, best expected value first."),
    ] = None,
    value: ValueOpt = None,
    cost: CostOpt = None,
    success_rate: SuccessOpt = 1.0,
    data: OptionalDataOpt = None,
    horizon: Annotated[
        int | None,
        typer.Option(help="clv: days ahead; forecast: periods ahead (default: as fitted)."),
    ] = None,
    signals: Annotated[
        str | None,
        typer.Option(help="forecast: a file or table of the future values of the known signals."),
    ] = None,
    k: Annotated[
        int | None, typer.Option(help="recommend: items per user (default: as fitted).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Score rows with a registered model and write a CSV.

    leads/churn: id, score, tier, reasons; with --top N only the N rows to contact, by
    expected value (score × value × success rate − cost). clv: per customer P(alive),
    expected purchases over --horizon days, expected spend and CLV (the training customers
    without --data). segments: the segment per customer. anomalies: score and reasons per
    transaction. basket: the rules table, or cross-sell offers for the histories in --data.
    recommend: user, rank, item, score, reason for the users in --data (every training user
    without it), --k per user. nba: one action per customer of --data with probability,
    expected value, reason and holdout flag. bandit: the best arm and every arm's expected
    reward per visitor of --data.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_csv_atomic
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        registry = Registry(ws)
        fitted, record = registry.load(model, version)
        frame = read_source(data, ws) if data is not None else None
        started = time.perf_counter()
        if record.usecase in (*VALUE_USECASES, *CAMPAIGN_USECASES, *TEXT_USECASES, "forecast",
                              "pipeline", "recommend"):  # fmt: skip
            if record.usecase in TEXT_USECASES:
                scored = text_predictions(record.usecase, fitted, frame)
            elif record.usecase in CAMPAIGN_USECASES:
                scored = campaign_predictions(record.usecase, fitted, frame)
            elif record.usecase == "recommend":
                scored = recommend_table(fitted, frame, k)
            elif record.usecase == "pipeline":
                if frame is None:
                    raise ParameterError(
                        "Scoring a pipeline model needs --data: the open deals.",
                        where="revlearn predict",
                        fix="Pass --data FILE with the open opportunities.",
                    )
                scored = fitted.predict(frame)  # type: ignore[attr-defined]
            elif record.usecase == "forecast":
                future = read_source(signals, ws) if signals is not None else None
                scored = forecast_table(fitted, future, horizon=horizon)
            else:
                scored = predict_table(
                    record.usecase, fitted, frame, horizon_days=horizon, top=top or 5
                )
            write_csv_atomic(scored, out_file)
            seconds = time.perf_counter() - started
            registry.log_prediction(
                name=record.name,
                version=record.version,
                source=str(data or "training data"),
                n_rows=len(scored),
                output=str(out_file),
                seconds=seconds,
            )
            doc = {
                "model": record.name,
                "version": record.version,
                "rows": len(scored),
                "columns": [str(c) for c in scored.columns],
                "out": str(out_file),
                "seconds": round(seconds, 2),
            }
            if "status" in scored:  # text: empty and other-language texts are flagged
                doc["status_counts"] = scored["status"].value_counts().to_dict()
            if as_json:
                print_json(doc)
                return
            out.print(
                f"Wrote {len(scored):,} rows from {record.name} v{record.version} in "
                f"{seconds:.1f} s → {out_file}"
            )
            status = scored["status"] if "status" in scored else pd.Series(dtype=object)
            flagged = status[status != "ok"].value_counts().to_dict()
            if flagged:
                counts = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in flagged.items())
                out.print(f"[dim]note:[/] texts flagged: {counts} (see the status column).")
            return
        if frame is None:
            raise ParameterError(
                f"Scoring a {record.usecase} model needs --data.",
                where="revlearn predict",
                fix="Pass --data FILE with the rows to score.",
            )
        money = value_and_cost(value, cost)
        if top is not None:
            scored = fitted.contact_list(  # type: ignore[attr-defined]
                frame,
                top=top,
                value=money[0] if money else 1.0,
                cost=money[1] if money else 0.0,
                success_rate=success_rate,
                reasons=not no_reasons,
            )
        elif money is not None:
            raise ParameterError(
                "--value and --cost only rank a contact list.",
                where="revlearn predict",
                fix="Add --top N, or drop --value/--cost.",
            )
        else:
            scored = fitted.predict(frame, reasons=not no_reasons)  # type: ignore[attr-defined]
        write_csv_atomic(scored, out_file)
        seconds = time.perf_counter() - started
        registry.log_prediction(
            name=record.name,
            version=record.version,
            source=str(data),
            n_rows=len(scored),
            output=str(out_file),
            seconds=seconds,
        )
        extra = [
            c
            for c in frame.columns
            if c not in fitted.input_columns_  # type: ignore[attr-defined]
            and c not in (fitted.id_col_, fitted.target_)  # type: ignore[attr-defined]
        ]
        tiers = scored["tier"].value_counts().to_dict()
        doc = {
            "model": record.name,
            "version": record.version,
            "rows": len(scored),
            "out": str(out_file),
            "seconds": round(seconds, 2),
            "tiers": tiers,
            "ignored_columns": extra,
        }
        if as_json:
            print_json(doc)
            return
        out.print(
            f"Scored {len(scored):,} rows with {record.name} v{record.version} in "
            f"{seconds:.1f} s → {out_file}"
        )
        out.print("Tiers: " + ", ".join(f"{k} {v:,}" for k, v in sorted(tiers.items())))
        if extra:
            out.print(
                "[dim]note:[/] ignored columns the model does not use: " + escape(short_list(extra))
            )


# ------------------------------------------------------------------------- evaluate
@app.command()
def evaluate(
    model: ModelOpt,
    data: DataOpt,
    version: VersionOpt = None,
    value: ValueOpt = None,
    cost: CostOpt = None,
    success_rate: SuccessOpt = 1.0,
    capacity: CapacityOpt = None,
    sensitive: SensitiveOpt = None,
    until: Annotated[
        str | None, typer.Option(help="clv: refit up to this day and judge on the rest.")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="anomalies: the column marking known cases; nba: the outcome column "
            "(outcome); sentiment, textclass: the true labels."
        ),
    ] = None,
    propensity: PropensityOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Measure a registered model on labelled data: quality, profit of acting, fairness.

    With --value and --cost it finds how many to contact for the most profit; with
    --sensitive it compares selection and error rates across groups. clv: the holdout check
    at --until; anomalies: precision and recall at k against --target; segments: cluster
    quality and bootstrap stability; recommend: precision, recall, nDCG, MAP, hit rate and
    coverage at k = 1, 5, 10, 20 on held-out interactions, beside popularity. nba: the lift
    of treated over held-out customers (--data: the predict output with an outcome column);
    bandit: the fitted policy's value on a log with propensities (IPS, SNIPS, doubly robust).
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        frame = read_source(data, ws)
        if record.usecase in TEXT_USECASES:
            found = evaluate_text(record.usecase, fitted, frame, target=target)
            if as_json:
                print_json({"model": record.name, "version": record.version, **found})
                return
            show_text_evaluation(f"{record.name} v{record.version} on {data}", found)
            return
        if record.usecase in CAMPAIGN_USECASES:
            found = evaluate_campaign(
                record.usecase, fitted, frame, outcome=target, propensity=propensity
            )
            if as_json:
                print_json({"model": record.name, "version": record.version, **found})
                return
            title = f"{record.name} v{record.version} on {data}"
            show_campaign_evaluation(record.usecase, title, found)
            return
        if record.usecase == "recommend":
            rows = evaluate_recommender(fitted, frame)
            if as_json:
                print_json({"model": record.name, "version": record.version, "metrics": rows})
                return
            show_recommend_evaluation(f"{record.name} v{record.version} on {data}", rows)
            return
        if record.usecase in VALUE_USECASES:
            found = evaluate_model(record.usecase, fitted, frame, until=until, target=target)
            if as_json:
                print_json({"model": record.name, "version": record.version, "metrics": found})
                return
            show_evaluation(record.usecase, f"{record.name} v{record.version} on {data}", found)
            return
        result = fitted.evaluate(frame)  # type: ignore[attr-defined]
        doc: dict[str, Any] = {
            "model": record.name,
            "version": record.version,
            "metrics": result.to_dict(),
        }
        money = value_and_cost(value, cost)
        if money is not None:
            curve = fitted.profit(  # type: ignore[attr-defined]
                frame,
                value=money[0],
                cost=money[1],
                success_rate=success_rate,
                capacity=capacity,
            )
            doc["profit"] = curve.to_dict()
        if sensitive:
            fair = fitted.fairness(frame, column_list(sensitive))  # type: ignore[attr-defined]
            doc["fairness"] = fair.to_dict()
        if as_json:
            print_json(doc)
            return
        _show_metrics(result, f"{record.name} v{record.version} on {data}")
        if money is not None:
            out.print(f"[bold]Profit:[/] {escape(curve.verdict)}")
        if sensitive:
            for line in fair.verdicts:
                out.print(f"[bold]Fairness:[/] {escape(line)}")


def _show_metrics(result: Any, title: str) -> None:
    c = result.confusion
    out.print(
        kv_table(
            title,
            [
                ("rows", f"{result.n_rows:,} ({result.n_positive:,} positive)"),
                ("ROC AUC", f"{result.roc_auc:.3f}"),
                ("PR AUC", f"{result.pr_auc:.3f}"),
                ("log loss", f"{result.log_loss:.3f}"),
                ("Brier", f"{result.brier:.3f}"),
                (
                    f"at threshold {result.threshold:.2f}",
                    f"precision {result.precision:.3f}, recall {result.recall:.3f}, "
                    f"F1 {result.f1:.3f}, accuracy {result.accuracy:.3f}",
                ),
                ("confusion", f"TP {c['tp']:,}  FP {c['fp']:,}  FN {c['fn']:,}  TN {c['tn']:,}"),
            ],
        )
    )


# -------------------------------------------------------------------------- explain
@app.command()
def explain(
    model: ModelOpt,
    data: Annotated[
        str | None,
        typer.Option("--data", "-d", help="Rows to explain (default: the training sample)."),
    ] = None,
    version: VersionOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show which columns drive a model's predictions, and in which direction."""
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        if record.usecase in (*VALUE_USECASES, *CAMPAIGN_USECASES, *TEXT_USECASES, "mentions",
                              "recommend"):  # fmt: skip
            table = fitted.explain()  # type: ignore[attr-defined]
            if not isinstance(table, pd.DataFrame):  # segments: profiles
                table = table.to_frame()
            if as_json:
                rows = table.to_dict(orient="records")
                print_json({"model": record.name, "version": record.version, "table": rows})
                return
            show_explain(f"{record.name} v{record.version}", table)
            return
        frame = read_source(data, ws) if data is not None else None
        result = fitted.explain(frame)  # type: ignore[attr-defined]
        if as_json:
            doc = result.to_dict()
            print_json({"model": record.name, "version": record.version, **doc})
            return
        table = Table(
            title=f"What drives {record.name} v{record.version} ({result.model}, "
            f"{result.importance.method})",
            title_justify="left",
        )
        for col in ("feature", "share", "direction"):
            table.add_column(col)
        for row in result.to_frame().itertuples():
            table.add_row(str(row.feature), f"{row.share:.1%}", str(row.direction))
        out.print(table)
        out.print("[bold]Where it concentrates[/] (training rows):")
        for line in result.drivers.headlines:
            out.print(f"  • {escape(line)}")
        for note in result.notes:
            out.print(f"[dim]note:[/] {escape(note)}")


# --------------------------------------------------------------------------- report
@app.command()
def report(
    model: ModelOpt,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    version: VersionOpt = None,
    value: ValueOpt = None,
    cost: CostOpt = None,
    success_rate: SuccessOpt = 1.0,
    capacity: CapacityOpt = None,
    sensitive: SensitiveOpt = None,
    data: OptionalDataOpt = None,
    signals: Annotated[
        str | None,
        typer.Option(help="forecast: a file or table of the future values of the known signals."),
    ] = None,
    propensity: PropensityOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write one offline HTML page about a model, measured on labelled data.

    Metrics with their spread, ROC/PR/lift/gains, calibration, the profit curve (with
    --value and --cost), drivers, partial dependence, surrogate rules, fairness (with
    --sensitive) and the data-sufficiency verdict. clv, segments, anomalies and basket
    models get their own charts (only anomalies needs --data: the transactions to show);
    recommend draws its quality over k with --data holding held-out interactions; nba draws
    its plan; bandit tables its arms and, with --data holding a log with propensities,
    estimates the fitted policy's value off-policy.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_text_atomic
        from revlearn.report.html import render_page
        from revlearn.report.model_report import model_report
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        frame = read_source(data, ws) if data is not None else None
        title = f"{record.name} v{record.version}"
        if record.usecase == "pipeline":
            from revlearn.report.pipeline_report import pipeline_sections

            if frame is None:
                raise ParameterError(
                    "A report on a pipeline model needs --data: the open deals.",
                    where="revlearn report",
                    fix="Pass --data FILE with the open opportunities.",
                )
            pipeline = pipeline_sections(fitted, frame)  # type: ignore[arg-type]
            page = render_page(title, pipeline)
        elif record.usecase == "forecast":
            from revlearn.report.forecast_report import forecast_sections

            future = read_source(signals, ws) if signals is not None else None
            sections = forecast_sections(fitted, signals=future)  # type: ignore[arg-type]
            page = render_page(title, sections)
        elif record.usecase in (*TEXT_USECASES, "mentions"):
            page = render_page(title, text_sections(record.usecase, fitted, frame))
        elif record.usecase in CAMPAIGN_USECASES:
            sections = campaign_sections(record.usecase, fitted, frame, propensity=propensity)
            page = render_page(title, sections)
        elif record.usecase == "recommend":
            from revlearn.report.recommend_report import recommend_sections

            page = render_page(title, recommend_sections(fitted, frame))  # type: ignore[arg-type]
        elif record.usecase in VALUE_USECASES:
            page = render_page(title, report_sections(record.usecase, fitted, frame))
        elif frame is None:
            raise ParameterError(
                f"A report on a {record.usecase} model needs --data: labelled rows it never saw.",
                where="revlearn report",
                fix="Pass --data FILE.",
            )
        else:
            money = value_and_cost(value, cost)
            page = model_report(
                fitted,  # type: ignore[arg-type]
                frame,
                value=money[0] if money else None,
                cost=money[1] if money else None,
                success_rate=success_rate,
                capacity=capacity,
                sensitive=tuple(column_list(sensitive or "")),
                name=title,
            )
        target = write_text_atomic(page, out_file)
        if as_json:
            print_json({"model": record.name, "version": record.version, "report": target})
            return
        out.print(f"Report on {record.name} v{record.version}: {target}")
