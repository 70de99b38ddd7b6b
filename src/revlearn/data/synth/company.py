"""The demo company: a seeded fictional business with leads, customers, orders, sales and deals.

:func:`make_company` draws every table from one seed (``numpy.random.SeedSequence``, one
child stream per table, so the number of leads does not change the customers). The dates
end at a fixed reference date (2025-06-30), never today's, so a seed always gives the same
frames. The planted truths are documented in :mod:`revlearn.data.synth.leads`,
:mod:`revlearn.data.synth.customers`, :mod:`revlearn.data.synth.orders` and
:mod:`revlearn.data.synth.sales` and :mod:`revlearn.data.synth.deals` and returned in
``Company.truths``.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.synth.campaigns import make_bandit_log, make_nba_history
from revlearn.data.synth.customers import CUSTOMER_TRUTHS, make_customers
from revlearn.data.synth.deals import make_deals
from revlearn.data.synth.interactions import make_interactions
from revlearn.data.synth.leads import LEAD_TRUTHS, REFERENCE_DATE, dirty_leads, make_leads
from revlearn.data.synth.orders import ORDER_TRUTHS, make_orders
from revlearn.data.synth.sales import make_sales
from revlearn.data.synth.text_extras import (
    make_call_transcripts,
    make_product_mentions,
    make_topic_texts,
)
from revlearn.data.synth.texts import make_reviews, make_tickets
from revlearn.errors import InputError, ParameterError, StoreError

__all__ = ["Company", "make_company"]

logger = logging.getLogger(__name__)

_MIN_ROWS = 10


@dataclass(frozen=True)
class Company:
    """The tables of the demo company and the truths planted in them.

    Parameters
    ----------
    leads : pandas.DataFrame
        One row per lead; target ``converted``.
    customers : pandas.DataFrame
        One row per subscription customer; target ``churned``.
    orders : pandas.DataFrame
        One row per web-shop order line (returns are negative lines).
    sales : pandas.DataFrame
        Daily sales of one seasonal product (``date``, ``units``, ``temperature``,
        ``web_visits``, ``promotion``, ``price``).
    deals : pandas.DataFrame
        One row per CRM opportunity, closed (``outcome`` won/lost) or open (``outcome``
        missing); see :mod:`revlearn.data.synth.deals`.
    interactions : pandas.DataFrame
        One row per B2B purchase (``user``, ``item``, ``quantity``, ``timestamp``) for the
        recommender; see :mod:`revlearn.data.synth.interactions`.
    catalogue : pandas.DataFrame
        The B2B products (``item``, ``category``, ``brand``, ``price``, ``description``).
    accounts : pandas.DataFrame
        The B2B buyers (``user``, ``segment``, ``company_size``).
    action_customers : pandas.DataFrame
        Customers of the next-best-action history (see
        :func:`revlearn.data.synth.campaigns.make_nba_history`).
    actions : pandas.DataFrame
        Past actions and responses (``customer_id``, ``action``, ``responded``).
    action_catalogue : pandas.DataFrame
        The actions with value, cost and eligibility.
    visits : pandas.DataFrame
        Logged visits of a randomised e-mail-subject test with propensities, for the
        contextual bandit (:func:`revlearn.data.synth.campaigns.make_bandit_log`).
    reviews : pandas.DataFrame
        Product reviews with planted aspect sentiment, a sentiment drop, empty and
        non-English texts (:func:`revlearn.data.synth.texts.make_reviews`).
    tickets : pandas.DataFrame
        Support tickets with their category (:func:`revlearn.data.synth.texts.make_tickets`).
    posts : pandas.DataFrame
        Social posts mentioning products and competitors, with misspellings
        (:func:`revlearn.data.synth.text_extras.make_product_mentions`).
    product_names : pandas.DataFrame
        The catalogue the mentions are matched against (product, brand, aliases,
        competitor).
    post_entities : pandas.DataFrame
        Labelled entity spans in the posts (for training the NER).
    feedback : pandas.DataFrame
        Customer feedback texts on planted topics, one of them rising
        (:func:`revlearn.data.synth.text_extras.make_topic_texts`).
    calls : pandas.DataFrame
        Sales-call transcripts, one row per utterance
        (:func:`revlearn.data.synth.text_extras.make_call_transcripts`).
    call_outcomes : pandas.DataFrame
        The deal outcome (won/lost) of each call.
    truths : dict
        ``{"leads": ..., "customers": ..., "orders": ..., "sales": ..., "reference_date": ...,
        "random_state": ..., "dirty": ...}``: the planted coefficients, the columns without
        effect, the leakage column, the planted duplicate contacts
        (``leads["duplicate_pairs"]``), the customers whose label carries the planted bias
        (``customers["flipped_ids"]``), and for the orders the BG/NBD parameters, shopper
        types, bundles and fraud orders (:mod:`revlearn.data.synth.orders`), and for the
        sales the planted coefficients, heatwave and promotion dates
        (:mod:`revlearn.data.synth.sales`), and for the deals the planted win-odds
        coefficients, close-date lags and the hidden outcomes of the open deals
        (``truths["deals"]``, :mod:`revlearn.data.synth.deals`).
    """

    leads: pd.DataFrame
    customers: pd.DataFrame
    orders: pd.DataFrame
    sales: pd.DataFrame
    deals: pd.DataFrame
    interactions: pd.DataFrame
    catalogue: pd.DataFrame
    accounts: pd.DataFrame
    action_customers: pd.DataFrame
    actions: pd.DataFrame
    action_catalogue: pd.DataFrame
    visits: pd.DataFrame
    reviews: pd.DataFrame
    tickets: pd.DataFrame
    posts: pd.DataFrame
    product_names: pd.DataFrame
    post_entities: pd.DataFrame
    feedback: pd.DataFrame
    calls: pd.DataFrame
    call_outcomes: pd.DataFrame
    truths: dict[str, Any] = field(repr=False)

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write each table as a CSV file (``leads.csv``, ``customers.csv`` ... ``deals.csv``).

        Parameters
        ----------
        directory : str or Path
            Folder to write into; created if absent. Existing files of the same names are
            replaced.

        Returns
        -------
        dict of str to Path
            One path per table: ``leads``, ``customers``, ``orders``, ``sales``, ``deals``,
            ``interactions``, ``catalogue``, ``accounts``, ``action_customers``,
            ``actions``, ``action_catalogue``, ``visits``, ``reviews``, ``tickets``,
            ``posts``, ``product_names``, ``post_entities``, ``feedback``, ``calls`` and
            ``call_outcomes``.

        Raises
        ------
        InputError
            If ``directory`` is an existing file.
        StoreError
            If the files cannot be written (permissions, full disk).
        """
        folder = Path(directory)
        if folder.exists() and not folder.is_dir():
            raise InputError(
                f"{str(folder)!r} is a file, not a folder.",
                where="Company.write",
                fix="Pass a folder path.",
            )
        tables = {
            "leads": self.leads,
            "customers": self.customers,
            "orders": self.orders,
            "sales": self.sales,
            "deals": self.deals,
            "interactions": self.interactions,
            "catalogue": self.catalogue,
            "accounts": self.accounts,
            "action_customers": self.action_customers,
            "actions": self.actions,
            "action_catalogue": self.action_catalogue,
            "visits": self.visits,
            "reviews": self.reviews,
            "tickets": self.tickets,
            "posts": self.posts,
            "product_names": self.product_names,
            "post_entities": self.post_entities,
            "feedback": self.feedback,
            "calls": self.calls,
            "call_outcomes": self.call_outcomes,
        }
        paths = {name: folder / f"{name}.csv" for name in tables}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for name, table in tables.items():
                table.to_csv(paths[name], index=False)
        except OSError as err:
            raise StoreError(
                f"Could not write the demo tables: {err}.",
                where=str(folder),
                fix="Choose a writable folder with free space.",
            ) from err
        logger.info(
            "Wrote %d leads, %d customers, %d order lines, %d days of sales and %d deals to %s",
            len(self.leads),
            len(self.customers),
            len(self.orders),
            len(self.sales),
            len(self.deals),
            folder,
        )
        return paths


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < _MIN_ROWS:
        raise ParameterError(
            f"{name}={value!r} is not a whole number of at least {_MIN_ROWS}.",
            where=f"make_company({name}=...)",
            fix=f"Pass an integer >= {_MIN_ROWS}, e.g. {name}=5000.",
        )
    return int(value)


def make_company(
    *,
    n_leads: int = 5000,
    n_customers: int = 4000,
    n_shoppers: int = 3000,
    n_sales_days: int = 3 * 365,
    n_deals: int = 3000,
    random_state: int = 0,
    dirty: bool = True,
) -> Company:
    """Generate the demo company: leads, customers, orders, sales and deals with truths.

    Use it to try revlearn without data of your own, and in tests to check that a model
    recovers what was planted. Generation is vectorised (40,000 leads take well under a
    second).

    Parameters
    ----------
    n_leads : int, default=5000
        Number of leads (at least 10).
    n_customers : int, default=4000
        Number of subscription customers (at least 10).
    n_shoppers : int, default=3000
        Number of web-shop customers whose order lines make ``orders`` (at least 10;
        about 9 lines each).
    n_sales_days : int, default=1095
        Days of daily sales of the seasonal product (at least 10; three years by default),
        ending on the reference date.
    n_deals : int, default=3000
        Number of CRM deals created in the two years before the reference date (at least
        10; about 12 % are still open on it).
    random_state : int, default=0
        Seed; the same seed gives identical frames, another seed different ones.
    dirty : bool, default=True
        Add the mess of a real CRM export to the leads: two contacts entered twice,
        country spelling variants, blanks, revenue stored as text (see
        :func:`revlearn.data.synth.leads.dirty_leads`). ``False`` gives clean leads.

    Returns
    -------
    Company
        ``leads`` columns: ``lead_id``, ``created_at``, ``contact_name``, ``email``,
        ``source``, ``company_size``, ``industry``, ``country``, ``annual_revenue``,
        ``page_views``, ``pricing_minutes``, ``email_opens``, ``email_clicks``,
        ``webinar``, ``demo_request``, ``days_since_first_touch``, ``noise_score``,
        ``noise_category``, ``noise_flag``, ``call_duration_after`` (leakage) and the
        target ``converted`` (``"yes"``/``"no"``). ``customers`` columns:
        ``customer_id``, ``signup_date``, ``tenure_months``, ``plan``, ``contract``,
        ``monthly_charge``, ``price_rise``, ``usage_trend``, ``support_tickets``, ``nps``,
        ``payment_method``, ``seats``, ``region``, ``gender`` (sensitive),
        ``noise_score``, ``noise_category`` and the target ``churned``. ``orders``
        columns: ``order_id``, ``customer_id``, ``ordered_at``, ``channel``, ``product``,
        ``category``, ``quantity``, ``unit_price``, ``amount``. ``sales`` columns:
        ``date``, ``units``, ``temperature``, ``web_visits``, ``promotion``, ``price``.
        ``deals`` columns: ``deal_id``, ``created_at``, ``stage``, ``amount``, ``owner``,
        ``source``, ``segment``, ``age_days``, ``activities_30d``, ``expected_close``,
        ``closed_at``, ``outcome``.

    Raises
    ------
    ParameterError
        If a count is not an integer of at least 10 or ``random_state`` is negative.

    Examples
    --------
    >>> from revlearn.data.synth import make_company
    >>> company = make_company(n_leads=1000, n_customers=500, n_shoppers=200, random_state=0)
    >>> company.leads.shape, company.customers.shape, company.orders.shape[1]
    ((1000, 21), (500, 17), 9)
    >>> company.sales.shape
    (1095, 6)
    >>> round(company.truths["leads"]["odds_multiplier_per_minute"], 2)
    1.57
    """
    n_leads = _check_count(n_leads, "n_leads")
    n_customers = _check_count(n_customers, "n_customers")
    n_shoppers = _check_count(n_shoppers, "n_shoppers")
    n_sales_days = _check_count(n_sales_days, "n_sales_days")
    n_deals = _check_count(n_deals, "n_deals")
    if isinstance(random_state, bool) or not isinstance(random_state, int) or random_state < 0:
        raise ParameterError(
            f"random_state={random_state!r} is not a non-negative integer.",
            where="make_company(random_state=...)",
            fix="Pass a seed such as random_state=0.",
        )
    # A new table takes a new child at the end, so the older tables stay the same per seed.
    seeds = np.random.SeedSequence(random_state).spawn(14)
    lead_seed, customer_seed, dirt_seed, order_seed, sales_seed, deal_seed = seeds[:6]
    shop_seed, action_seed, visit_seed, review_seed, ticket_seed = seeds[6:11]
    post_seed, topic_seed, call_seed = seeds[11:]
    leads = make_leads(np.random.default_rng(lead_seed), n_leads)
    customers, flipped = make_customers(np.random.default_rng(customer_seed), n_customers)
    orders, order_truths = make_orders(np.random.default_rng(order_seed), n_shoppers)
    sales, sales_truths = make_sales(np.random.default_rng(sales_seed), n_days=n_sales_days)
    deals, deal_truths = make_deals(np.random.default_rng(deal_seed), n_deals)
    interactions, catalogue, accounts, shop_truths = make_interactions(
        np.random.default_rng(shop_seed)
    )
    nba, nba_truths = make_nba_history(np.random.default_rng(action_seed))
    visits, visit_truths = make_bandit_log(np.random.default_rng(visit_seed))
    reviews, review_truths = make_reviews(np.random.default_rng(review_seed))
    tickets, ticket_truths = make_tickets(np.random.default_rng(ticket_seed))
    (names, posts, entities), post_truths = make_product_mentions(np.random.default_rng(post_seed))
    feedback, topic_truths = make_topic_texts(np.random.default_rng(topic_seed))
    (calls, outcomes), call_truths = make_call_transcripts(np.random.default_rng(call_seed))
    pairs: list[tuple[str, str]] = []
    if dirty:
        leads, pairs = dirty_leads(np.random.default_rng(dirt_seed), leads)
    truths = {
        "leads": {**copy.deepcopy(LEAD_TRUTHS), "duplicate_pairs": pairs},
        "customers": {**copy.deepcopy(CUSTOMER_TRUTHS), "flipped_ids": flipped},
        "orders": {**copy.deepcopy(ORDER_TRUTHS), **order_truths},
        "sales": copy.deepcopy(sales_truths),
        "deals": deal_truths,
        "interactions": shop_truths,
        "actions": nba_truths,
        "visits": visit_truths,
        "reviews": review_truths,
        "tickets": ticket_truths,
        "posts": post_truths,
        "feedback": topic_truths,
        "calls": call_truths,
        "reference_date": REFERENCE_DATE.isoformat(),
        "random_state": random_state,
        "dirty": dirty,
    }
    logger.info(
        "Generated the demo company: %d leads, %d customers (seed %d, dirty=%s)",
        n_leads,
        n_customers,
        random_state,
        dirty,
    )
    return Company(
        leads=leads,
        customers=customers,
        orders=orders,
        sales=sales,
        deals=deals,
        interactions=interactions,
        catalogue=catalogue,
        accounts=accounts,
        action_customers=nba["customers"],
        actions=nba["history"],
        action_catalogue=nba["catalogue"],
        visits=visits,
        reviews=reviews,
        tickets=tickets,
        posts=posts,
        product_names=names,
        post_entities=entities,
        feedback=feedback,
        calls=calls,
        call_outcomes=outcomes,
        truths=truths,
    )
