"""Reviews and support tickets of the demo company, with truths planted for text models.

**Reviews** (sentiment, aspect sentiment, trend alerts). Five products are reviewed over
26 weeks ending on the reference date, through three sources (web shop, app, marketplace).
Each review talks about one to three aspects (battery, screen, sound, price, delivery,
build) in short English sentences built from positive or negative phrases ("the battery is
great", "awful screen", "the sound is not good"), plus now and then a closing remark. The
planted truths:

* **Aspect sentiment per product**: each product has aspects that reviewers almost always
  praise (P(positive) = 0.85) or almost always criticise (0.15), and others that are mixed
  (0.5). ``truths["aspect_signs"]`` maps product → aspect → +1 or -1 for the clear ones.
* **A sudden drop**: in one week (``truths["drop"]``: product and week start) every aspect
  of one product turns negative with probability 0.95 and the product gets three times its
  usual number of reviews (a faulty batch); another product
  (``truths["steady_product"]``) has the same mix every week and must not alert.
* **Labels**: ``rating`` (1–5 stars, from the share of positive aspects) and ``sentiment``
  (positive ≥ 4 stars, negative ≤ 2, neutral 3) — the truth a trained model should learn.
* **Bad input**: about 2 % of reviews are in French, German or Spanish
  (``truths["other_language_ids"]``) and about 1 % are empty or whitespace only
  (``truths["empty_ids"]``).

**Tickets** (routing). Support e-mails and chat messages in seven categories (billing,
login, shipping, bug, cancellation, refund, account). Each category has its own phrases,
but many words are shared (order, account, charged, app, subscription, card), and 15 % of
tickets add a sentence typical of another category, so routing is learnable but not
trivial. ``truths["categories"]`` holds each category's description (for zero-shot
routing) and ``truths["confusable"]`` the pairs built to be confused.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.leads import REFERENCE_DATE

__all__ = ["TICKET_CATEGORIES", "make_reviews", "make_tickets"]

_WEEKS = 26
_SOURCES = ("web", "app", "marketplace")
_ASPECTS = ("battery", "screen", "sound", "price", "delivery", "build")
#: product → aspects it has, with P(positive) for each.
_PRODUCTS: dict[str, dict[str, float]] = {
    "Aurora phone": {"battery": 0.85, "screen": 0.15, "price": 0.5, "delivery": 0.5},
    "Nimbus laptop": {"screen": 0.85, "battery": 0.15, "build": 0.5, "price": 0.5},
    "Pulse headphones": {"sound": 0.85, "build": 0.15, "price": 0.5, "battery": 0.5},
    "Terra speaker": {"sound": 0.85, "price": 0.85, "delivery": 0.85, "build": 0.5},
    "Volt power bank": {"battery": 0.85, "delivery": 0.15, "price": 0.5, "build": 0.5},
}
_DROP = ("Pulse headphones", 20)
_STEADY = "Terra speaker"
_POSITIVE = ("great", "excellent", "amazing", "good", "fantastic", "superb", "solid")
_NEGATIVE = ("awful", "terrible", "poor", "disappointing", "bad", "horrible")
_POS_TEMPLATES = (
    "The {a} is {w}.",
    "{W} {a}.",
    "{A} {w}.",
    "Really {w} {a}.",
    "I love the {a}.",
    "The {a} is very {w}!",
)
_NEG_TEMPLATES = (
    "The {a} is {w}.",
    "{W} {a}.",
    "{A} {w}.",
    "The {a} is not good.",
    "I hate the {a}.",
    "Really {w} {a}!",
)
_CLOSERS_POS = ("Would buy again.", "Happy with it overall.", "Recommended.")
_CLOSERS_NEG = ("Returning it.", "Not worth it.", "Very disappointed.")
_FOREIGN = (
    "La batterie est très bonne et l'écran est magnifique, je le recommande.",
    "Das Produkt ist leider nicht gut und der Akku hält nicht lange.",
    "El sonido es muy bueno pero la batería no dura nada, no lo recomiendo.",
    "Je suis très déçu, la livraison était en retard et le prix est trop élevé.",
    "Der Bildschirm ist super und die Lieferung war schnell, ich bin sehr zufrieden.",
)


def _phrase(rng: np.random.Generator, aspect: str, positive: bool) -> str:
    templates = _POS_TEMPLATES if positive else _NEG_TEMPLATES
    word = str(rng.choice(_POSITIVE if positive else _NEGATIVE))
    template = str(rng.choice(templates))
    return template.format(a=aspect, A=aspect.capitalize(), w=word, W=word.capitalize())


def make_reviews(
    rng: np.random.Generator, n_reviews: int = 2000
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generate product reviews with planted aspect sentiment and a sentiment drop.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of this table.
    n_reviews : int, default=2000
        Number of usual reviews (spread evenly over products and weeks); the drop week
        adds about ``2 * n_reviews / 130`` more.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The reviews (``review_id``, ``product``, ``source``, ``created_at``, ``text``,
        ``rating``, ``sentiment``) sorted by time, and the truths: ``aspect_signs``
        (product → aspect → ±1), ``drop`` (``product``, ``week_start``), ``steady_product``,
        ``other_language_ids`` and ``empty_ids``.
    """
    products = list(_PRODUCTS)
    start = REFERENCE_DATE - pd.Timedelta(weeks=_WEEKS)
    start = start - pd.Timedelta(days=start.dayofweek)  # a Monday
    drop_week = start + pd.Timedelta(weeks=_DROP[1])
    rows = []
    # The faulty batch also brings extra reviews: 2 more per usual review that week.
    n_extra = round(2 * n_reviews / len(products) / _WEEKS)
    for i in range(n_reviews + n_extra):
        product = products[i % len(products)] if i < n_reviews else _DROP[0]
        week = int(rng.integers(0, _WEEKS)) if i < n_reviews else _DROP[1]
        created = start + pd.Timedelta(weeks=week) + pd.Timedelta(hours=float(rng.uniform(0, 167)))
        mix = _PRODUCTS[product]
        dropped = product == _DROP[0] and week == _DROP[1]
        chosen = rng.choice(list(mix), size=int(rng.integers(1, 4)), replace=False)
        signs = [rng.random() < (0.05 if dropped else mix[str(a)]) for a in chosen]
        sentences = [_phrase(rng, str(a), bool(s)) for a, s in zip(chosen, signs, strict=True)]
        share = float(np.mean(signs))
        if rng.random() < 0.3:
            closers = _CLOSERS_POS if share > 0.5 else _CLOSERS_NEG
            sentences.append(str(rng.choice(closers)))
        rating = int(np.clip(round(1 + 4 * share + rng.normal(0, 0.4)), 1, 5))
        rows.append((product, str(rng.choice(_SOURCES)), created, " ".join(sentences), rating))
    frame = pd.DataFrame(rows, columns=["product", "source", "created_at", "text", "rating"])
    frame = frame.sort_values("created_at", ignore_index=True)
    frame.insert(0, "review_id", [f"R{i:05d}" for i in range(1, len(frame) + 1)])
    frame["sentiment"] = np.where(
        frame["rating"] >= 4, "positive", np.where(frame["rating"] <= 2, "negative", "neutral")
    )
    n = len(frame)
    picks = rng.permutation(n)
    foreign = picks[: max(1, n // 50)]
    empty = picks[max(1, n // 50) : max(1, n // 50) + max(1, n // 100)]
    frame.loc[foreign, "text"] = rng.choice(_FOREIGN, size=len(foreign))
    frame.loc[empty, "text"] = rng.choice(["", "   ", "\n"], size=len(empty))
    truths = {
        "aspect_signs": {
            p: {a: (1 if q > 0.5 else -1) for a, q in mix.items() if q != 0.5}
            for p, mix in _PRODUCTS.items()
        },
        "drop": {"product": _DROP[0], "week_start": drop_week},
        "steady_product": _STEADY,
        "other_language_ids": sorted(frame.loc[foreign, "review_id"]),
        "empty_ids": sorted(frame.loc[empty, "review_id"]),
        "aspects": list(_ASPECTS),
    }
    return frame, truths


#: category → (description for zero-shot routing, phrases typical of it).
TICKET_CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "billing": (
        "invoice, charge, payment method, card charged twice, VAT, billing address",
        (
            "I was charged twice for my subscription this month.",
            "Can you send me an invoice with our VAT number?",
            "My card payment failed but the order shows as paid.",
            "Why is there an extra charge on my last invoice?",
            "Please update the billing address on my account.",
            "The invoice amount does not match the price I was quoted.",
        ),
    ),
    "login": (
        "cannot sign in, password reset, two-factor code, locked out of account",
        (
            "I cannot log in to my account, the password is rejected.",
            "The password reset email never arrives.",
            "My two-factor code is not accepted in the app.",
            "My account is locked after too many sign in attempts.",
            "I changed my email and now I cannot sign in.",
            "The login page keeps sending me back to sign in.",
        ),
    ),
    "shipping": (
        "where is my order, delivery delay, tracking number, courier, delivery address",
        (
            "Where is my order? It has not arrived yet.",
            "The tracking number shows no update for a week.",
            "Can I change the delivery address of my order?",
            "The courier says the parcel was delivered but I have nothing.",
            "My delivery is late, it was due on Monday.",
            "The order was shipped to my old address.",
        ),
    ),
    "bug": (
        "app or website error, crash, page does not load, button broken",
        (
            "The app crashes every time I open the order history.",
            "I get an error 500 when I press the checkout button.",
            "The page does not load on my phone.",
            "The export button in the dashboard is broken.",
            "The app freezes after the latest update.",
            "Search results show the wrong products.",
        ),
    ),
    "cancellation": (
        "cancel subscription, stop renewal, cancel order, end contract",
        (
            "Please cancel my subscription at the end of the month.",
            "How do I stop the automatic renewal?",
            "I want to cancel my order before it ships.",
            "I would like to end my contract, we no longer need the service.",
            "Cancel my plan please, it is too expensive for us.",
            "I tried to cancel in the app but the subscription is still active.",
        ),
    ),
    "refund": (
        "money back, return an item, damaged or wrong product, refund status",
        (
            "I returned the item two weeks ago and still have no refund.",
            "The product arrived damaged, I want my money back.",
            "You sent the wrong size, how do I return it?",
            "When will the refund reach my card?",
            "I was charged for an order I cancelled, please refund it.",
            "The item does not work, I would like a refund.",
        ),
    ),
    "account": (
        "change email, update profile, add users, delete account, privacy settings",
        (
            "How do I add a colleague to our company account?",
            "Please change the email address on my profile.",
            "I want to delete my account and all my data.",
            "Where can I change my privacy settings?",
            "Can I merge my two accounts into one?",
            "How do I change the company name on the account?",
        ),
    ),
}
_OPENERS = ("Hi,", "Hello,", "Hi team,", "", "", "Good morning,", "Hey,")
_CLOSERS = ("Thanks.", "Thank you!", "Regards", "", "", "Please help asap.", "Cheers")
_CONFUSABLE = (("billing", "refund"), ("cancellation", "refund"), ("login", "account"))


def make_tickets(
    rng: np.random.Generator, n_tickets: int = 2100
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Generate support tickets with planted categories and overlapping vocabulary.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream of this table.
    n_tickets : int, default=2100
        Number of tickets (categories in roughly equal shares).

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The tickets (``ticket_id``, ``created_at``, ``channel``, ``text``, ``category``),
        sorted by time, and the truths: ``categories`` (name → description) and
        ``confusable`` (category pairs that share vocabulary on purpose).
    """
    names = list(TICKET_CATEGORIES)
    weights = np.array([1.4, 1.2, 1.3, 1.0, 0.8, 0.9, 0.6])
    cats = rng.choice(len(names), size=n_tickets, p=weights / weights.sum())
    texts = []
    for c in cats:
        phrases = TICKET_CATEGORIES[names[c]][1]
        body = [str(rng.choice(phrases))]
        if rng.random() < 0.35:
            body.append(str(rng.choice(phrases)))
        if rng.random() < 0.15:
            other = names[int(rng.integers(len(names)))]
            body.insert(int(rng.integers(0, 2)), str(rng.choice(TICKET_CATEGORIES[other][1])))
        words = [str(rng.choice(_OPENERS)), *body, str(rng.choice(_CLOSERS))]
        texts.append(" ".join(w for w in words if w))
    created = REFERENCE_DATE - pd.to_timedelta(rng.uniform(0, 90 * 24, n_tickets), unit="h")
    frame = pd.DataFrame(
        {
            "created_at": created.floor("min"),
            "channel": rng.choice(["email", "chat", "web form"], size=n_tickets),
            "text": texts,
            "category": [names[c] for c in cats],
        }
    ).sort_values("created_at", ignore_index=True)
    frame.insert(0, "ticket_id", [f"T{i:05d}" for i in range(1, n_tickets + 1)])
    truths = {
        "categories": {name: desc for name, (desc, _) in TICKET_CATEGORIES.items()},
        "confusable": [list(p) for p in _CONFUSABLE],
    }
    return frame, truths
