"""Commands about the workspace and its data: models, load, profile, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import (
    DebugOpt,
    JsonOpt,
    VerboseOpt,
    WorkspaceOpt,
    app,
    command,
    open_workspace,
    out,
    print_json,
    progress_bar,
)
from revlearn.errors import ParameterError, short_list


# --------------------------------------------------------------------------- models
@app.command()
def models(
    workspace: WorkspaceOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False
) -> None:
    """List the registered models (every version, newest first)."""
    with command(workspace, as_json=as_json, debug=debug):
        from revlearn.store.registry import Registry

        records = Registry(open_workspace(workspace)).list()
        if as_json:
            print_json({"models": [r.to_dict() for r in records]})
            return
        if not records:
            out.print("No models yet. Train one with `revlearn fit leads --data FILE`.")
            return
        table = Table(title="Models", title_justify="left")
        for col in ("name", "version", "use case", "created", "key figure", "size"):
            table.add_column(col)
        for r in records:
            table.add_row(
                r.name,
                str(r.version),
                r.usecase,
                f"{r.created:%Y-%m-%d %H:%M}",
                _key_figure(r.metrics),
                f"{r.size_bytes / 1024:.0f} KB",
            )
        out.print(table)


#: The figure `revlearn models` shows per use case: metric key → label.
_KEY_FIGURES = {
    "roc_auc": "ROC AUC",
    "holdout_mae": "holdout MAE",
    "r": "BG/NBD r",
    "n_rules": "rules",
    "rules": "rules",
    "precision_at_10": "precision@10",
    "k": "segments",
    "n_segments": "segments",
    "n_flagged": "flagged",
}


def _key_figure(metrics: dict[str, Any]) -> str:
    for key, label in _KEY_FIGURES.items():
        value = metrics.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{label} {value:.3f}" if isinstance(value, float) else f"{label} {value:,}"
    return ""


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
    with command(workspace, as_json=as_json, debug=debug):
        from revlearn.data.sources import load_file_into, load_query_into

        ws = open_workspace(workspace)
        if db is not None:
            rows = load_query_into(ws, name, file, url=db)
        else:
            rows = load_file_into(ws, name, file)
        if as_json:
            print_json({"table": name, "rows": rows, "workspace": str(ws.path)})
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
    with command(workspace, as_json=as_json, debug=debug):
        from revlearn.data.profile import profile as run_profile
        from revlearn.data.sources import read_source

        frame = read_source(data, open_workspace(workspace))
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
            print_json({**result.to_dict(), "html": page})
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
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.report.demo import run_demo

        ws = open_workspace(workspace)
        with progress_bar(not as_json) as update:
            result = run_demo(ws, out_dir=out_dir, n_leads=n_leads, progress=update)
        if as_json:
            print_json(result)
            return
        for line in result["summary"]:
            out.print(line)
        out.print(f"[bold]Report:[/] {result['report']}")
