"""Leads of the demo company: who they are, how they engaged, and whether they converted.

The conversion outcome is drawn from a logistic model with **planted truths**, so that a
lead-scoring model can be checked against what was put in:

* Conversion log-odds are linear in ``pricing_minutes`` with coefficient **0.45 per
  minute**: each extra minute on the pricing page multiplies the odds of converting by
  ``exp(0.45) ≈ 1.57``.
* The intercept (``-3.587``) is chosen so that a *typical small tech lead* — company size
  ``"11-50"``, industry ``"tech"``, source ``"web"``, no demo request, no webinar, no
  e-mail clicks (the most common values) — converts with probability 4.2 % after 1 minute
  on the pricing page and 20.8 % after 5 minutes: **5 times as often** (the probability
  ratio, not only the odds ratio, which is 6.05). Averaged over *all* small tech leads,
  whose other traits vary, the ratio of observed rates is lower (about 4), because leads
  that already asked for a demo are likely to convert anyway.
* Further effects on the log-odds: ``source`` (referral +0.8, partner +0.6, event +0.3,
  web 0, paid_search -0.2, social -0.5), ``company_size`` (1-10 -0.5, 11-50 0, 51-200
  +0.25, 201-1000 +0.35, 1000+ +0.1), ``industry`` (finance +0.15, tech 0, health -0.1,
  manufacturing -0.2, retail -0.3, education -0.4), ``demo_request`` yes +1.3,
  ``webinar`` yes +0.5 and +0.15 per e-mail click.
* ``page_views``, ``email_opens``, ``days_since_first_touch``, ``annual_revenue`` and
  ``country`` have **no direct effect** (page views and opens are correlated with pricing
  minutes and clicks through a shared engagement level, so they look useful on their own).
* ``noise_score``, ``noise_category`` and ``noise_flag`` are independent of everything.
* ``call_duration_after`` is **leakage**: minutes of the sales call logged *after* the
  outcome (near zero for non-converters, about 36 minutes for converters). It nearly
  separates the target by itself and must not be used as a feature.

The base conversion rate is about 11 % and the best achievable ROC AUC without the leakage
column is about 0.83.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from revlearn.errors import SchemaError, short_list

__all__ = [
    "COUNTRIES",
    "LEAD_TRUTHS",
    "REFERENCE_DATE",
    "dirty_leads",
    "lead_log_odds",
    "make_leads",
]

logger = logging.getLogger(__name__)

REFERENCE_DATE = pd.Timestamp("2025-06-30")

_SOURCES = {
    "web": 0.0,
    "referral": 0.8,
    "paid_search": -0.2,
    "social": -0.5,
    "event": 0.3,
    "partner": 0.6,
}
_SOURCE_SHARE = [0.35, 0.12, 0.20, 0.13, 0.10, 0.10]
_SIZES = {"1-10": -0.5, "11-50": 0.0, "51-200": 0.25, "201-1000": 0.35, "1000+": 0.1}
_SIZE_SHARE = [0.22, 0.30, 0.24, 0.15, 0.09]
_SIZE_REVENUE = [0.5e6, 3e6, 15e6, 80e6, 500e6]
_INDUSTRIES = {
    "tech": 0.0,
    "retail": -0.3,
    "finance": 0.15,
    "health": -0.1,
    "manufacturing": -0.2,
    "education": -0.4,
}
_INDUSTRY_SHARE = [0.28, 0.15, 0.15, 0.14, 0.16, 0.12]
COUNTRIES = {
    "Germany": "DE",
    "France": "FR",
    "United Kingdom": "UK",
    "United States": "US",
    "Spain": "ES",
    "Netherlands": "NL",
    "Italy": "IT",
    "Sweden": "SE",
}
_COUNTRY_SHARE = [0.24, 0.14, 0.16, 0.18, 0.08, 0.08, 0.07, 0.05]

_DRIVERS = (
    "pricing_minutes",
    "source",
    "company_size",
    "industry",
    "demo_request",
    "webinar",
    "email_clicks",
)
_PRICING_COEF = 0.45
_INTERCEPT = -3.587

LEAD_TRUTHS: dict[str, Any] = {
    "intercept": _INTERCEPT,
    "pricing_minutes": _PRICING_COEF,
    "odds_multiplier_per_minute": float(np.exp(_PRICING_COEF)),
    "source": dict(_SOURCES),
    "company_size": dict(_SIZES),
    "industry": dict(_INDUSTRIES),
    "demo_request": 1.3,
    "webinar": 0.5,
    "email_clicks": 0.15,
    "no_effect": [
        "page_views",
        "email_opens",
        "days_since_first_touch",
        "annual_revenue",
        "country",
    ],
    "noise": ["noise_score", "noise_category", "noise_flag"],
    "leakage": "call_duration_after",
    "target": "converted",
    "probability_ratio_5_vs_1": float(
        (1 + np.exp(-(_INTERCEPT + _PRICING_COEF)))
        / (1 + np.exp(-(_INTERCEPT + 5 * _PRICING_COEF)))
    ),
    "reference_lead": {
        "company_size": "11-50",
        "industry": "tech",
        "source": "web",
        "demo_request": "no",
        "webinar": "no",
        "email_clicks": 0,
    },
}

_FIRST = [
    "Anna",
    "Lukas",
    "Marie",
    "Jonas",
    "Sophie",
    "Felix",
    "Emma",
    "Paul",
    "Clara",
    "Henrik",
    "Julia",
    "Mateo",
    "Chloe",
    "Oliver",
    "Isabel",
    "Noah",
    "Greta",
    "Liam",
    "Olga",
    "Pierre",
    "Camille",
    "Diego",
    "Lucia",
    "Sven",
    "Ingrid",
    "Thomas",
    "Fatima",
    "Omar",
    "Yuki",
    "Priya",
    "Raj",
    "Elena",
    "Marco",
    "Astrid",
    "Daniel",
    "Hannah",
    "Victor",
    "Zoe",
    "Kai",
    "Linnea",
    "Ahmed",
    "Leila",
    "Bruno",
    "Agnes",
    "Tobias",
    "Wim",
    "Ruth",
    "Frida",
    "Carlos",
    "Beatriz",
]
_LAST = [
    "Schmidt",
    "Dubois",
    "Smith",
    "Garcia",
    "Jansen",
    "Rossi",
    "Andersson",
    "Weber",
    "Martin",
    "Johnson",
    "Lopez",
    "de Vries",
    "Bianchi",
    "Nilsson",
    "Fischer",
    "Bernard",
    "Brown",
    "Moreno",
    "Bakker",
    "Ricci",
    "Lindqvist",
    "Wagner",
    "Laurent",
    "Taylor",
    "Navarro",
    "Visser",
    "Greco",
    "Holm",
    "Becker",
    "Petit",
    "Wilson",
    "Romero",
    "Mulder",
    "Conti",
    "Berg",
    "Hoffmann",
    "Girard",
    "Clarke",
    "Ortega",
    "Dekker",
    "Esposito",
    "Dahl",
    "Koch",
    "Morel",
    "Evans",
    "Iglesias",
    "Peeters",
    "Costa",
    "Lund",
    "Richter",
]
_COMPANY_HEAD = [
    "acme",
    "nova",
    "blue",
    "bright",
    "north",
    "pixel",
    "green",
    "cloud",
    "iron",
    "swift",
    "delta",
    "orbit",
    "prime",
    "lumen",
    "cedar",
    "vertex",
    "ember",
    "atlas",
    "harbor",
    "quartz",
]
_COMPANY_TAIL = [
    "soft",
    "works",
    "labs",
    "tek",
    "data",
    "ware",
    "logic",
    "systems",
    "media",
    "health",
    "retail",
    "foods",
    "bank",
    "learn",
    "motion",
]
_TLDS = ["com", "io", "de", "eu"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _yes_no(flags: np.ndarray) -> np.ndarray:
    return np.where(flags, "yes", "no")


def lead_log_odds(leads: pd.DataFrame) -> np.ndarray:
    """Compute the planted conversion log-odds of clean leads.

    Use it to check a lead-scoring model against the truth (for example its calibration),
    or to compute the exact effect of changing one column while holding the others fixed.

    Parameters
    ----------
    leads : pandas.DataFrame
        Clean leads (``make_company(dirty=False).leads``) or any frame with the columns
        ``pricing_minutes``, ``source``, ``company_size``, ``industry``, ``demo_request``,
        ``webinar`` and ``email_clicks`` holding the demo company's values.

    Returns
    -------
    numpy.ndarray
        One float per row: the log-odds of ``converted == "yes"``.

    Raises
    ------
    SchemaError
        If a needed column is absent or holds a value the demo company never produces
        (dirty frames hold such values; generate with ``dirty=False``).
    """
    missing = [c for c in _DRIVERS if c not in leads.columns]
    if missing:
        raise SchemaError(
            f"Column(s) {short_list(missing)} not found.",
            where="lead_log_odds",
            fix=f"Found: {short_list(leads.columns)}. Pass the demo leads.",
        )
    eta = (
        _INTERCEPT
        + _PRICING_COEF * leads["pricing_minutes"].to_numpy(dtype=float)
        + leads["source"].map(_SOURCES).to_numpy(dtype=float)
        + leads["company_size"].map(_SIZES).to_numpy(dtype=float)
        + leads["industry"].map(_INDUSTRIES).to_numpy(dtype=float)
        + 1.3 * (leads["demo_request"] == "yes").to_numpy(dtype=float)
        + 0.5 * (leads["webinar"] == "yes").to_numpy(dtype=float)
        + 0.15 * leads["email_clicks"].to_numpy(dtype=float)
    )
    if np.isnan(eta).any():
        bad = int(np.isnan(eta).sum())
        raise SchemaError(
            f"{bad} of {len(eta)} leads hold missing or unknown values.",
            where="lead_log_odds",
            fix="Pass clean leads: make_company(dirty=False).leads.",
        )
    return eta


def _contacts(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw contact names and e-mails; (first, last, domain) is unique per lead."""
    first = rng.integers(len(_FIRST), size=n)
    last = rng.integers(len(_LAST), size=n)
    head = rng.integers(len(_COMPANY_HEAD), size=n)
    tail = rng.integers(len(_COMPANY_TAIL), size=n)
    tld = rng.integers(len(_TLDS), size=n)
    key = (
        ((first * len(_LAST) + last) * len(_COMPANY_HEAD) + head) * len(_COMPANY_TAIL) + tail
    ) * len(_TLDS) + tld
    clash = pd.Series(key).duplicated().to_numpy()
    while clash.any():  # redraw the company of clashing contacts (rare, a few rounds)
        head[clash] = rng.integers(len(_COMPANY_HEAD), size=int(clash.sum()))
        tail[clash] = rng.integers(len(_COMPANY_TAIL), size=int(clash.sum()))
        tld[clash] = rng.integers(len(_TLDS), size=int(clash.sum()))
        key = (
            ((first * len(_LAST) + last) * len(_COMPANY_HEAD) + head) * len(_COMPANY_TAIL) + tail
        ) * len(_TLDS) + tld
        clash = pd.Series(key).duplicated().to_numpy()
    first_s = pd.Series(np.asarray(_FIRST, dtype=object)[first])
    last_s = pd.Series(np.asarray(_LAST, dtype=object)[last])
    domain = (
        pd.Series(np.asarray(_COMPANY_HEAD, dtype=object)[head])
        + pd.Series(np.asarray(_COMPANY_TAIL, dtype=object)[tail])
        + "."
        + pd.Series(np.asarray(_TLDS, dtype=object)[tld])
    )
    names = first_s + " " + last_s
    local = first_s.str.lower() + "." + last_s.str.lower().str.replace(" ", "", regex=False)
    return names.to_numpy(dtype=object), (local + "@" + domain).to_numpy(dtype=object)


def _engagement(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Draw the engagement columns from one shared latent engagement level."""
    level = rng.normal(size=n)
    visited = rng.random(n) < _sigmoid(-0.2 + 0.8 * level)
    minutes = np.round(visited * rng.gamma(1.6, 2.0, size=n), 1)
    opens = rng.poisson(np.exp(1.0 + 0.3 * level))
    return {
        "page_views": rng.poisson(np.exp(1.4 + 0.35 * level)) + 1,
        "pricing_minutes": minutes,
        "email_opens": opens,
        "email_clicks": rng.binomial(opens, 0.25),
        "webinar": _yes_no(rng.random(n) < _sigmoid(-1.9 + 0.4 * level)),
        "demo_request": _yes_no(rng.random(n) < _sigmoid(-2.2 + 0.6 * level)),
        "days_since_first_touch": np.round(rng.gamma(2.0, 15.0, size=n)).astype(np.int64),
    }


def make_leads(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """Generate clean leads following the planted truths of this module.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source; the same generator state gives the same frame.
    n : int
        Number of leads.

    Returns
    -------
    pandas.DataFrame
        One row per lead with the columns described in :func:`revlearn.data.synth.make_company`.
    """
    size_idx = rng.choice(len(_SIZES), size=n, p=_SIZE_SHARE)
    revenue = np.asarray(_SIZE_REVENUE)[size_idx] * rng.lognormal(0.0, 0.6, size=n)
    seconds = rng.integers(0, 548 * 86_400, size=n)
    names, emails = _contacts(rng, n)
    frame = pd.DataFrame(
        {
            "lead_id": pd.Series(np.arange(1, n + 1)).map("L{:06d}".format).to_numpy(),
            "created_at": REFERENCE_DATE - pd.to_timedelta(np.sort(seconds)[::-1], unit="s"),
            "contact_name": names,
            "email": emails,
            "source": rng.choice(list(_SOURCES), size=n, p=_SOURCE_SHARE),
            "company_size": np.asarray(list(_SIZES), dtype=object)[size_idx],
            "industry": rng.choice(list(_INDUSTRIES), size=n, p=_INDUSTRY_SHARE),
            "country": rng.choice(list(COUNTRIES), size=n, p=_COUNTRY_SHARE),
            "annual_revenue": np.round(revenue, -3),
            **_engagement(rng, n),
            "noise_score": np.round(rng.normal(50.0, 10.0, size=n), 2),
            "noise_category": rng.choice(["amber", "blue", "coral", "dune"], size=n),
            "noise_flag": rng.integers(0, 2, size=n),
        }
    )
    converted = rng.random(n) < _sigmoid(lead_log_odds(frame))
    call = np.where(
        converted,
        rng.gamma(6.0, 6.0, size=n),
        (rng.random(n) < 0.12) * rng.exponential(3.0, size=n),
    )
    frame["call_duration_after"] = np.round(call, 1)
    frame["converted"] = _yes_no(converted)
    frame = frame.astype(
        {
            c: object
            for c in (
                "source",
                "industry",
                "country",
                "noise_category",
                "webinar",
                "demo_request",
                "converted",
            )
        }
    )
    logger.debug("Generated %d leads, conversion rate %.3f", n, converted.mean())
    return frame


def _plant_duplicates(rng: np.random.Generator, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Overwrite two leads with re-entries of two others (in place); return the id pairs."""
    pos = rng.choice(len(frame), size=4, replace=False)
    source, copy = pos[:2], pos[2:]
    for col in frame.columns.drop(["lead_id", "created_at"]):
        values = frame[col].to_numpy(copy=True)
        values[copy] = values[source]
        frame[col] = values
    emails = frame["email"].to_numpy(copy=True)
    names = frame["contact_name"].to_numpy(copy=True)
    local, domain = str(emails[copy[0]]).split("@")
    emails[copy[0]] = f"{local.title()}@{domain}"
    first, last = str(names[copy[0]]).rsplit(" ", 1)
    names[copy[0]] = f"{first} {last[:-2]}{last[-1]}"  # "Schmidt" -> "Schmit"
    emails[copy[1]] = str(emails[copy[1]]).upper()
    frame["email"], frame["contact_name"] = emails, names
    ids = frame["lead_id"].to_numpy()
    return [(str(ids[s]), str(ids[c])) for s, c in zip(source, copy, strict=True)]


def dirty_leads(
    rng: np.random.Generator, leads: pd.DataFrame
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Add the mess of a real CRM export to clean leads.

    Two contacts are entered twice (a different ``lead_id``, the e-mail in another case, one
    name misspelt); 8 % of countries are written as variants (``"germany "``,
    ``"GERMANY"``, ``"DE"``); ``industry`` (3 %), ``company_size`` (2 %), ``page_views``
    (2 %) and ``annual_revenue`` (5 %) have blanks; ``annual_revenue`` is text with
    thousands separators (``"1,250,000"``).

    Parameters
    ----------
    rng : numpy.random.Generator
        The random source.
    leads : pandas.DataFrame
        Clean leads from :func:`make_leads`; not modified.

    Returns
    -------
    frame : pandas.DataFrame
        The dirty copy.
    duplicate_pairs : list of tuple of str
        ``(original lead_id, duplicate lead_id)`` for each planted duplicate contact.
    """
    frame = leads.copy()
    pairs = _plant_duplicates(rng, frame)
    n = len(frame)
    country = frame["country"]
    variants = np.select(
        [np.arange(n) % 3 == 0, np.arange(n) % 3 == 1],
        [country.str.lower() + " ", country.str.upper()],
        country.map(COUNTRIES),
    )
    frame["country"] = np.where(rng.random(n) < 0.08, variants, country)
    for col, rate in (("industry", 0.03), ("company_size", 0.02), ("page_views", 0.02)):
        frame[col] = frame[col].mask(rng.random(n) < rate)
    revenue = frame["annual_revenue"].map("{:,.0f}".format).astype(object)
    frame["annual_revenue"] = revenue.mask(rng.random(n) < 0.05)
    return frame, pairs
