"""How the model commands run the recommender: ``revlearn fit recommend`` and the rest.

``fit`` reads an interaction table (``--user``, ``--item``, optional ``--rating`` and
``--timestamp``) with optional item and user attribute tables (``--items``, ``--users``);
``predict`` writes user, rank, item, score and reason for the users in ``--data`` (a table
with a user column and, for new users, their attributes) or for every user seen in
training; ``evaluate`` scores held-out interactions beside popularity; ``explain`` shows the
candidate models (or one user's list beside their history with ``--user``); ``report``
draws the quality charts when ``--data`` holds held-out interactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from rich.markup import escape
from rich.table import Table

from revlearn.cli._app import kv_table, out
from revlearn.errors import ParameterError

__all__ = [
    "RecommendOptions",
    "build_recommender",
    "evaluate_recommender",
    "recommend_table",
    "show_recommend_evaluation",
    "show_recommend_fit",
]


@dataclass
class RecommendOptions:
    """The ``revlearn fit`` options the recommender reads."""

    user: str | None = None
    item: str | None = None
    rating: str | None = None
    timestamp: str | None = None
    method: str | None = None
    k: int | None = None


def build_recommender(opts: RecommendOptions) -> Any:
    """Make the unfitted :class:`~revlearn.usecases.recommend.Recommender`.

    Parameters
    ----------
    opts : RecommendOptions
        The parsed options.

    Returns
    -------
    Recommender
        Ready for ``fit``.

    Raises
    ------
    ParameterError
        If ``--user`` or ``--item`` is missing.
    """
    from revlearn.usecases.recommend import Recommender

    for flag, value in (("--user", opts.user), ("--item", opts.item)):
        if value is None:
            raise ParameterError(
                f"`revlearn fit recommend` needs {flag}.",
                where="revlearn fit",
                fix=f"Pass {flag} <column> (the interaction table's {flag[2:]} id).",
            )
    return Recommender(
        user_col=str(opts.user),
        item_col=str(opts.item),
        rating_col=opts.rating,
        timestamp_col=opts.timestamp,
        method=opts.method or "auto",  # type: ignore[arg-type]  # checked by fit
        k=opts.k or 10,
    )


def show_recommend_fit(title: str, summary: dict[str, Any]) -> None:
    """Print what ``fit recommend`` learned: the chosen model beside popularity.

    Parameters
    ----------
    title : str
        Table title (model name, version, seconds).
    summary : dict
        :meth:`Recommender.summary` output.
    """
    k = summary["k"]
    ours, popular = summary["validation_ndcg"], summary["popularity_ndcg"]
    rows = [
        ("chosen model", str(summary["method"])),
        ("backtest", str(summary["validation"])),
        (
            f"nDCG@{k} (backtest)",
            f"{ours:.3f} vs popularity {popular:.3f}"
            if ours is not None and popular is not None
            else "n/a",
        ),
        (
            "data",
            f"{summary['n_users']:,} users × {summary['n_items']:,} items, "
            f"{summary['n_interactions']:,} interactions",
        ),
        ("repeat-purchase items", f"{summary['repeat_items']:,} (re-recommended)"),
        ("items reachable by content only", f"{summary['new_items']:,}"),
    ]
    out.print(kv_table(title, rows))
    table = Table(title=f"Candidates (backtest, k = {k})", title_justify="left")
    for col in ("model", "nDCG", "precision", "recall", "coverage", "seconds", ""):
        table.add_column(col)
    for c in summary["candidates"]:
        settings = ", ".join(f"{k}={v:g}" for k, v in c["settings"].items())
        chosen = c["method"] == summary["method"] and c["settings"] == summary["settings"]
        table.add_row(
            f"{c['method']} ({settings})" if settings else str(c["method"]),
            f"{c['ndcg']:.4f}",
            f"{c['precision']:.4f}",
            f"{c['recall']:.4f}",
            f"{c['coverage']:.1%}",
            f"{c['seconds']:.1f}",
            "chosen" if chosen else "",
        )
    out.print(table)
    for note in summary["notes"]:
        out.print(f"[dim]note:[/] {escape(note)}")


def recommend_table(model: Any, frame: pd.DataFrame | None, k: int | None) -> pd.DataFrame:
    """The top-k list per user: for the users in ``frame``, or every training user.

    Parameters
    ----------
    model : Recommender
        A fitted recommender.
    frame : pandas.DataFrame, optional
        Users to recommend for (the user column, and attributes for new users).
    k : int, optional
        List length (default: as fitted).

    Returns
    -------
    pandas.DataFrame
        ``user``, ``rank``, ``item``, ``score``, ``reason``.

    Raises
    ------
    ParameterError
        If ``k`` is below 1.
    """
    if k is not None:
        if k < 1:
            raise ParameterError(
                f"--k must be at least 1, got {k}.",
                where="revlearn predict --k",
                fix="Pass e.g. --k 10.",
            )
        model.k = k
    if frame is None:
        return model.recommend(k=k)
    return model.predict(frame)


def evaluate_recommender(model: Any, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Ranking quality on held-out interactions, beside popularity, at k = 1, 5, 10, 20.

    Parameters
    ----------
    model : Recommender
        A fitted recommender.
    frame : pandas.DataFrame
        Interactions kept out of training.

    Returns
    -------
    list of dict
        One mapping per model and k (precision, recall, ndcg, map, hit_rate, coverage,
        novelty, diversity, n_users).
    """
    table = model.evaluate(frame)
    return list(table.to_dict(orient="records"))


def show_recommend_evaluation(title: str, rows: list[dict[str, Any]]) -> None:
    """Print the ranking metrics, revlearn beside popularity, per k.

    Parameters
    ----------
    title : str
        Table title.
    rows : list of dict
        :func:`evaluate_recommender` output.
    """
    table = Table(title=title, title_justify="left")
    for col in ("model", "k", "precision", "recall", "nDCG", "MAP", "hit rate", "coverage"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["model"]),
            str(r["k"]),
            f"{r['precision']:.4f}",
            f"{r['recall']:.4f}",
            f"{r['ndcg']:.4f}",
            f"{r['map']:.4f}",
            f"{r['hit_rate']:.3f}",
            f"{r['coverage']:.1%}",
        )
    out.print(table)
