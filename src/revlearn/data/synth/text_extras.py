"""Product mentions, topics and sales-call transcripts with truths planted for text models.

**Mentions** (:func:`make_product_mentions`). A catalogue of seven products (two of them
competitors) with brands and aliases, including a near-duplicate pair ("Pulse Buds" and
"Pulse Buds Pro": the longer name must win where it appears), and social posts naming them
the way people write: exact, lower case, plural ("Aurora Phones"), joined or hyphenated
("Nova15", "nova-15"), or misspelled by one edit ("Auorra Phone", "Terra Speakr").
Every mention, brand, price and date has a gold span (``start``/``end`` characters and a
label PRODUCT, COMPETITOR, ORG, MONEY or DATE) for training and testing a NER. Planted:
``truths["rising_product"]`` gains share of voice week after week; posts with
``truths["decoy_ids"]`` use a catalogue word that is not a product ("the aurora last
night") and must yield no product; ``truths["typo_ids"]`` hold a misspelled mention.

**Topics** (:func:`make_topic_texts`). Short customer texts, each drawn mostly from one of
five topics with their own words (delivery, billing, app, battery, support), plus shared
filler words. ``truths["topic_words"]`` lists each topic's words; the share of
``truths["rising_topic"]`` grows from 5 % to about 40 % over 26 weeks while the others keep
their proportions.

**Calls** (:func:`make_call_transcripts`). Sales calls as speaker-tagged utterances (rep
and customer) with planted objections (price, timing, competitor, authority, need), some
dismissed with a negation ("price is not a problem"), questions, and next steps with dates.
A deals table gives each call's outcome: a price objection lowers the odds of winning
(P(won) 0.2 against 0.55), a timing objection does not change them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["make_call_transcripts", "make_product_mentions", "make_topic_texts"]

_WEEKS = 26

# ---------------------------------------------------------------------------- mentions
#: name, brand, aliases, competitor
_CATALOG = (
    ("Aurora Phone", "Lumen", "", False),
    ("Nova 15", "Lumen", "Nova fifteen", False),
    ("Pulse Buds", "Lumen", "", False),
    ("Pulse Buds Pro", "Lumen", "", False),
    ("Terra Speaker", "Lumen", "", False),
    ("Zenith Phone", "Zenith", "ZPhone", True),
    ("Orbit Earbuds", "Orbitron", "", True),
)
_RISING = "Terra Speaker"
_POST_TEMPLATES = (
    "Just bought the {p} and I love it",
    "Is the {p} worth it?",
    "My {p} stopped charging after a week",
    "{p} is way better than I expected",
    "Thinking of switching from the {c} to the {p}",
    "Paid {m} for the {p} on {d}, not bad",
    "The {p} arrived on {d} and {b} support was helpful",
    "Honestly the {c} beats the {p} on sound",
    "Got two {pl} for the kids",
    "Anyone else having issues with {pl}?",
    "{b} just dropped the price of the {p} to {m}",
)
_DECOYS = (
    "We saw the aurora last night, unreal colours",
    "My pulse was racing after the run",
    "Bought a new speaker stand and some phone cases",
    "Terra cotta pots are on sale this week",
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "September")


def _typo(rng: np.random.Generator, name: str) -> str:
    """One edit (drop, double or swap a letter) inside a word of at least 5 letters."""
    words = name.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return name
    i = int(rng.choice(long))
    w = words[i]
    k = int(rng.integers(1, len(w) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        w = w[:k] + w[k + 1 :]
    elif kind == 1:
        w = w[:k] + w[k] + w[k:]
    else:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    words[i] = w
    return " ".join(words)


def _surface(rng: np.random.Generator, name: str, plural: bool) -> tuple[str, str]:
    """A written form of ``name`` and its kind (exact, lower, spacing, typo)."""
    kinds = ["exact", "lower", "spacing", "typo"]
    kind = str(rng.choice(kinds, p=[0.45, 0.2, 0.15, 0.2]))
    text = name
    if kind == "lower":
        text = name.lower()
    elif kind == "spacing":
        text = name.replace(" ", "" if rng.random() < 0.5 else "-")
    elif kind == "typo":
        text = _typo(rng, name)
        if text == name:
            kind = "exact"
    if plural and not text.endswith("s"):
        text += "es" if text.endswith(("x", "h")) else "s"
    return text, kind


def _fill(template: str, parts: dict[str, tuple[str, str, str | None]]) -> tuple[str, list]:
    """Fill ``{p}``-style slots, returning the text and the gold spans."""
    text, spans = "", []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        key, _, rest = tail.partition("}")
        text += head
        value, label, product = parts[key]
        spans.append((len(text), len(text) + len(value), label, product))
        text += value
    return text + rest, spans


def make_product_mentions(
    rng: np.random.Generator, n_posts: int = 800
) -> tuple[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], dict[str, Any]]:
    """Generate a product catalogue and posts mentioning products, with gold spans.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of these tables.
    n_posts : int, default=800
        Number of posts (about 6 % of them are decoys without a product).

    Returns
    -------
    tuple of ((pandas.DataFrame, pandas.DataFrame, pandas.DataFrame), dict)
        ``(catalog, posts, spans)`` and the truths. ``catalog``: ``product``, ``brand``,
        ``aliases`` (``;``-separated), ``competitor``. ``posts``: ``post_id``, ``source``,
        ``created_at``, ``text``. ``spans``: ``post_id``, ``start``, ``end``, ``label``,
        ``product`` (canonical name or missing), ``kind`` (how the product was written).
        Truths: ``rising_product``, ``typo_ids``, ``decoy_ids``, ``products``,
        ``competitors``.
    """
    catalog = pd.DataFrame(_CATALOG, columns=["product", "brand", "aliases", "competitor"])
    own = [r[0] for r in _CATALOG if not r[3]]
    rivals = [r[0] for r in _CATALOG if r[3]]
    start = REFERENCE_DATE - pd.Timedelta(weeks=_WEEKS)
    posts, spans, typo_ids, decoy_ids = [], [], [], []
    for i in range(n_posts):
        post_id = f"P{i:05d}"
        week = int(rng.integers(_WEEKS))
        when = start + pd.Timedelta(weeks=week, hours=float(rng.uniform(0, 167)))
        source = str(rng.choice(["twitter", "forum", "reviews"], p=[0.5, 0.3, 0.2]))
        if rng.random() < 0.06:
            text = str(rng.choice(_DECOYS))
            decoy_ids.append(post_id)
            posts.append((post_id, source, when, text))
            continue
        weights = np.ones(len(own))
        weights[own.index(_RISING)] = 0.3 + 3.0 * week / (_WEEKS - 1)
        product = str(rng.choice(own, p=weights / weights.sum()))
        template = str(rng.choice(_POST_TEMPLATES))
        plural = "{pl}" in template
        written, kind = _surface(rng, product, plural)
        rival = str(rng.choice(rivals))
        rival_written, rival_kind = _surface(rng, rival, False)
        brand = str(catalog.loc[catalog["product"] == product, "brand"].iloc[0])
        money = f"${int(rng.integers(49, 999))}" + (".99" if rng.random() < 0.5 else "")
        date = f"{rng.choice(_MONTHS)} {int(rng.integers(1, 29))}"
        parts = {
            "p": (written, "PRODUCT", product),
            "pl": (written, "PRODUCT", product),
            "c": (rival_written, "COMPETITOR", rival),
            "b": (brand, "ORG", None),
            "m": (money, "MONEY", None),
            "d": (date, "DATE", None),
        }
        text, found = _fill(template, parts)
        kinds = {"PRODUCT": kind, "COMPETITOR": rival_kind}
        if any(kinds.get(s[2]) == "typo" for s in found):
            typo_ids.append(post_id)
        posts.append((post_id, source, when, text))
        spans += [(post_id, s, e, lab, prod, kinds.get(lab, "")) for s, e, lab, prod in found]
    posts_frame = pd.DataFrame(posts, columns=["post_id", "source", "created_at", "text"])
    spans_frame = pd.DataFrame(
        spans, columns=["post_id", "start", "end", "label", "product", "kind"]
    )
    truths = {
        "rising_product": _RISING,
        "typo_ids": typo_ids,
        "decoy_ids": decoy_ids,
        "products": own,
        "competitors": rivals,
    }
    return (catalog, posts_frame, spans_frame), truths


# ---------------------------------------------------------------------------- topics
_TOPICS: dict[str, tuple[str, ...]] = {
    "delivery": ("delivery", "courier", "parcel", "shipping", "tracking", "late",
                 "arrived", "package", "driver", "dispatch"),
    "billing": ("invoice", "charged", "refund", "payment", "billing", "card",
                "overcharged", "receipt", "subscription", "fee"),
    "app": ("app", "crash", "login", "update", "screen", "button", "password",
            "android", "iphone", "bug"),
    "battery": ("battery", "charge", "charger", "drain", "hours", "power",
                "overheating", "cable", "percent", "lasts"),
    "support": ("support", "agent", "chat", "waited", "helpful", "rude",
                "ticket", "hold", "answer", "manager"),
}  # fmt: skip
_RISING_TOPIC = "battery"
_FILLER = ("really", "today", "again", "customer", "product", "week", "time", "thing")


def make_topic_texts(
    rng: np.random.Generator, n_texts: int = 2000
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generate short texts from five planted topics, one of them rising over time.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of this table.
    n_texts : int, default=2000
        Number of texts, spread evenly over 26 weeks.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The texts (``text_id``, ``created_at``, ``source``, ``text``, ``topic`` — the
        planted topic) and the truths: ``topic_words`` (topic → its words),
        ``rising_topic`` and ``weeks``.
    """
    names = list(_TOPICS)
    start = REFERENCE_DATE - pd.Timedelta(weeks=_WEEKS)
    rows = []
    for i in range(n_texts):
        week = i * _WEEKS // n_texts
        rising = 0.05 + 0.35 * week / (_WEEKS - 1)
        p = np.full(len(names), (1 - rising) / (len(names) - 1))
        p[names.index(_RISING_TOPIC)] = rising
        topic = str(rng.choice(names, p=p))
        words = list(rng.choice(_TOPICS[topic], size=int(rng.integers(5, 9))))
        other = str(rng.choice([n for n in names if n != topic]))
        words += list(rng.choice(_TOPICS[other], size=int(rng.integers(0, 2))))
        words += list(rng.choice(_FILLER, size=int(rng.integers(1, 4))))
        words += list(rng.choice(["the", "my", "was", "is", "and", "not"], size=3))
        rng.shuffle(words)
        when = start + pd.Timedelta(weeks=week, hours=float(rng.uniform(0, 167)))
        source = str(rng.choice(["email", "chat", "review"]))
        rows.append((f"T{i:05d}", when, source, " ".join(words).capitalize() + ".", topic))
    frame = pd.DataFrame(rows, columns=["text_id", "created_at", "source", "text", "topic"])
    truths = {
        "topic_words": {k: list(v) for k, v in _TOPICS.items()},
        "rising_topic": _RISING_TOPIC,
        "weeks": _WEEKS,
    }
    return frame, truths


# ---------------------------------------------------------------------------- calls
_OBJECTIONS: dict[str, tuple[str, ...]] = {
    "price": ("Honestly it is too expensive for us.", "That is way over our budget.",
              "We can't afford that this year.", "The price is too high compared to others."),
    "timing": ("It is not the right time for us.", "Can we revisit this next quarter?",
               "We are too busy until after the holidays.", "Timing is bad, maybe next year."),
    "competitor": ("We already use another vendor for this.",
                   "We are also evaluating another provider.",
                   "Zenith offers something similar."),
    "authority": ("I need to run it by my manager.", "It is not my decision alone.",
                  "Our CFO has to sign off on this."),
    "need": ("I'm not sure we really need this.", "We don't need it right now.",
             "We are happy with what we have."),
}  # fmt: skip
_DISMISSED = {
    "price": "Price is not a problem for us.",
    "timing": "Timing is not an issue at all.",
    "need": "We definitely need something like this.",
}
_WIN = {"price": -1.6, "timing": 0.0, "competitor": -0.4, "authority": -0.2, "need": -0.6}
_REP_LINES = (
    "Thanks for taking the time today.",
    "Let me walk you through how the platform works.",
    "Our customers usually see results within a month.",
    "The dashboard shows every campaign in one place.",
    "We integrate with your CRM out of the box.",
    "That is a great point, let me explain.",
)
_REP_QUESTIONS = (
    "What are your main goals this quarter?",
    "How do you handle reporting today?",
    "Who else is involved in the decision?",
    "Does that answer your question?",
)
_CUSTOMER_LINES = (
    "That sounds interesting.",
    "We mostly use spreadsheets right now.",
    "Our team is about twenty people.",
    "I like the reporting part a lot.",
    "Okay, that makes sense.",
)
_CUSTOMER_QUESTIONS = (
    "How long does onboarding take?",
    "Can it export to Excel?",
    "Is there a free trial?",
)
_NEXT_STEPS = (
    "I'll send you the proposal by Friday.",
    "Let's schedule a demo with your team next Tuesday.",
    "I will follow up on March 12 with pricing.",
    "We'll set up a trial account tomorrow.",
)


def make_call_transcripts(
    rng: np.random.Generator, n_calls: int = 300
) -> tuple[tuple[pd.DataFrame, pd.DataFrame], dict[str, Any]]:
    """Generate sales-call transcripts with planted objections and the deals' outcomes.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of these tables.
    n_calls : int, default=300
        Number of calls (one deal each).

    Returns
    -------
    tuple of ((pandas.DataFrame, pandas.DataFrame), dict)
        ``(utterances, deals)`` and the truths. ``utterances``: ``call_id``, ``turn``,
        ``speaker`` ("Rep" or "Customer"), ``text``, ``created_at``. ``deals``:
        ``call_id``, ``outcome`` ("won"/"lost"). Truths: ``objections`` (call id → list of
        planted types), ``dismissed`` (call id → types mentioned but negated),
        ``next_step_calls``, ``win_effects`` (type → log-odds effect: price strongly
        negative, timing zero).
    """
    start = REFERENCE_DATE - pd.Timedelta(weeks=_WEEKS)
    rows, deals = [], []
    planted: dict[str, list[str]] = {}
    dismissed: dict[str, list[str]] = {}
    next_calls: list[str] = []
    types = list(_OBJECTIONS)
    for c in range(n_calls):
        call_id = f"C{c:04d}"
        when = start + pd.Timedelta(days=float(rng.uniform(0, 7 * _WEEKS)))
        found = [t for t in types if rng.random() < (0.35 if t in ("price", "timing") else 0.15)]
        negated = [t for t in _DISMISSED if t not in found and rng.random() < 0.15]
        planted[call_id], dismissed[call_id] = found, negated
        lines: list[tuple[str, str]] = [("Rep", "Hi, thanks for joining the call.")]
        body: list[tuple[str, str]] = []
        for _ in range(int(rng.integers(3, 6))):
            body.append(("Rep", str(rng.choice(_REP_LINES))))
            if rng.random() < 0.6:
                body.append(("Rep", str(rng.choice(_REP_QUESTIONS))))
            body.append(("Customer", str(rng.choice(_CUSTOMER_LINES))))
            if rng.random() < 0.4:
                body.append(("Customer", str(rng.choice(_CUSTOMER_QUESTIONS))))
        for t in found:
            at = int(rng.integers(1, len(body) + 1))
            body.insert(at, ("Customer", str(rng.choice(_OBJECTIONS[t]))))
        for t in negated:
            at = int(rng.integers(1, len(body) + 1))
            body.insert(at, ("Customer", _DISMISSED[t]))
        lines += body
        if rng.random() < 0.6:
            lines.append(("Rep", str(rng.choice(_NEXT_STEPS))))
            next_calls.append(call_id)
        lines.append(("Customer", "Thanks, talk soon."))
        for turn, (speaker, text) in enumerate(lines):
            rows.append((call_id, turn, speaker, text, when))
        logit = 0.2 + sum(_WIN[t] for t in found)
        won = rng.random() < 1 / (1 + np.exp(-logit))
        deals.append((call_id, "won" if won else "lost"))
    utterances = pd.DataFrame(rows, columns=["call_id", "turn", "speaker", "text", "created_at"])
    deal_frame = pd.DataFrame(deals, columns=["call_id", "outcome"])
    truths = {
        "objections": planted,
        "dismissed": dismissed,
        "next_step_calls": next_calls,
        "win_effects": dict(_WIN),
    }
    return (utterances, deal_frame), truths
