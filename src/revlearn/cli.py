"""The ``revlearn`` command line (Typer): parse, call the library, format, exit.

Exit codes: 0 success, 2 bad input (one line: what, where, how to fix), 1 internal failure
(one line; the traceback goes to ``<workspace>/revlearn.log``, or to the screen with
``--debug``). ``--json`` prints exactly one JSON document to stdout; progress and logs go
to stderr.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from revlearn._logging import configure_logging
from revlearn._version import __version__
from revlearn.errors import NotFoundError, ParameterError, RevlearnError, short_list

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    help="Machine learning for marketing and sales teams.",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
logger = logging.getLogger("revlearn.cli")

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="REVLEARN_WORKSPACE",
        show_envvar=True,
        help="Workspace directory (default ./revlearn-workspace).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log every step to stderr.")]
DataOpt = Annotated[
    str,
    typer.Option(
        "--data",
        "-d",
        help="A file (CSV, Parquet, Excel, JSON), a workspace table name, or a SQL query "
        "over the workspace (SELECT ...).",
    ),
]
ModelOpt = Annotated[str, typer.Option("--model", "-m", help="Registered model name.")]
EVENTS = "Churn from an event table"
MONEY = "Return on contact (value of a success, cost of a contact)"
ValueOpt = Annotated[
    str | None,
    typer.Option(
        "--value",
        help="Value of a saved customer / a conversion: a number, or a column holding it.",
        rich_help_panel=MONEY,
    ),
]
CostOpt = Annotated[
    float | None,
    typer.Option(
        "--cost", help="Cost of one contact (call, offer, e-mail).", rich_help_panel=MONEY
    ),
]
SuccessOpt = Annotated[
    float,
    typer.Option(
        "--success-rate",
        help="Share of contacted would-be churners the action saves (1 for leads).",
        rich_help_panel=MONEY,
    ),
]
CapacityOpt = Annotated[
    int | None, typer.Option(help="Most contacts the team can make.", rich_help_panel=MONEY)
]
SensitiveOpt = Annotated[
    str | None,
    typer.Option("--sensitive", help="Columns to check for unfair treatment, e.g. gender,region."),
]
VersionOpt = Annotated[
    int | None, typer.Option("--version", help="Model version (default latest).")
]


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return _to_jsonable(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def _print_json(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(_to_jsonable(doc), indent=2, default=str) + "\n")


def _workspace(path: Path | None) -> Any:
    from revlearn.store.workspace import Workspace

    return Workspace(path)


@contextmanager
def _command(
    workspace: Path | None, *, as_json: bool, debug: bool = False, verbose: bool = False
) -> Iterator[None]:
    """Run a command body: configure logs, turn errors into one line and an exit code."""
    configure_logging(verbose=verbose, quiet=as_json or not verbose)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            yield
    except RevlearnError as exc:
        if as_json:
            _print_json(exc.to_dict())
        err.print(f"[bold red]error:[/] {_one_line(exc)}")
        raise typer.Exit(exc.exit_code) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:  # an internal failure: one line, traceback to the log
        if debug:
            raise
        log = _log_traceback(workspace)
        message = _one_line(exc).rstrip(".")
        err.print(
            f"[bold red]internal error:[/] {type(exc).__name__}{': ' if message else ''}"
            f"{message}. Traceback in {escape(str(log))}; rerun with --debug to see it."
        )
        raise typer.Exit(1) from None


def _one_line(exc: BaseException | Warning | str) -> str:
    """The message on one line, escaped so that ``[where]`` is not read as Rich markup."""
    return escape(" ".join(str(exc).split()))


def _show_warning(message: Warning | str, *args: Any, **kwargs: Any) -> None:
    """Print a warning as one line on stderr (not Python's file:line and source echo)."""
    err.print(f"[yellow]warning:[/] {_one_line(message)}")


def _log_traceback(workspace: Path | None) -> Path:
    from revlearn.store.workspace import Workspace

    directory = Workspace(workspace).path
    try:
        directory.mkdir(parents=True, exist_ok=True)
        log = directory / "revlearn.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} revlearn {__version__}\n")
            handle.write(traceback.format_exc())
    except OSError:
        log = Path("(stderr)")
        err.print(traceback.format_exc())
    return log


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr, or a no-op callback when disabled."""
    if not enabled or not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1.0)

        def update(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        yield update


def _kv_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    return table


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
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry, fingerprint
        from revlearn.usecases import USECASES

        if usecase not in USECASES:
            raise NotFoundError(
                f"Unknown use case {usecase!r}.",
                where="revlearn fit",
                fix=f"Choose one of: {', '.join(USECASES)}.",
            )
        ws = _workspace(workspace)
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
        with _progress(not as_json) as update:
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
            _print_json(
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
        _kv_table(
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
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_csv_atomic
        from revlearn.store.registry import Registry

        ws = _workspace(workspace)
        registry = Registry(ws)
        fitted, record = registry.load(model, version)
        frame = read_source(data, ws)
        started = time.perf_counter()
        money = _money(value, cost)
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
            _print_json(doc)
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
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry

        ws = _workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        frame = read_source(data, ws)
        result = fitted.evaluate(frame)  # type: ignore[attr-defined]
        doc: dict[str, Any] = {
            "model": record.name,
            "version": record.version,
            "metrics": result.to_dict(),
        }
        money = _money(value, cost)
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
            fair = fitted.fairness(frame, _columns(sensitive))  # type: ignore[attr-defined]
            doc["fairness"] = fair.to_dict()
        if as_json:
            _print_json(doc)
            return
        _show_metrics(result, f"{record.name} v{record.version} on {data}")
        if money is not None:
            out.print(f"[bold]Profit:[/] {escape(curve.verdict)}")
        if sensitive:
            for line in fair.verdicts:
                out.print(f"[bold]Fairness:[/] {escape(line)}")


def _money(value: str | None, cost: float | None) -> tuple[float | str, float] | None:
    """(value, cost) when both are given; a number-like value becomes a float."""
    if value is None and cost is None:
        return None
    if value is None or cost is None:
        raise ParameterError(
            "--value and --cost go together.",
            where="--value/--cost",
            fix="Pass both, e.g. --value 500 --cost 20.",
        )
    try:
        return float(value), cost
    except ValueError:
        return value, cost


def _columns(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _show_metrics(result: Any, title: str) -> None:
    c = result.confusion
    out.print(
        _kv_table(
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
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry

        ws = _workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        frame = read_source(data, ws) if data is not None else None
        result = fitted.explain(frame)  # type: ignore[attr-defined]
        if as_json:
            doc = result.to_dict()
            _print_json({"model": record.name, "version": record.version, **doc})
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


# --------------------------------------------------------------------------- models
@app.command()
def models(
    workspace: WorkspaceOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False
) -> None:
    """List the registered models (every version, newest first)."""
    with _command(workspace, as_json=as_json, debug=debug):
        from revlearn.store.registry import Registry

        records = Registry(_workspace(workspace)).list()
        if as_json:
            _print_json({"models": [r.to_dict() for r in records]})
            return
        if not records:
            out.print("No models yet. Train one with `revlearn fit leads --data FILE`.")
            return
        table = Table(title="Models", title_justify="left")
        for col in ("name", "version", "use case", "created", "ROC AUC", "size"):
            table.add_column(col)
        for r in records:
            auc = r.metrics.get("roc_auc")
            table.add_row(
                r.name,
                str(r.version),
                r.usecase,
                f"{r.created:%Y-%m-%d %H:%M}",
                f"{auc:.3f}" if isinstance(auc, float) else "",
                f"{r.size_bytes / 1024:.0f} KB",
            )
        out.print(table)


# ---------------------------------------------------------------------- load/profile
@app.command()
def load(
    name: Annotated[str, typer.Argument(help="Table name in the workspace.")],
    file: Annotated[
        str,
        typer.Argument(
            help="File to load (CSV, Parquet, Excel, JSON), or with --db a SQL query.",
            metavar="FILE|QUERY",
        ),
    ],
    db: Annotated[
        str | None,
        typer.Option(help="SQLAlchemy URL of a database to run the query against."),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Put a file (or a query's result) into the workspace as a table.

    Large CSVs stream through DuckDB. With --db, FILE|QUERY is a SQL query run against that
    database, e.g. revlearn load leads "SELECT * FROM leads" --db sqlite:///crm.db.
    """
    with _command(workspace, as_json=as_json, debug=debug):
        from revlearn.data.sources import load_file_into, load_query_into

        ws = _workspace(workspace)
        if db is not None:
            rows = load_query_into(ws, name, file, url=db)
        else:
            rows = load_file_into(ws, name, file)
        if as_json:
            _print_json({"table": name, "rows": rows, "workspace": str(ws.path)})
            return
        out.print(f"Loaded {rows:,} rows from {file} into table {name!r} ({ws.db_path}).")


@app.command()
def profile(
    data: Annotated[str, typer.Argument(help="A file or a workspace table name.")],
    target: Annotated[
        str | None, typer.Option(help="Outcome column (enables leakage checks).")
    ] = None,
    id_col: Annotated[str | None, typer.Option("--id", help="Id column.")] = None,
    html: Annotated[
        Path | None, typer.Option(help="Also write the profile as an HTML page with charts.")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Describe every column and list data-quality problems (missing, duplicates, leakage)."""
    with _command(workspace, as_json=as_json, debug=debug):
        from revlearn.data.profile import profile as run_profile
        from revlearn.data.sources import read_source

        frame = read_source(data, _workspace(workspace))
        if target is not None and target not in frame.columns:
            raise ParameterError(
                f"Target column {target!r} not found.",
                where=str(data),
                fix=f"Columns: {short_list(frame.columns)}.",
            )
        result = run_profile(frame, target=target, id_col=id_col)
        page = None
        if html is not None:
            from revlearn.report.files import write_text_atomic
            from revlearn.report.profile_page import profile_page

            page = write_text_atomic(profile_page(result, frame, title=str(data)), html)
        if as_json:
            _print_json({**result.to_dict(), "html": page})
            return
        _show_profile(result, str(data))
        if page is not None:
            out.print(f"[bold]Page:[/] {page}")


def _show_profile(result: Any, source: str) -> None:
    table = Table(
        title=f"{source}: {result.n_rows:,} rows × {result.n_columns} columns", title_justify="left"
    )
    table.add_column("column", no_wrap=True)
    table.add_column("role", no_wrap=True)
    for col in ("missing", "distinct", "mean", "median", "min", "max"):
        table.add_column(col, justify="right", no_wrap=True, min_width=7)
    table.add_column("most frequent", overflow="ellipsis", no_wrap=True, max_width=24)

    def num(value: Any) -> str:
        return (
            "" if not isinstance(value, float | int) or not np.isfinite(value) else f"{value:,.4g}"
        )

    for row in result.columns.to_dict(orient="records"):
        table.add_row(
            str(row["column"]),
            str(row["role"]),
            f"{row['missing_pct']:.1f}%",
            f"{row['distinct']:,}",
            num(row["mean"]),
            num(row["median"]),
            num(row["min"]),
            num(row["max"]),
            str(row["top_values"] or "").split(", ")[0],
        )
    out.print(table)
    colour = {"error": "red", "warning": "yellow", "info": "cyan"}
    for finding in result.findings:
        out.print(
            f"[{colour.get(finding.severity, 'white')}]{finding.severity:>7}[/] "
            + escape(finding.message)
        )


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
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_text_atomic
        from revlearn.report.model_report import model_report
        from revlearn.store.registry import Registry

        ws = _workspace(workspace)
        fitted, record = Registry(ws).load(model, version)
        money = _money(value, cost)
        page = model_report(
            fitted,  # type: ignore[arg-type]
            read_source(data, ws),
            value=money[0] if money else None,
            cost=money[1] if money else None,
            success_rate=success_rate,
            capacity=capacity,
            sensitive=tuple(_columns(sensitive or "")),
            name=f"{record.name} v{record.version}",
        )
        target = write_text_atomic(page, out_file)
        if as_json:
            _print_json({"model": record.name, "version": record.version, "report": target})
            return
        out.print(f"Report on {record.name} v{record.version}: {target}")


# ----------------------------------------------------------------------------- demo
@app.command()
def demo(
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Where to write the HTML page (default: the workspace)."),
    ] = None,
    n_leads: Annotated[int, typer.Option(help="Leads in the demo company.")] = 8000,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Generate the demo company, fit every use case, and write one HTML page of results."""
    with _command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.report.demo import run_demo

        ws = _workspace(workspace)
        with _progress(not as_json) as update:
            result = run_demo(ws, out_dir=out_dir, n_leads=n_leads, progress=update)
        if as_json:
            _print_json(result)
            return
        for line in result["summary"]:
            out.print(line)
        out.print(f"[bold]Report:[/] {result['report']}")


def main() -> None:
    """Run the command line (the ``revlearn`` console script)."""
    app()


if __name__ == "__main__":
    main()
