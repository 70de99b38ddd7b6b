"""Commands about models: fit, predict, evaluate, explain, report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import (
    EVENTS,
    CapacityOpt,
    CostOpt,
    DataOpt,
    DebugOpt,
    JsonOpt,
    ModelOpt,
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
    progress_bar,
    value_and_cost,
)
from revlearn.errors import NotFoundError, ParameterError, short_list


# ------------------------------------------------------------------------------ fit
@app.command()
def fit(
    usecase: Annotated[str, typer.Argument(help="What to model: leads or churn.")],
    data: DataOpt,
    target: Annotated[
        str | None,
        typer.Option(help="Outcome column (default: converted for leads, churned for churn)."),
    ] = None,
    positive: Annotated[
        str | None, typer.Option(help="Outcome value that counts as positive (inferred).")
    ] = None,
    id_col: Annotated[str | None, typer.Option("--id", help="Id column (inferred).")] = None,
    name: Annotated[str | None, typer.Option(help="Model name (default: the use case).")] = None,
    time_budget: Annotated[float, typer.Option(help="Seconds for model selection.")] = 40.0,
    keep_leakage: Annotated[
        bool, typer.Option(help="Keep columns that alone predict the outcome almost perfectly.")
    ] = False,
    customer: Annotated[
        str | None,
        typer.Option(help="churn from events: the customer id column.", rich_help_panel=EVENTS),
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option(help="churn from events: when each event happened.", rich_help_panel=EVENTS),
    ] = None,
    amount: Annotated[
        str | None, typer.Option(help="churn from events: money per event.", rich_help_panel=EVENTS)
    ] = None,
    horizon_days: Annotated[
        int,
        typer.Option(
            help="churn from events: days without activity that count as churn.",
            rich_help_panel=EVENTS,
        ),
    ] = 90,
    until: Annotated[
        str | None,
        typer.Option(
            help="churn from events: training cut-off day (default: last event − horizon).",
            rich_help_panel=EVENTS,
        ),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Train a model for a use case, select it by cross-validation and register it.

    Repeated ids do not stop the fit: a note says so, and predict keeps every input row.
    `fit churn --customer C --timestamp T` learns from an event table instead of a
    customer table: the label is no activity in the --horizon-days after the cut-off.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry, fingerprint
        from revlearn.usecases import USECASES

        if usecase not in USECASES:
            raise NotFoundError(
                f"Unknown use case {usecase!r}.",
                where="revlearn fit",
                fix=f"Choose one of: {', '.join(USECASES)}.",
            )
        ws = open_workspace(workspace)
        frame = read_source(data, ws)
        params: dict[str, Any] = {
            "positive": positive,
            "id_col": id_col,
            "time_budget": time_budget,
            "drop_leakage": not keep_leakage,
        }
        if target is not None:
            params["target_col"] = target
        if timestamp is not None or customer is not None:
            if usecase != "churn":
                raise ParameterError(
                    f"--customer/--timestamp build churn labels from events; they do not "
                    f"apply to {usecase!r}.",
                    where="revlearn fit",
                    fix="Use them with `revlearn fit churn`.",
                )
            params.update(
                customer_col=customer,
                timestamp_col=timestamp,
                amount_col=amount,
                horizon_days=horizon_days,
                until=until,
            )
        model = USECASES[usecase](**params)
        started = time.perf_counter()
        with progress_bar(not as_json) as update:
            model.fit(frame, progress=update)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
        record = Registry(ws).save(
            model,
            name=name or usecase,
            usecase=usecase,
            params=model.get_params(),
            metrics=model.metrics_,  # type: ignore[attr-defined]
            fingerprint=fingerprint(frame),
        )
        summary = model.summary()  # type: ignore[attr-defined]
        if as_json:
            print_json(
                {
                    "model": record.name,
                    "version": record.version,
                    "usecase": usecase,
                    "seconds": round(seconds, 2),
                    **{k: v for k, v in summary.items() if k != "model"},
                    "algorithm": summary["model"],
                }
            )
            return
        _show_fit(record, summary, seconds)


def _show_fit(record: Any, summary: dict[str, Any], seconds: float) -> None:
    m, cv = summary["metrics"], summary["cv"]
    out.print(
        kv_table(
            f"Model {record.name} v{record.version} ({seconds:.0f} s)",
            [
                ("algorithm", summary["model"]),
                (
                    "rows",
                    f"{summary['rows']:,} ({summary['base_rate']:.1%} with "
                    f"{summary['target']} = {summary['positive']!s})",
                ),
                ("ROC AUC (cv)", f"{cv['roc_auc']['mean']:.3f} ± {cv['roc_auc']['std']:.3f}"),
                ("PR AUC (cv)", f"{m['pr_auc']:.3f}"),
                ("train vs valid", f"{m['train_roc_auc']:.3f} vs {m['roc_auc']:.3f}"),
                ("log loss / Brier", f"{m['log_loss']:.3f} / {m['brier']:.3f}"),
            ],
        )
    )
    table = Table(title="Candidates (cross-validated ROC AUC)", title_justify="left")
    for col in ("model", "settings", "AUC", "±", "seconds"):
        table.add_column(col)
    for c in summary["candidates"]:
        table.add_row(
            c["label"],
            c["variant"],
            f"{c['valid_mean']:.4f}",
            f"{c['valid_std']:.4f}",
            f"{c['seconds']:.1f}",
        )
    out.print(table)
    out.print(f"[bold]Fit:[/] {summary['fit_verdict']}")
    out.print(f"[bold]Data:[/] {summary['learning_curve']['verdict']}")
    for note in summary["notes"]:
        out.print(f"[dim]note:[/] {escape(note)}")


# -------------------------------------------------------------------------- predict
@app.command()
def predict(
    model: ModelOpt,
    data: DataOpt,
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
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Score rows with a registered model and write a CSV (id, score, tier, reasons).

    With --top N only the N rows to contact are written, ordered by expected value
    (score × value × success rate − cost; by score when no --value is given).
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_csv_atomic
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        registry = Registry(ws)
        fitted, record = registry.load(model, version)
        frame = read_source(data, ws)
        started = time.perf_counter()
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
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Measure a registered model on labelled data: quality, profit of acting, fairness.

    With --value and --cost it finds how many to contact for the most profit; with
    --sensitive it compares selection and error rates across groups.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        frame = read_source(data, ws)
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
    data: DataOpt,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    version: VersionOpt = None,
    value: ValueOpt = None,
    cost: CostOpt = None,
    success_rate: SuccessOpt = 1.0,
    capacity: CapacityOpt = None,
    sensitive: SensitiveOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write one offline HTML page about a model, measured on labelled data.

    Metrics with their spread, ROC/PR/lift/gains, calibration, the profit curve (with
    --value and --cost), drivers, partial dependence, surrogate rules, fairness (with
    --sensitive) and the data-sufficiency verdict.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_text_atomic
        from revlearn.report.model_report import model_report
        from revlearn.store.registry import Registry

        ws = open_workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        money = value_and_cost(value, cost)
        page = model_report(
            fitted,  # type: ignore[arg-type]
            read_source(data, ws),
            value=money[0] if money else None,
            cost=money[1] if money else None,
            success_rate=success_rate,
            capacity=capacity,
            sensitive=tuple(column_list(sensitive or "")),
            name=f"{record.name} v{record.version}",
        )
        target = write_text_atomic(page, out_file)
        if as_json:
            print_json({"model": record.name, "version": record.version, "report": target})
            return
        out.print(f"Report on {record.name} v{record.version}: {target}")
