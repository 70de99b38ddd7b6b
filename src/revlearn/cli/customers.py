"""How the model commands run the customer-value use cases: clv, segments, anomalies, basket.

They share the transaction-table options (``--customer``, ``--timestamp``, ``--amount``,
``--order``, ``--item``, ``--until``) and differ in what ``fit`` prints and ``predict``
writes. :mod:`revlearn.cli.modelling` calls these functions when the use case is one of
:data:`VALUE_USECASES`; the propensity use cases (leads, churn) keep their own path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import kv_table, out
from revlearn.data._events import parse_timestamps
from revlearn.errors import ParameterError

__all__ = [
    "VALUE_USECASES",
    "ValueOptions",
    "build_model",
    "evaluate_model",
    "fit_metrics",
    "fit_value_model",
    "predict_table",
    "report_sections",
    "show_evaluation",
    "show_explain",
    "show_fit",
    "show_holdout",
]

VALUE_USECASES = ("clv", "segments", "anomalies", "basket")


@dataclass
class ValueOptions:
    """The ``revlearn fit`` options the customer-value use cases read."""

    customer: str | None = None
    timestamp: str | None = None
    amount: str | None = None
    order: str | None = None
    item: str | None = None
    id_col: str | None = None
    until: str | None = None
    horizon_days: int | None = None
    method: str | None = None
    n_segments: int | None = None
    min_support: float = 0.01
    min_confidence: float = 0.3
    min_lift: float = 1.0
    max_len: int | None = None
    margin: float = 1.0
    discount_rate: float = 0.1
    contamination: float = 0.01
    channel: str | None = None
    quantity: str | None = None


def _require(value: str | None, flag: str, usecase: str) -> str:
    if value is None:
        raise ParameterError(
            f"`revlearn fit {usecase}` needs {flag}.",
            where="revlearn fit",
            fix=f"Pass {flag} <column>.",
        )
    return value


def build_model(usecase: str, opts: ValueOptions) -> Any:
    """Make the unfitted use case from the command-line options.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    opts : ValueOptions
        The parsed options.

    Returns
    -------
    object
        The use case object, ready for ``fit``.

    Raises
    ------
    ParameterError
        If an option the use case needs is missing or one it cannot use is given.
    """
    if usecase == "clv":
        from revlearn.usecases.clv import CLVModel

        return CLVModel(
            customer_col=opts.customer,
            timestamp_col=opts.timestamp,
            amount_col=opts.amount,
            horizon_days=opts.horizon_days or 365,
            margin=opts.margin,
            discount_rate=opts.discount_rate,
            model=opts.method or "auto",
        )
    if usecase == "segments":
        from revlearn.usecases.segments import CustomerSegments

        return CustomerSegments(
            method=opts.method or "kmeans",
            n_segments=opts.n_segments,
            id_col=opts.id_col or opts.customer,
            customer_col=opts.customer or "customer_id",
            timestamp_col=opts.timestamp,
            amount_col=opts.amount or "amount",
            until=opts.until,
        )
    if usecase == "anomalies":
        from revlearn.usecases.anomalies import TransactionAnomalies

        return TransactionAnomalies(
            customer_col=_require(opts.customer, "--customer", usecase),
            timestamp_col=_require(opts.timestamp, "--timestamp", usecase),
            amount_col=_require(opts.amount, "--amount", usecase),
            order_col=opts.order,
            id_col=opts.id_col,
            channel_col=opts.channel,
            quantity_col=opts.quantity,
            method=opts.method or "isolation_forest",  # type: ignore[arg-type]
            contamination=opts.contamination,
        )
    from revlearn.usecases.basket import BasketAnalysis

    return BasketAnalysis(
        order_col=_require(opts.order, "--order", usecase),
        item_col=_require(opts.item, "--item", usecase),
        customer_col=opts.customer,
        quantity_col=opts.quantity,
        min_support=opts.min_support,
        min_confidence=opts.min_confidence,
        min_lift=opts.min_lift,
        max_len=opts.max_len,
    )


def fit_value_model(usecase: str, model: Any, frame: pd.DataFrame, until: str | None) -> None:
    """Fit a customer-value model; with ``--until``, on the data up to that day only.

    clv scores its own holdout (``holdout_``). segments are built from the orders up to
    ``until`` (the model's ``until`` parameter) and anomalies from the transactions up to it;
    for both, the rest is then scored and summarised in ``after_until_`` (segments: each
    segment's share of the later spend; anomalies: how many later transactions are flagged).

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    model : object
        The unfitted use case from :func:`build_model`.
    frame : pandas.DataFrame
        The ``--data`` table.
    until : str, optional
        ``--until``.

    Raises
    ------
    ParameterError
        If ``--until`` is given to basket, or leaves no row on one side.
    """
    if until is None or usecase == "clv":
        model.fit(frame, **({"until": until} if until else {}))
        return
    if usecase == "basket":
        raise ParameterError(
            "--until does not apply to basket: its rules count every basket given.",
            where="revlearn fit basket",
            fix='Filter the orders first, e.g. --data "SELECT * FROM orders WHERE ...".',
        )
    column = model.timestamp_col
    if column is None or column not in frame.columns:
        raise ParameterError(
            "--until needs --timestamp (the column it cuts).",
            where=f"revlearn fit {usecase}",
            fix="Pass --timestamp COLUMN with --until.",
        )
    stamps = parse_timestamps(frame[column], column, f"revlearn fit {usecase}")
    later = (stamps > pd.Timestamp(until) + pd.Timedelta(days=1)).to_numpy()
    if later.all() or not later.any():
        raise ParameterError(
            f"--until {until} leaves no transaction {'before' if later.all() else 'after'} it.",
            where=f"revlearn fit {usecase}",
            fix="Pass a day inside the history.",
        )
    early, rest = frame.loc[~later], frame.loc[later]
    model.fit(early)
    if usecase == "anomalies":
        scored = model.predict(rest, history=early)
        model.after_until_ = {
            "transactions": len(scored),
            "flagged": int(scored["flag"].sum()),
            "flagged_share": float(scored["flag"].mean()),
        }
        return
    segment = model.predict(early).set_index(model.id_col_)["segment_name"]
    spend = rest.groupby(model.customer_col)[model.amount_col].sum()
    share = spend.groupby(segment.reindex(spend.index).fillna("new after the cut-off")).sum()
    model.after_until_ = {
        "spend_share": {str(k): float(v) for k, v in (share / share.sum()).items()},
        "customers_share": {
            str(k): float(v) for k, v in segment.value_counts(normalize=True).items()
        },
    }


def fit_metrics(usecase: str, summary: dict[str, Any]) -> dict[str, Any]:
    """Pick the figures the registry keeps with a fitted model.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    summary : dict
        The model's ``summary()``.

    Returns
    -------
    dict
        A few JSON-ready numbers (e.g. the BG/NBD parameters, the holdout error, the
        number of rules).
    """
    if usecase == "clv":
        metrics: dict[str, Any] = {k: summary["bgnbd"][k] for k in ("r", "alpha", "a", "b")}
        if summary["holdout"]:
            chosen = summary["holdout"]["metrics"][summary["chosen"]]
            metrics.update(holdout_mae=chosen["mae"], holdout_rmse=chosen["rmse"])
        return metrics
    if usecase == "basket":
        return {k: summary[k] for k in ("n_baskets", "n_items", "n_itemsets", "n_rules")}
    return {
        k: v for k, v in summary.items() if isinstance(v, int | float) and not isinstance(v, bool)
    }


def show_fit(usecase: str, title: str, summary: dict[str, Any]) -> None:
    """Print the human summary of a fit.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    title : str
        The heading (model name, version, seconds).
    summary : dict
        The model's ``summary()``.
    """
    if usecase == "clv":
        _show_clv(title, summary)
    elif usecase == "segments":
        _show_segments(title, summary)
    elif usecase == "basket":
        _show_basket(title, summary)
    else:
        _show_anomalies(title, summary)
    after = summary.get("after_until")
    if after and "flagged" in after:
        out.print(
            f"After --until: {after['flagged']:,} of {after['transactions']:,} later "
            f"transactions flagged ({after['flagged_share']:.1%})."
        )
    elif after:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in after["spend_share"].items())
        out.print(f"After --until, share of the spend by segment: {shares}.")
    for note in summary.get("notes", []):
        out.print(f"[dim]note:[/] {escape(str(note))}")


def _show_segments(title: str, summary: dict[str, Any]) -> None:
    stability = summary["stability"] or {}
    scores = summary["scores"]
    rows = [
        ("segments", f"{summary['n_segments']} by {summary['method']} ({summary['chosen_by']})"),
        ("customers", f"{summary['rows']:,}"),
        (
            "silhouette",
            f"{scores['silhouette']:.3f} (structureless: {summary['null_silhouette']:.3f})",
        ),
        ("stability (ARI)", f"median {stability['median']:.2f}" if stability else "not measured"),
        ("structure", summary["structure"]),
    ]
    out.print(kv_table(title, rows))
    table = Table(title="Segments", title_justify="left")
    for col in ("segment", "name", "customers", "value"):
        table.add_column(col)
    for seg in summary["segments"]:
        value = seg.get("value_share")
        table.add_row(
            str(seg["segment"]),
            seg["name"],
            f"{seg['size']:,} ({seg['share']:.0%})",
            "" if value is None else f"{value:.0%}",
        )
    out.print(table)


def _show_basket(title: str, summary: dict[str, Any]) -> None:
    rows = [
        ("baskets", f"{summary['n_baskets']:,} ({summary['n_items']:,} items)"),
        ("frequent itemsets", f"{summary['n_itemsets']:,}"),
        ("rules", f"{summary['n_rules']:,}"),
        ("thresholds", ", ".join(f"{k} {v}" for k, v in summary["thresholds"].items())),
    ]
    out.print(kv_table(title, rows))
    for rule in summary["top_rules"][:3]:
        out.print(
            f"  {escape(str(rule['antecedents']))} → {escape(str(rule['consequents']))}: "
            f"confidence {rule['confidence']:.0%}, lift {rule['lift']:.1f}"
        )


def _show_anomalies(title: str, summary: dict[str, Any]) -> None:
    rows = [
        ("method", summary["method"]),
        ("transactions", f"{summary['n_transactions']:,} ({summary['n_customers']:,} customers)"),
        ("flagged", f"{summary['n_flagged']:,} (top {summary['contamination']:.1%})"),
    ]
    counts = sorted(summary["reason_counts"].items(), key=lambda kv: -kv[1])[:3]
    if counts:
        rows.append(("first reasons", ", ".join(f"{k} {v}" for k, v in counts)))
    out.print(kv_table(title, rows))


def _show_clv(title: str, summary: dict[str, Any]) -> None:
    b, g = summary["bgnbd"], summary["gamma_gamma"]
    rows = [
        ("customers", f"{summary['customers']:,} (history up to {summary['cutoff']})"),
        ("BG/NBD", f"r {b['r']:.4f}, alpha {b['alpha']:.4f}, a {b['a']:.4f}, b {b['b']:.4f}"),
        ("Gamma-Gamma", f"p {g['p']:.4f}, q {g['q']:.4f}, v {g['v']:.4f}" if g else "not fitted"),
        ("forecast by", summary["chosen"]),
    ]
    inner = summary["inner_validation"]
    if inner:
        rows.append(
            (
                f"last {inner['window_days']} days (out of fold)",
                f"MAE BG/NBD {inner['bgnbd_mae']:.3f}, gradient boosting {inner['gbm_mae']:.3f}",
            )
        )
    out.print(kv_table(title, rows))
    if summary["holdout"]:
        show_holdout(summary["holdout"])


def show_holdout(holdout: dict[str, Any]) -> None:
    """Print a CLV holdout check as a table, one row per forecast.

    Parameters
    ----------
    holdout : dict
        :meth:`revlearn.usecases.clv.HoldoutResult.to_dict` output.
    """
    table = Table(
        title=f"Holdout: {holdout['actual_purchases']:,.0f} purchases in the "
        f"{holdout['horizon_days']} days after {holdout['cutoff']}",
        title_justify="left",
    )
    for col in ("forecast", "total", "error", "MAE", "RMSE"):
        table.add_column(col)
    for name, m in holdout["metrics"].items():
        table.add_row(
            name,
            f"{m['total']:,.0f}",
            f"{m['total_error_pct']:+.1f} %",
            f"{m['mae']:.3f}",
            f"{m['rmse']:.3f}",
        )
    out.print(table)


def predict_table(
    usecase: str, fitted: Any, frame: pd.DataFrame | None, *, horizon_days: int | None, top: int
) -> pd.DataFrame:
    """Run the use case's prediction for ``revlearn predict``.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    fitted : object
        The loaded model.
    frame : pandas.DataFrame, optional
        The ``--data`` table, when given.
    horizon_days : int, optional
        ``--horizon`` for clv.
    top : int
        Offers per customer for basket cross-sell.

    Returns
    -------
    pandas.DataFrame
        clv: per customer P(alive), expected purchases and spend, CLV; segments: the
        segment per customer; anomalies: score and reasons per transaction; basket: the
        rules table, or cross-sell offers when ``--data`` holds purchase histories.

    Raises
    ------
    ParameterError
        If ``--data`` is missing where it is needed, or ``--horizon`` is given to another
        use case.
    """
    if horizon_days is not None and usecase != "clv":
        raise ParameterError(
            "--horizon only applies to clv models.",
            where="revlearn predict",
            fix="Drop --horizon.",
        )
    if usecase == "clv":
        return fitted.predict(frame, horizon_days=horizon_days)
    if usecase == "basket":
        return fitted.predict(frame, top=top)
    if frame is None:
        raise ParameterError(
            f"Scoring a {usecase} model needs --data.",
            where="revlearn predict",
            fix="Pass --data FILE (the customers or transactions to score).",
        )
    return fitted.predict(frame)


def evaluate_model(
    usecase: str, fitted: Any, frame: pd.DataFrame, *, until: str | None, target: str | None
) -> dict[str, Any]:
    """Run ``revlearn evaluate`` for a customer-value model.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    fitted : object
        The loaded model.
    frame : pandas.DataFrame
        The ``--data`` table.
    until : str, optional
        clv: the cut-off; the model is refitted on the transactions up to it and judged
        on the rest.
    target : str, optional
        anomalies: the column that marks known cases (fraud = yes/1/true).

    Returns
    -------
    dict
        The JSON-ready result.

    Raises
    ------
    ParameterError
        If the option the use case needs is missing, or the use case has no evaluation.
    """
    if usecase == "clv":
        if until is None:
            raise ParameterError(
                "Evaluating a clv model needs --until: the cut-off between the transactions "
                "it is fitted on and those it is judged on.",
                where="revlearn evaluate",
                fix="Pass --until DATE, e.g. a quarter before the last transaction.",
            )
        result: dict[str, Any] = fitted.evaluate(frame, until=until).to_dict()
        return result
    if usecase == "anomalies":
        if target is None:
            raise ParameterError(
                "Evaluating an anomalies model needs --target: the column of known cases.",
                where="revlearn evaluate",
                fix="Pass --target COLUMN (yes/no, 1/0 or true/false).",
            )
        result = fitted.evaluate(frame, label_col=target).to_dict()
        return result
    if usecase == "segments":
        result = fitted.evaluate(frame).to_dict()
        return result
    raise ParameterError(
        "A basket model has no held-out evaluation: its rules are counts over the baskets.",
        where="revlearn evaluate",
        fix="Use `revlearn explain` or `revlearn report` to read the rules.",
    )


def show_evaluation(usecase: str, title: str, result: dict[str, Any]) -> None:
    """Print the result of :func:`evaluate_model`.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    title : str
        The heading.
    result : dict
        :func:`evaluate_model` output.
    """
    if usecase == "clv":
        show_holdout(result)
        return
    rows = [
        (k.replace("_", " "), f"{v:,.4g}" if isinstance(v, float) else str(v))
        for k, v in result.items()
        if isinstance(v, str | int | float)
    ]
    out.print(kv_table(title, rows))
    for row in result.get("at_k", []):
        out.print(
            f"  top {row['k']:,}: precision {row['precision']:.3f}, recall {row['recall']:.3f}"
        )


def show_explain(title: str, table: pd.DataFrame) -> None:
    """Print an explanation table.

    Parameters
    ----------
    title : str
        The heading.
    table : pandas.DataFrame
        The use case's ``explain()`` output.
    """
    shown = Table(title=title, title_justify="left")
    for col in table.columns:
        shown.add_column(str(col))
    for row in table.head(30).itertuples(index=False):
        shown.add_row(*(f"{v:,.4g}" if isinstance(v, float) else escape(str(v)) for v in row))
    out.print(shown)


def report_sections(usecase: str, fitted: Any, frame: pd.DataFrame | None) -> list[Any]:
    """Build the report sections of a customer-value model.

    Parameters
    ----------
    usecase : str
        One of :data:`VALUE_USECASES`.
    fitted : object
        The loaded model.
    frame : pandas.DataFrame, optional
        ``--data``: needed by anomalies (the transactions to show).

    Returns
    -------
    list of Section
        The sections of the page.

    Raises
    ------
    ParameterError
        If anomalies get no ``--data``.
    """
    if usecase == "clv":
        from revlearn.report.clv_report import clv_sections

        return clv_sections(fitted)
    if usecase == "segments":
        from revlearn.report.segments_report import segments_sections

        return segments_sections(fitted)
    if usecase == "basket":
        from revlearn.report.basket_report import basket_sections

        return basket_sections(fitted)
    if frame is None:
        raise ParameterError(
            "A report on an anomalies model needs --data (the transactions to show).",
            where="revlearn report",
            fix="Pass --data FILE.",
        )
    from revlearn.report.anomalies_report import anomalies_sections

    return anomalies_sections(fitted, frame)
