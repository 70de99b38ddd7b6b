"""``revlearn fit``: train a model for a use case and register it in the workspace."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from revlearn.cli import texting
from revlearn.cli._app import (
    EVENTS,
    DataOpt,
    DebugOpt,
    JsonOpt,
    VerboseOpt,
    WorkspaceOpt,
    app,
    command,
    kv_table,
    open_workspace,
    out,
    print_json,
    progress_bar,
)
from revlearn.cli.campaigns import (
    CAMPAIGN_USECASES,
    CampaignOptions,
    build_campaign_model,
    campaign_metrics,
    fit_campaign_model,
    show_campaign_fit,
)
from revlearn.cli.customers import (
    VALUE_USECASES,
    ValueOptions,
    build_model,
    fit_metrics,
    fit_value_model,
)
from revlearn.cli.customers import show_fit as show_value_fit
from revlearn.cli.forecasting import (
    build_forecaster,
    build_pipeline,
    show_forecast_fit,
    show_pipeline_fit,
)
from revlearn.cli.recommending import RecommendOptions, build_recommender, show_recommend_fit
from revlearn.cli.texting import TEXT_USECASES, TextOptions
from revlearn.errors import NotFoundError, ParameterError

# ------------------------------------------------------------------------------ fit
VALUE = "Customer value: clv, segments, anomalies, basket"
SERIES = "Forecast: sales series"
RECOMMEND = "Recommend: interactions"
CAMPAIGNS = "Campaigns: next best action (nba), content bandit"
TEXT = "Text: sentiment, textclass, topics, calls"


@app.command()
def fit(
    usecase: Annotated[
        str,
        typer.Argument(
            help="What to model: leads, churn, clv, segments, anomalies, basket, forecast, "
            "pipeline, recommend, nba, bandit, sentiment, textclass, topics or calls."
        ),
    ],
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
        typer.Option(
            help="Transactions/events, nba: the customer id column.", rich_help_panel=EVENTS
        ),
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option(help="Transactions/events: when each happened.", rich_help_panel=EVENTS),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            help="Transactions/events: money (refunds negative), or a product such as "
            '"Quantity*UnitPrice".',
            rich_help_panel=EVENTS,
        ),
    ] = None,
    horizon_days: Annotated[
        int | None,
        typer.Option(
            help="churn: days without activity that count as churn (90); clv: days ahead to "
            "value (365).",
            rich_help_panel=EVENTS,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="Cut-off day: churn trains on activity before it; clv, segments and anomalies "
            "fit on transactions up to it and are judged on the rest.",
            rich_help_panel=EVENTS,
        ),
    ] = None,
    order: Annotated[
        str | None, typer.Option(help="Order (basket) id column.", rich_help_panel=VALUE)
    ] = None,
    item: Annotated[
        str | None,
        typer.Option(help="basket, recommend: the item (product) column.", rich_help_panel=VALUE),
    ] = None,
    min_support: Annotated[
        float, typer.Option(help="basket: smallest share of baskets.", rich_help_panel=VALUE)
    ] = 0.01,
    min_confidence: Annotated[
        float, typer.Option(help="basket: smallest rule confidence.", rich_help_panel=VALUE)
    ] = 0.3,
    min_lift: Annotated[
        float, typer.Option(help="basket: smallest rule lift.", rich_help_panel=VALUE)
    ] = 1.0,
    max_len: Annotated[
        int | None, typer.Option(help="basket: most items in an itemset.", rich_help_panel=VALUE)
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            help="segments: kmeans, ward or som; anomalies: isolation_forest or lof; clv: "
            "auto, bgnbd or gbm; bandit: linucb or thompson; topics: lda or embeddings; "
            "sentiment: auto, lexicon, tfidf or embeddings.",
            rich_help_panel=VALUE,
        ),
    ] = None,
    segments: Annotated[
        int | None,
        typer.Option(help="segments: how many (chosen by silhouette).", rich_help_panel=VALUE),
    ] = None,
    margin: Annotated[
        float, typer.Option(help="clv: share of spend that is profit.", rich_help_panel=VALUE)
    ] = 1.0,
    discount_rate: Annotated[
        float, typer.Option(help="clv: yearly discount rate.", rich_help_panel=VALUE)
    ] = 0.1,
    contamination: Annotated[
        float, typer.Option(help="anomalies: share to flag.", rich_help_panel=VALUE)
    ] = 0.01,
    quantity: Annotated[
        str | None,
        typer.Option(
            help="basket: units per line (lines of 0 or less are returns, dropped); "
            "anomalies: a feature.",
            rich_help_panel=VALUE,
        ),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="anomalies: sales channel column (a first use is unusual).", rich_help_panel=VALUE
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="forecast: the date column.", rich_help_panel=SERIES)
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(
            help="forecast: the value to forecast; nba: the value of each response in the "
            "history (for catalogue values written 'observed').",
            rich_help_panel=SERIES,
        ),
    ] = None,
    series: Annotated[
        str | None,
        typer.Option(help="forecast: the series id (product, store).", rich_help_panel=SERIES),
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            help="forecast: periods ahead (14); pipeline: months (6).", rich_help_panel=SERIES
        ),
    ] = None,
    freq: Annotated[
        str | None,
        typer.Option(help="forecast: D, W or MS (inferred).", rich_help_panel=SERIES),
    ] = None,
    signals: Annotated[
        str | None,
        typer.Option(
            help="forecast: signals known in advance, e.g. temperature,promotion.",
            rich_help_panel=SERIES,
        ),
    ] = None,
    hierarchy: Annotated[
        str | None,
        typer.Option(
            help="forecast: level columns top down, e.g. category,product (forecasts add up).",
            rich_help_panel=SERIES,
        ),
    ] = None,
    lagged: Annotated[
        str | None,
        typer.Option(
            help="forecast: signals not known in advance (used lagged), e.g. web_visits.",
            rich_help_panel=SERIES,
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(help="recommend: the user (customer) id column.", rich_help_panel=RECOMMEND),
    ] = None,
    rating: Annotated[
        str | None,
        typer.Option(
            help="recommend: rating or quantity column (every row counts once without it).",
            rich_help_panel=RECOMMEND,
        ),
    ] = None,
    items: Annotated[
        str | None,
        typer.Option(
            help="recommend: a file or table of item attributes (category, brand, price, "
            "description).",
            rich_help_panel=RECOMMEND,
        ),
    ] = None,
    users: Annotated[
        str | None,
        typer.Option(
            help="recommend: a file or table of user attributes (segment, company size).",
            rich_help_panel=RECOMMEND,
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option(help="recommend: list length (10).", rich_help_panel=RECOMMEND),
    ] = None,
    action: Annotated[
        str | None,
        typer.Option(
            help="nba: the action column (action); the customer id is --customer.",
            rich_help_panel=CAMPAIGNS,
        ),
    ] = None,
    response: Annotated[
        str | None,
        typer.Option(help="nba: the 0/1 response column (responded).", rich_help_panel=CAMPAIGNS),
    ] = None,
    customers: Annotated[
        str | None,
        typer.Option(
            help="nba: a file or table of customers (id and features).", rich_help_panel=CAMPAIGNS
        ),
    ] = None,
    catalogue: Annotated[
        str | None,
        typer.Option(
            help="nba: a file or table of actions with value, cost and optional eligible, "
            "budget, response.",
            rich_help_panel=CAMPAIGNS,
        ),
    ] = None,
    max_contacts: Annotated[
        str | None,
        typer.Option(
            metavar="N|SHARE",
            help="nba: contact cap, a count (500) or a share of customers (0.2); none by default.",
            rich_help_panel=CAMPAIGNS,
        ),
    ] = None,
    holdout_share: Annotated[
        float | None,
        typer.Option(
            help="nba: share of customers held out at random to measure lift (0.1).",
            rich_help_panel=CAMPAIGNS,
        ),
    ] = None,
    arm: Annotated[
        str | None,
        typer.Option(help="bandit: the variant shown (arm).", rich_help_panel=CAMPAIGNS),
    ] = None,
    reward: Annotated[
        str | None,
        typer.Option(
            help="bandit: the outcome, click 0/1 or a value (reward).", rich_help_panel=CAMPAIGNS
        ),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(
            help="bandit: context columns, e.g. segment,channel (all other columns); the "
            "policy is --method linucb (default) or thompson.",
            rich_help_panel=CAMPAIGNS,
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="The text column (text).", rich_help_panel=TEXT)
    ] = None,
    product: Annotated[
        str | None,
        typer.Option(help="sentiment: product column (aspects by product).", rich_help_panel=TEXT),
    ] = None,
    aspects: Annotated[
        str | None,
        typer.Option(
            help="sentiment: aspect terms, e.g. battery,screen (learned).", rich_help_panel=TEXT
        ),
    ] = None,
    two_labels: Annotated[
        bool,
        typer.Option(
            "--two-labels",
            help="sentiment: positive/negative only (no neutral).",
            rich_help_panel=TEXT,
        ),
    ] = False,
    categories: Annotated[
        str | None,
        typer.Option(
            help="textclass: a file of categories (name,description) for zero-shot routing.",
            rich_help_panel=TEXT,
        ),
    ] = None,
    target_precision: Annotated[
        float | None,
        typer.Option(
            help="textclass: precision wanted on texts routed without a human (0.9).",
            rich_help_panel=TEXT,
        ),
    ] = None,
    topics: Annotated[
        int | None,
        typer.Option(help="topics: how many (chosen by coherence).", rich_help_panel=TEXT),
    ] = None,
    call: Annotated[
        str | None, typer.Option(help="calls: the call id column (call_id).", rich_help_panel=TEXT)
    ] = None,
    speaker: Annotated[
        str | None, typer.Option(help="calls: the speaker column (speaker).", rich_help_panel=TEXT)
    ] = None,
    deals: Annotated[
        str | None,
        typer.Option(help="calls: a file of deals (call id, outcome).", rich_help_panel=TEXT),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(help="calls: the deals' won/lost column (outcome).", rich_help_panel=TEXT),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Train a model for a use case and register it in the workspace.

    leads/churn: a yes/no outcome, models selected by cross-validation; `fit churn
    --customer C --timestamp T` learns from an event table (no activity in the
    --horizon-days after the cut-off is churn). clv, segments and anomalies read a
    transaction table (--customer, --timestamp, --amount; segments also a customer table);
    basket reads order lines (--order, --item); forecast reads series (--date, --value,
    --series) with outside signals (--signals, --lagged); recommend reads interactions
    (--user, --item, --rating, --timestamp) with item and user attributes (--items, --users);
    nba reads past actions and responses (--customer, --action, --response) with --customers
    and --catalogue; bandit reads logged visits (--arm, --reward, --context, --method).
    sentiment, textclass and topics read one text per row (--text, --target, --id);
    calls reads transcripts (--call, --speaker, --text) with --deals and --outcome.
    """
    with command(workspace, as_json=as_json, debug=debug, verbose=verbose):
        from revlearn.data.sources import read_source
        from revlearn.store.registry import Registry, fingerprint
        from revlearn.usecases import USECASES

        known = [*USECASES, *VALUE_USECASES, "forecast", "pipeline", "recommend"]
        known += [*CAMPAIGN_USECASES, *TEXT_USECASES]
        if usecase not in known:
            raise NotFoundError(
                f"Unknown use case {usecase!r}.",
                where="revlearn fit",
                fix=f"Choose one of: {', '.join(known)}.",
            )
        ws = open_workspace(workspace)
        frame = read_source(data, ws)
        started = time.perf_counter()
        if usecase == "pipeline":
            model = build_pipeline(
                id_col=id_col, target=target, positive=positive, time_budget=time_budget,
                horizon=horizon,
            )  # fmt: skip
            with progress_bar(not as_json) as update:
                if update is not None:
                    update("Learning win probabilities and close timing", 0.1)
                model.fit(frame, **({"as_of": until} if until else {}))
            summary = model.summary()
            metrics = {"roc_auc": float(summary["classifier"]["metrics"]["roc_auc"])}
        elif usecase == "forecast":
            model = build_forecaster(
                date=date, value=value, series=series, horizon=horizon, freq=freq,
                signals=signals, lagged=lagged, method=method, hierarchy=hierarchy,
            )  # fmt: skip
            with progress_bar(not as_json) as update:
                if update is not None:
                    update("Backtesting the forecast models", 0.1)
                model.fit(frame)
            summary = model.summary()
            metrics = {k: float(v) for k, v in model.metrics_.items()}
        elif usecase == "recommend":
            model = build_recommender(
                RecommendOptions(user=user, item=item, rating=rating, timestamp=timestamp,
                                 method=method, k=k)
            )  # fmt: skip
            item_table = read_source(items, ws) if items is not None else None
            user_table = read_source(users, ws) if users is not None else None
            with progress_bar(not as_json) as update:
                if update is not None:
                    update("Backtesting the recommenders", 0.1)
                model.fit(frame, items=item_table, users=user_table)
            summary = model.summary()
            metrics = {"validation_ndcg": summary["validation_ndcg"]}
        elif usecase in TEXT_USECASES:
            text_opts = TextOptions(
                text=text, target=target, id_col=id_col, timestamp=timestamp, method=method,
                product=product, aspects=aspects, two_labels=two_labels, categories=categories,
                target_precision=target_precision, topics=topics, call=call, speaker=speaker,
                deals=deals, outcome=outcome,
            )  # fmt: skip
            extra = {k: read_source(v, ws) for k, v in (("c", categories), ("d", deals)) if v}
            model = texting.build_text_model(usecase, text_opts, extra.get("c"))
            texting.fit_text_model(usecase, model, frame, deals=extra.get("d"))
            summary = model.summary()
            metrics = texting.text_metrics(usecase, summary)
        elif usecase in CAMPAIGN_USECASES:
            model = build_campaign_model(
                usecase,
                CampaignOptions(customer=customer, action=action, response=response, value=value,
                                max_contacts=max_contacts, holdout_share=holdout_share, arm=arm,
                                reward=reward, context=context, method=method),
            )  # fmt: skip
            tables = [read_source(t, ws) if t is not None else None for t in (customers, catalogue)]
            with progress_bar(not as_json) as update:
                if update is not None:
                    update(f"Fitting {usecase}", 0.1)
                fit_campaign_model(usecase, model, frame, customers=tables[0], catalogue=tables[1])
            summary = model.summary()
            metrics = campaign_metrics(usecase, summary)
        elif usecase in VALUE_USECASES:
            opts = ValueOptions(
                customer=customer, timestamp=timestamp, amount=amount, order=order, item=item,
                id_col=id_col, until=until, horizon_days=horizon_days, method=method,
                n_segments=segments, min_support=min_support, min_confidence=min_confidence,
                min_lift=min_lift, max_len=max_len, margin=margin, discount_rate=discount_rate,
                contamination=contamination, channel=channel, quantity=quantity,
            )  # fmt: skip
            model = build_model(usecase, opts)
            with progress_bar(not as_json) as update:
                if update is not None:
                    update(f"Fitting {usecase}", 0.1)
                fit_value_model(usecase, model, frame, until)
            summary = model.summary()
            if hasattr(model, "after_until_"):
                summary["after_until"] = model.after_until_
            metrics = fit_metrics(usecase, summary)
        else:
            model = _propensity_model(
                usecase, target=target, positive=positive, id_col=id_col,
                time_budget=time_budget, keep_leakage=keep_leakage, customer=customer,
                timestamp=timestamp, amount=amount, horizon_days=horizon_days, until=until,
            )  # fmt: skip
            with progress_bar(not as_json) as update:
                model.fit(frame, progress=update)
            summary = model.summary()
            metrics = model.metrics_
        seconds = time.perf_counter() - started
        record = Registry(ws).save(
            model,
            name=name or usecase,
            usecase=usecase,
            params=model.get_params(),
            metrics=metrics,
            fingerprint=fingerprint(frame),
        )
        if as_json:
            doc = {
                "model": record.name,
                "version": record.version,
                "usecase": usecase,
                "seconds": round(seconds, 2),
                **{k: v for k, v in summary.items() if k != "model"},
            }
            if "model" in summary:
                doc["algorithm"] = summary["model"]
            print_json(doc)
            return
        title = f"Model {record.name} v{record.version} ({seconds:.0f} s)"
        if usecase == "pipeline":
            show_pipeline_fit(title, summary)
        elif usecase == "forecast":
            show_forecast_fit(title, summary)
        elif usecase == "recommend":
            show_recommend_fit(title, summary)
        elif usecase in TEXT_USECASES:
            texting.show_text_fit(usecase, title, summary)
        elif usecase in CAMPAIGN_USECASES:
            show_campaign_fit(usecase, title, summary)
        elif usecase in VALUE_USECASES:
            show_value_fit(usecase, title, summary)
        else:
            _show_fit(record, summary, seconds)


def _propensity_model(
    usecase: str,
    *,
    target: str | None,
    positive: str | None,
    id_col: str | None,
    time_budget: float,
    keep_leakage: bool,
    customer: str | None,
    timestamp: str | None,
    amount: str | None,
    horizon_days: int | None,
    until: str | None,
) -> Any:
    """Build a LeadScorer or ChurnModel from the fit options."""
    from revlearn.usecases import USECASES

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
            horizon_days=horizon_days or 90,
            until=until,
        )
    return USECASES[usecase](**params)


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
