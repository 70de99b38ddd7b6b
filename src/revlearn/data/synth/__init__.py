"""The embedded demo data: a seeded fictional B2B SaaS company with planted truths.

``make_company()`` returns leads (for lead scoring), customers (for churn), web-shop order
lines (for lifetime value, segments, market basket and fraud), the daily sales of a
seasonal product (for forecasting, with temperature, web visits, promotions and price as
signals) and CRM deals, closed and open (for the pipeline forecast), with effects planted on
purpose so that tests and tutorials can check that a model finds them; see
:mod:`revlearn.data.synth.leads`, :mod:`revlearn.data.synth.customers`,
:mod:`revlearn.data.synth.orders`, :mod:`revlearn.data.synth.sales` and
:mod:`revlearn.data.synth.deals` for the truths.
"""

from __future__ import annotations

from revlearn.data.synth.company import Company, make_company
from revlearn.data.synth.leads import lead_log_odds

__all__ = ["Company", "lead_log_odds", "make_company"]
