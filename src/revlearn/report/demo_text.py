"""The text part of ``revlearn demo``: sentiment, routing, mentions, topics and calls.

* **Sentiment**: :class:`~revlearn.usecases.text.SentimentModel` without labels (the
  lexicon) on the demo company's product reviews, with aspect sentiment by product and the
  weekly trend, whose alert is checked against the planted sudden drop.
* **Routing**: :class:`~revlearn.usecases.text.TextClassifier` trained on the older support
  tickets and measured on the newest quarter it never saw (accuracy, macro-F1, the share
  routed without a person at the target precision).
* **Mentions**: :class:`~revlearn.usecases.text.ProductMentions` from the product catalogue
  (with misspelling variants) and a NER trained on the labelled posts; share of voice.
* **Topics**: :class:`~revlearn.usecases.text.TopicModel` on the feedback texts, the number
  of topics chosen by coherence, checked against the planted rising topic.
* **Calls**: :class:`~revlearn.usecases.text.CallInsights` on the sales-call transcripts,
  with the win rate per objection against the deals' outcomes.

Returns the report sections, one summary line per part and the registered models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from revlearn.data.synth.company import Company
from revlearn.report.html import Section
from revlearn.report.text_insights_report import (
    calls_sections,
    mentions_sections,
    topics_sections,
)
from revlearn.report.text_report import routing_sections, sentiment_sections
from revlearn.store.registry import Registry, fingerprint
from revlearn.usecases.text import (
    CallInsights,
    ProductMentions,
    SentimentModel,
    TextClassifier,
    TopicModel,
)

__all__ = ["HELD_OUT_TICKETS", "text_analytics"]

Progress = Callable[[str, float], None]

#: Share of the newest tickets held out to measure the routing.
HELD_OUT_TICKETS = 0.25


def text_analytics(
    registry: Registry,
    company: Company,
    *,
    random_state: int = 0,
    progress: Progress | None = None,
) -> tuple[list[Section], list[str], list[dict[str, Any]]]:
    """Fit, register and report the demo's sentiment and ticket-routing models.

    Parameters
    ----------
    registry : Registry
        Where the models are registered.
    company : Company
        The demo company (its ``reviews`` and ``tickets`` and their truths).
    random_state : int, default=0
        Seed of the models.
    progress : callable, optional
        ``progress(message, fraction)``.

    Returns
    -------
    tuple of (list of Section, list of str, list of dict)
        The report sections, one summary line per part, and the registered models'
        ``name`` and ``version``.
    """
    if progress:
        progress("review sentiment", 0.0)
    reviews = company.reviews
    sentiment = SentimentModel(
        id_col="review_id",
        product_col="product",
        source_col="source",
        timestamp_col="created_at",
        random_state=random_state,
    ).fit(reviews.drop(columns=["rating", "sentiment"]))
    saved = [_save(registry, sentiment, "sentiment", reviews)]
    scored = sentiment.predict(reviews)
    shares = scored.loc[scored["status"] == "ok", "label"].value_counts(normalize=True)
    trend = sentiment.trend(reviews, by="product")
    alerts = trend[trend["alert"]]
    drop = company.truths["reviews"]["drop"]
    planted = pd.Timestamp(drop["week_start"])
    caught = bool(
        ((alerts["group"] == drop["product"]) & (pd.to_datetime(alerts["period"]) == planted)).any()
    )
    flagged = int((scored["status"] == "other_language").sum())
    sentiment_line = (
        f"Sentiment: {len(reviews):,} reviews scored without labels — "
        f"{shares.get('positive', 0.0):.0%} positive, {shares.get('negative', 0.0):.0%} "
        f"negative; {flagged} in another language flagged, not scored; the planted drop of "
        f"{drop['product']} in the week of {planted.date()} "
        + ("raised an alert" if caught else "was missed")
        + f" ({len(alerts)} alert{'s' if len(alerts) != 1 else ''} in all)."
    )
    if progress:
        progress("ticket routing", 0.5)
    tickets = company.tickets.sort_values("created_at", kind="stable")
    cut = int(len(tickets) * (1 - HELD_OUT_TICKETS))
    train, later = tickets.iloc[:cut], tickets.iloc[cut:]
    router = TextClassifier(
        target_col="category", id_col="ticket_id", random_state=random_state
    ).fit(train)
    saved.append(_save(registry, router, "routing", train))
    found = router.evaluate(later)
    routing_line = (
        f"Ticket routing: on the newest {len(later):,} tickets accuracy {found.accuracy:.1%}, "
        f"macro-F1 {found.macro_f1:.3f}; {found.answered_share:.0%} routed without a person "
        f"at {found.answered_precision:.1%} precision (target {router.target_precision:.0%})."
    )
    sections = [*sentiment_sections(sentiment, reviews), *routing_sections(router, later)]
    if progress:
        progress("mentions, topics and calls", 0.7)
    insight_sections, insight_lines, insight_models = _insights(registry, company, random_state)
    return (
        [*sections, *insight_sections],
        [sentiment_line, routing_line, *insight_lines],
        [*saved, *insight_models],
    )


def _insights(
    registry: Registry, company: Company, random_state: int
) -> tuple[list[Section], list[str], list[dict[str, Any]]]:
    """Product mentions, topics and call insights, each with one summary line."""
    posts = company.posts
    mentions = ProductMentions(
        id_col="post_id", timestamp_col="created_at", source_col="source", n_epochs=4,
        random_state=random_state,
    ).fit(posts, catalog=company.product_names, spans=company.post_entities)  # fmt: skip
    found = mentions.predict(posts)
    typos = set(company.truths["posts"]["typo_ids"])
    caught = found[found["post_id"].isin(typos) & (found["label"] == "PRODUCT")]
    top = found.loc[found["label"] == "PRODUCT", "product"].value_counts()
    mention_line = (
        f"Mentions: {len(found):,} in {len(posts):,} posts; "
        f"{caught['post_id'].nunique()} of the {len(typos)} posts with a misspelled product "
        f"name matched; most mentioned {top.index[0]} ({top.iloc[0]})."
    )
    feedback = company.feedback
    topics = TopicModel(
        id_col="text_id", timestamp_col="created_at", random_state=random_state
    ).fit(feedback)
    summary = topics.summary()
    rising = company.truths["feedback"]["rising_topic"]
    planted = set(company.truths["feedback"]["topic_words"][rising])
    label = str(summary["rising"] or "none")
    match = "its words" if set(label.split(" / ")) & planted else "not its words"
    topic_line = (
        f"Topics: {summary['n_topics']} found by coherence in {len(feedback):,} feedback texts; "
        f"fastest rising: {label!r} (planted: the {rising} topic — {match})."
    )
    calls = CallInsights().fit(company.calls, deals=company.call_outcomes)
    table = calls.explain()
    price = table[table["objection"] == "price"]
    call_line = (
        f"Calls: {calls.summary()['n_calls']} transcripts; deals with a price objection won "
        f"{float(price['win_rate'].iloc[0]):.0%} against {calls.summary()['base_win_rate']:.0%} "
        "overall."
        if len(price)
        else f"Calls: {calls.summary()['n_calls']} transcripts."
    )
    models = [
        _save(registry, mentions, "mentions", posts),
        _save(registry, topics, "topics", feedback),
        _save(registry, calls, "calls", company.calls),
    ]
    sections = [
        *mentions_sections(mentions, posts),
        *topics_sections(topics, feedback),
        *calls_sections(calls, company.calls),
    ]
    return sections, [mention_line, topic_line, call_line], models


def _save(registry: Registry, model: Any, name: str, data: pd.DataFrame) -> dict[str, Any]:
    record = registry.save(
        model,
        name=name,
        usecase=model.usecase,
        params=model.get_params(),
        metrics={},
        fingerprint=fingerprint(data),
    )
    return {"name": record.name, "version": record.version}
