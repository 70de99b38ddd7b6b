"""What every ``revlearn`` command shares: the Typer app, options, errors, output.

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
from revlearn.errors import ParameterError, RevlearnError

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
OptionalDataOpt = Annotated[
    str | None,
    typer.Option(
        "--data",
        "-d",
        help="A file, a workspace table name or a SQL query (SELECT ...); optional for clv "
        "and basket.",
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


def to_jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    return value


def print_json(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(to_jsonable(doc), indent=2, default=str) + "\n")


def open_workspace(path: Path | None) -> Any:
    from revlearn.store.workspace import Workspace

    return Workspace(path)


@contextmanager
def command(
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
            print_json(exc.to_dict())
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
def progress_bar(enabled: bool) -> Iterator[Any]:
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


def kv_table(title: str, rows: list[tuple[str, str]]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in rows:
        table.add_row(key, value)
    return table


def value_and_cost(value: str | None, cost: float | None) -> tuple[float | str, float] | None:
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


def column_list(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]
