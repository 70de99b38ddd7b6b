"""How the model commands run the text use cases, and the ``revlearn mentions`` command.

``fit sentiment`` scores reviews and posts (``--text``; with ``--target`` a trained model,
without it the lexicon; ``--two-labels`` for positive/negative data; ``--product``,
``--timestamp`` and ``--aspects`` for aspect sentiment and trends). ``fit textclass``
routes tickets (``--target``, or ``--categories FILE`` of names and descriptions for
zero-shot routing; ``--target-precision`` sets when to send a ticket to a human).
``fit topics`` finds topics (``--topics K`` or chosen by coherence; ``--timestamp`` for
trends). ``fit calls`` reads call transcripts (``--call``, ``--speaker``, ``--text``) and,
with ``--deals FILE`` (``--outcome``), relates objections to the win rate.

``predict`` writes the id column (or ``row``), ``label`` and ``confidence`` first (then
``polarity`` for sentiment; ``topic`` and ``topic_label`` for topics); calls write one row
per utterance. Texts in another language and empty texts are flagged in ``status`` and
left unscored, not an error. ``evaluate`` measures sentiment and routing on labelled texts
(accuracy, macro-F1, per class); ``explain`` prints the use case's table; ``report``
renders the sections of :mod:`revlearn.report.text_report` and
:mod:`revlearn.report.text_insights_report`.

``revlearn mentions`` builds the catalogue-driven entity ruler and writes one row per
mention found; the fitted ruler is registered (``mentions``) for ``report`` and
``explain``.

:mod:`revlearn.cli.fitting` and :mod:`revlearn.cli.modelling` call these functions when the
use case is one of :data:`TEXT_USECASES`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape

from revlearn.cli._app import (
    DataOpt,
    DebugOpt,
    JsonOpt,
    VerboseOpt,
    WorkspaceOpt,
    app,
    column_list,
    command,
    kv_table,
    open_workspace,
    out,
    print_json,
)
from revlearn.errors import InputError, ParameterError

__all__ = [
    "TEXT_USECASES",
    "TextOptions",
    "build_text_model",
    "evaluate_text",
    "fit_text_model",
    "mentions",
    "show_text_evaluation",
    "show_text_fit",
    "text_metrics",
    "text_predictions",
    "text_sections",
]

TEXT_USECASES = ("sentiment", "textclass", "topics", "calls")
_EVALUATED = ("sentiment", "textclass")


@dataclass
class TextOptions:
    """The ``revlearn fit`` options the text use cases read."""

    text: str | None = None
    target: str | None = None
    id_col: str | None = None
    timestamp: str | None = None
    method: str | None = None
    product: str | None = None
    aspects: str | None = None
    two_labels: bool = False
    categories: str | None = None
    target_precision: float | None = None
    topics: int | None = None
    call: str | None = None
    speaker: str | None = None
    deals: str | None = None
    outcome: str | None = None


def _refuse(usecase: str, opts: TextOptions) -> None:
    """One clear error for an option given to a text use case that does not read it."""
    readers = {
        "--product": (opts.product, ("sentiment",)),
        "--aspects": (opts.aspects, ("sentiment",)),
        "--two-labels": (opts.two_labels or None, ("sentiment",)),
        "--categories": (opts.categories, ("textclass",)),
        "--target-precision": (opts.target_precision, ("textclass",)),
        "--topics": (opts.topics, ("topics",)),
        "--call": (opts.call, ("calls",)),
        "--speaker": (opts.speaker, ("calls",)),
        "--deals": (opts.deals, ("calls",)),
        "--outcome": (opts.outcome, ("calls",)),
        "--target": (opts.target, ("sentiment", "textclass")),
        "--timestamp": (opts.timestamp, ("sentiment", "topics")),
        "--method": (opts.method, ("sentiment", "textclass", "topics")),
        "--id": (opts.id_col, ("sentiment", "textclass", "topics")),
    }
    for flag, (value, usecases) in readers.items():
        if value is not None and usecase not in usecases:
            raise ParameterError(
                f"{flag} does not apply to `revlearn fit {usecase}`.",
                where=f"revlearn fit {usecase}",
                fix=f"Drop {flag}; it is read by: {', '.join(usecases)}.",
            )


def _categories(table: pd.DataFrame, source: str) -> dict[str, str]:
    """``--categories``: a table of category names and descriptions."""
    where = f"revlearn fit textclass --categories {source}"
    name_col = next((c for c in ("name", "category", "label") if c in table.columns), None)
    if name_col is None or "description" not in table.columns:
        raise InputError(
            f"The categories table needs a name and a description column; it has "
            f"{', '.join(map(str, table.columns)) or 'no columns'}.",
            where=where,
            fix="Give one row per category with columns name,description.",
        )
    names = table[name_col].astype("string").str.strip()
    if names.isna().any() or (names == "").any() or not len(names):
        raise InputError(
            "The categories table has an empty category name (or no rows).",
            where=where,
            fix="Give every category a name.",
        )
    if names.duplicated().any():
        twice = sorted(set(names[names.duplicated()].tolist()))
        raise InputError(
            f"Category named more than once: {', '.join(twice)}.",
            where=where,
            fix="Keep one row per category (merge their descriptions).",
        )
    descriptions = table["description"].fillna("").astype(str)
    return {str(n): f"{n} {d}".strip() for n, d in zip(names, descriptions, strict=True)}


def build_text_model(
    usecase: str, opts: TextOptions, categories: pd.DataFrame | None = None
) -> Any:
    """Make the unfitted text model from the fit options.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES`.
    opts : TextOptions
        The parsed options.
    categories : pandas.DataFrame, optional
        textclass: the ``--categories`` table (``name`` and ``description``).

    Returns
    -------
    SentimentModel, TextClassifier, TopicModel or CallInsights
        Ready for ``fit``.

    Raises
    ------
    ParameterError
        If an option does not apply to the use case, or textclass has neither
        ``--target`` nor ``--categories``.
    InputError
        If the categories table lacks names or descriptions or repeats a name.
    """
    from revlearn.usecases.text import CallInsights, SentimentModel, TextClassifier, TopicModel

    _refuse(usecase, opts)
    text = opts.text or "text"
    if usecase == "sentiment":
        aspects = column_list(opts.aspects) if opts.aspects else None
        return SentimentModel(
            text_col=text,
            target_col=opts.target,
            id_col=opts.id_col,
            method=opts.method or "auto",  # type: ignore[arg-type]  # checked by fit
            neutral=not opts.two_labels,
            aspects=aspects,
            product_col=opts.product,
            timestamp_col=opts.timestamp,
        )
    if usecase == "textclass":
        if opts.target is None and categories is None:
            raise ParameterError(
                "`revlearn fit textclass` needs labelled texts or category descriptions.",
                where="revlearn fit textclass",
                fix="Pass --target COL (the category column) or --categories FILE "
                "(columns name,description) for zero-shot routing.",
            )
        params: dict[str, Any] = {
            "text_col": text,
            "target_col": opts.target,
            "id_col": opts.id_col,
            "categories": _categories(categories, str(opts.categories))
            if categories is not None
            else None,
            "model": opts.method or "auto",
        }
        if opts.target_precision is not None:
            if not 0 < opts.target_precision < 1:
                raise ParameterError(
                    f"--target-precision must be in (0, 1), got {opts.target_precision}.",
                    where="revlearn fit textclass --target-precision",
                    fix="Pass e.g. --target-precision 0.9.",
                )
            params["target_precision"] = opts.target_precision
        return TextClassifier(**params)
    if usecase == "topics":
        if opts.topics is not None and opts.topics < 2:
            raise ParameterError(
                f"--topics must be at least 2, got {opts.topics}.",
                where="revlearn fit topics --topics",
                fix="Pass e.g. --topics 5, or leave it out to choose by coherence.",
            )
        return TopicModel(
            text_col=text, id_col=opts.id_col, timestamp_col=opts.timestamp, n_topics=opts.topics,
            method=opts.method or "lda",  # type: ignore[arg-type]  # checked by fit
        )  # fmt: skip
    return CallInsights(
        call_col=opts.call or "call_id",
        speaker_col=opts.speaker or "speaker",
        text_col=text,
        outcome_col=opts.outcome or "outcome",
    )


def fit_text_model(
    usecase: str, model: Any, frame: pd.DataFrame, *, deals: pd.DataFrame | None = None
) -> None:
    """Fit a text model on the ``--data`` table.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES`.
    model : object
        From :func:`build_text_model`.
    frame : pandas.DataFrame
        The texts (calls: the transcripts).
    deals : pandas.DataFrame, optional
        calls: the ``--deals`` table (call id and outcome).

    Raises
    ------
    InputError
        If the table has no rows.
    """
    if not len(frame):
        raise InputError(
            "The table has no rows.",
            where=f"revlearn fit {usecase}",
            fix="Pass a file with one row per text.",
        )
    if usecase == "calls":
        model.fit(frame, deals=deals)
    else:
        model.fit(frame)


def text_metrics(usecase: str, summary: dict[str, Any]) -> dict[str, Any]:
    """The figures stored with the model in the registry.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES`.
    summary : dict
        The model's ``summary()``.

    Returns
    -------
    dict
        sentiment: ``cv_accuracy`` when trained; textclass: ``cv_accuracy`` and
        ``cv_macro_f1`` when trained; topics: ``n_topics`` and ``coherence``; calls:
        ``n_calls`` and ``base_win_rate``.
    """
    if usecase == "sentiment":
        best = summary["best"]
        return {"cv_accuracy": best["cv_accuracy"]} if "cv_accuracy" in best else {}
    if usecase == "textclass":
        cv = summary["cv"]
        if not cv:
            return {}
        return {"cv_accuracy": cv["accuracy"], "cv_macro_f1": cv["macro_f1"]}
    if usecase == "topics":
        return {"n_topics": summary["n_topics"], "coherence": summary["coherence"]["value"]}
    return {"n_calls": summary["n_calls"], "base_win_rate": summary["base_win_rate"]}


def show_text_fit(usecase: str, title: str, summary: dict[str, Any]) -> None:
    """Print what a text fit learned: a short table, then the notes.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES`.
    title : str
        Table title (model name, version, seconds).
    summary : dict
        The model's ``summary()``.
    """
    rows: list[tuple[str, str]] = []
    if usecase in _EVALUATED:
        rows.append(("method", str(summary["method"])))
        rows.append(("classes", ", ".join(map(str, summary["classes"]))))
        counts = summary["status_counts"]
        rows.append(
            ("texts", f"{summary['n_texts']:,} ({counts.get('ok', 0):,} scored as they are)")
        )
    if usecase == "sentiment":
        best = summary["best"]
        if "cv_accuracy" in best:
            rows.append(
                ("CV accuracy", f"{best['cv_accuracy']:.3f} ± {best.get('cv_sd', 0.0):.3f}")
            )
        if summary["aspect_terms"]:
            rows.append(("aspects", ", ".join(summary["aspect_terms"])))
    elif usecase == "textclass":
        cv = summary["cv"]
        if cv:
            rows.append(("CV accuracy / macro-F1", f"{cv['accuracy']:.3f} / {cv['macro_f1']:.3f}"))
            rows.append(
                (
                    "routed without a human",
                    f"{cv['answered_share']:.0%} at precision {cv['answered_precision']:.3f} "
                    f"(confidence ≥ {summary['threshold']:.2f})",
                )
            )
        else:
            rows.append(("routing", "zero-shot from the category descriptions"))
    elif usecase == "topics":
        coherence = summary["coherence"]
        rows.append(("topics", f"{summary['n_topics']} ({coherence['measure']} "
                               f"coherence {coherence['value']:.3f})"))  # fmt: skip
        for t in summary["topics"]:
            rows.append((f"topic {t['topic']}", f"{t['label']} ({t['share']:.0%})"))
        if summary["rising"]:
            rows.append(("rising", str(summary["rising"])))
    else:
        rows.append(("calls", f"{summary['n_calls']:,} ({summary['n_utterances']:,} turns)"))
        talk = summary["talk_ratio"]
        rows.append(("talk ratio", ", ".join(f"{k} {v:.0%}" for k, v in talk.items())))
        rows.append(("next step agreed", f"{summary['next_step_rate']:.0%} of calls"))
        if summary["base_win_rate"] is not None:
            rows.append(("win rate", f"{summary['base_win_rate']:.0%}"))
            for r in summary["win_rates"]:
                rows.append(
                    (
                        f"with {r['objection']}",
                        f"{r['win_rate']:.0%} vs {r['win_rate_without']:.0%} without "
                        f"({r['calls']} calls{', stands out' if r['stands_out'] else ''})",
                    )
                )
        else:
            counts = summary["objection_counts"]
            rows.append(("objections", ", ".join(f"{k} {v}" for k, v in counts.items())))
    out.print(kv_table(title, rows))
    for line in summary.get("suggestions", []):
        out.print(f"[bold]Advice:[/] {escape(line)}")
    for note in summary["notes"]:
        out.print(f"[dim]note:[/] {escape(note)}")


def text_predictions(usecase: str, model: Any, frame: pd.DataFrame | None) -> pd.DataFrame:
    """Score texts with a text model, the contract columns first.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES`.
    model : object
        The loaded model.
    frame : pandas.DataFrame, optional
        ``--data``: the texts (calls: the transcripts).

    Returns
    -------
    pandas.DataFrame
        The id column (or ``row``), ``label``, ``confidence``, then sentiment:
        ``polarity``, ``sentiment``, ``language``, ``status``; textclass: ``route``,
        ``abstain`` and the rest; topics: ``topic`` and ``topic_label`` (``label`` repeats
        ``topic_label``). calls: one row per utterance with its objections, questions and
        next steps.

    Raises
    ------
    ParameterError
        If ``frame`` is missing.
    """
    if frame is None:
        raise ParameterError(
            f"Scoring a {usecase} model needs --data.",
            where="revlearn predict",
            fix="Pass --data FILE with the texts to score.",
        )
    scored = model.predict(frame)
    if usecase == "calls":
        return scored
    if usecase == "topics":
        scored.insert(1, "label", scored["topic_label"])
    key = str(scored.columns[0])
    lead = [key, "label", "confidence", *(["polarity"] if usecase == "sentiment" else [])]
    return scored[lead + [c for c in scored.columns if c not in lead]]


def _truth_column(model: Any, frame: pd.DataFrame, target: str | None) -> str:
    candidates = [target, getattr(model, "target_col", None), "sentiment", "label", "category"]
    for name in candidates:
        if name is not None and name in frame.columns:
            return str(name)
    wanted = target or getattr(model, "target_col", None) or "sentiment"
    raise ParameterError(
        f"Evaluation needs the true labels, but column {wanted!r} is absent.",
        where="revlearn evaluate",
        fix="Pass --target COL naming the column with the true labels.",
    )


def evaluate_text(
    usecase: str, model: Any, frame: pd.DataFrame, *, target: str | None = None
) -> dict[str, Any]:
    """Measure a sentiment or routing model on labelled texts.

    Parameters
    ----------
    usecase : str
        ``"sentiment"`` or ``"textclass"``.
    model : SentimentModel or TextClassifier
        The loaded model.
    frame : pandas.DataFrame
        Labelled texts kept out of training.
    target : str, optional
        The column with the true labels (default: the fitted target column, else
        ``sentiment``, ``label`` or ``category``).

    Returns
    -------
    dict
        ``rows`` (labelled texts), ``scored`` (those the model scored), ``accuracy``,
        ``macro_f1``, ``answered_share``, ``answered_precision``, ``per_class`` and
        ``confusions`` (lists of records).

    Raises
    ------
    ParameterError
        If the use case has no labels to check against or the label column is absent.
    """
    from revlearn.usecases.text.evaluation import routing_metrics

    if usecase not in _EVALUATED:
        raise ParameterError(
            f"`revlearn evaluate` measures sentiment and textclass models; {usecase} has "
            "no labels to check against.",
            where="revlearn evaluate",
            fix=f"Use `revlearn explain` or `revlearn report` for a {usecase} model.",
        )
    truth_col = _truth_column(model, frame, target)
    labelled = frame[frame[truth_col].notna()].reset_index(drop=True)
    scored = model.predict(labelled)
    done = scored["label"].notna().to_numpy()
    truth = labelled[truth_col].to_numpy(dtype=object)[done]
    predicted = scored["label"].to_numpy(dtype=object)[done]
    answered = ~scored["abstain"].to_numpy(dtype=bool)[done] if "abstain" in scored else None
    if not done.any():
        raise ParameterError(
            "None of the labelled texts could be scored (empty or in another language).",
            where="revlearn evaluate",
            fix="Check that --data holds the texts the model was fitted on.",
        )
    found = routing_metrics(truth, predicted, answered).to_dict()
    return {"rows": len(labelled), "scored": int(done.sum()), **found}


def show_text_evaluation(title: str, found: dict[str, Any]) -> None:
    """Print accuracy, macro-F1, the per-class table and the main confusions.

    Parameters
    ----------
    title : str
        Table title.
    found : dict
        :func:`evaluate_text` output.
    """
    from revlearn.cli.customers import show_explain

    rows = [
        ("texts", f"{found['rows']:,} labelled, {found['scored']:,} scored"),
        ("accuracy", f"{found['accuracy']:.3f}"),
        ("macro-F1", f"{found['macro_f1']:.3f}"),
    ]
    if found["answered_share"] < 1:
        rows.append(
            (
                "routed without a human",
                f"{found['answered_share']:.0%} at precision {found['answered_precision']:.3f}",
            )
        )
    out.print(kv_table(title, rows))
    show_explain("Per class", pd.DataFrame(found["per_class"]))
    if found["confusions"]:
        show_explain("Most frequent confusions", pd.DataFrame(found["confusions"]).head(5))


def text_sections(usecase: str, model: Any, frame: pd.DataFrame | None) -> list[Any]:
    """Build the report sections of a text model.

    Parameters
    ----------
    usecase : str
        One of :data:`TEXT_USECASES` or ``"mentions"``.
    model : object
        The loaded model.
    frame : pandas.DataFrame, optional
        ``--data``: the texts to report on (textclass: held-out labelled texts, optional).

    Returns
    -------
    list of Section
        The use case's report sections.

    Raises
    ------
    ParameterError
        If ``frame`` is missing for a use case that reports on texts.
    """
    from revlearn.report import text_insights_report as insights
    from revlearn.report import text_report

    if usecase == "textclass":
        return text_report.routing_sections(model, frame)
    if frame is None:
        raise ParameterError(
            f"A report on a {usecase} model needs --data: the texts to report on.",
            where="revlearn report",
            fix="Pass --data FILE.",
        )
    if usecase == "sentiment":
        return text_report.sentiment_sections(model, frame)
    if usecase == "topics":
        return insights.topics_sections(model, frame)
    if usecase == "mentions":
        return insights.mentions_sections(model, frame)
    return insights.calls_sections(model, frame)


# -------------------------------------------------------------------------- mentions
@app.command()
def mentions(
    data: DataOpt,
    catalog: Annotated[
        str,
        typer.Option(
            "--catalog",
            "--catalogue",
            help="The product catalogue: product and optional brand, aliases (;-separated) "
            "and competitor columns.",
        ),
    ],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    text: Annotated[str, typer.Option("--text", help="The text column.")] = "text",
    id_col: Annotated[str | None, typer.Option("--id", help="Id column (else row).")] = None,
    timestamp: Annotated[
        str | None, typer.Option(help="Date column: copied to the output, share of voice.")
    ] = None,
    name: Annotated[str, typer.Option(help="Name the ruler is registered under.")] = "mentions",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Find product, competitor, brand, money and date mentions; write one row per mention.

    The catalogue's names are matched with their case, plural, spacing and one-letter
    misspelling variants. The ruler is registered, so `revlearn report --model mentions
    --data FILE` draws mention counts and share of voice.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.report.files import write_csv_atomic
        from revlearn.store.registry import Registry, fingerprint
        from revlearn.usecases.text import ProductMentions

        ws = open_workspace(workspace)
        frame = read_source(data, ws)
        table = read_source(catalog, ws)
        if not len(frame):
            raise InputError(
                "The table of texts has no rows.",
                where="revlearn mentions --data",
                fix="Pass a file with one row per text.",
            )
        started = time.perf_counter()
        model = ProductMentions(text_col=text, id_col=id_col, timestamp_col=timestamp)
        model.fit(catalog=table)
        found = model.predict(frame)
        key = str(found.columns[0])
        if timestamp is not None and timestamp in frame.columns:
            when = frame[timestamp].to_numpy()
            if id_col is None:
                found.insert(1, timestamp, when[found["row"].to_numpy()])
            else:
                first = pd.Series(when, index=frame[id_col]).groupby(level=0).first()
                found.insert(1, timestamp, found[id_col].map(first).to_numpy())
        write_csv_atomic(found, out_file)
        seconds = time.perf_counter() - started
        registry = Registry(ws)
        record = registry.save(
            model,
            name=name,
            usecase="mentions",
            params=model.get_params(),
            metrics={"mentions": len(found)},
            fingerprint=fingerprint(frame),
        )
        counts = model.mention_counts(frame)
        summary = model.summary()
        doc = {
            "model": record.name,
            "version": record.version,
            "texts": len(frame),
            "texts_with_mentions": int(found[key].nunique()),
            "rows": len(found),
            "columns": [str(c) for c in found.columns],
            "labels": {str(k): int(v) for k, v in found["label"].value_counts().items()},
            "products": counts.to_dict(orient="records"),
            "out": str(out_file),
            "seconds": round(seconds, 2),
            **{k: v for k, v in summary.items() if k != "usecase"},
        }
        if as_json:
            print_json(doc)
            return
        out.print(
            f"Wrote {len(found):,} mentions in {doc['texts_with_mentions']:,} of {len(frame):,} "
            f"texts in {seconds:.1f} s → {out_file}"
        )
        if len(counts):
            top = ", ".join(f"{r.product} {r.mentions:,}" for r in counts.head(5).itertuples())
            out.print(f"Most mentioned: {escape(top)}")
        for note in summary["notes"]:
            out.print(f"[dim]note:[/] {escape(note)}")
