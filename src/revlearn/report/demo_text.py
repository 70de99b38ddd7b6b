"""The text part of ``revlearn demo``: review sentiment and support-ticket routing.

* **Sentiment**: :class:`~revlearn.usecases.text.SentimentModel` without labels (the
  lexicon) on the demo company's product reviews, with aspect sentiment by product and the
  weekly trend, whose alert is checked against the planted sudden drop.
* **Routing**: :class:`~revlearn.usecases.text.TextClassifier` trained on the older support
  tickets and measured on the newest quarter it never saw (accuracy, macro-F1, the share
  routed without a person at the target precision).

Returns the report sections, one summary line per part and the registered models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from revlearn.data.synth.company import Company
from revlearn.report.html import Section
from revlearn.report.text_report import routing_sections, sentiment_sections
from revlearn.store.registry import Registry, fingerprint
from revlearn.usecases.text import SentimentModel, TextClassifier

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
    return sections, [sentiment_line, routing_line], saved


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
