"""Customer lifetime value: the BG/NBD purchase model and the Gamma–Gamma spend model.

The BG/NBD model (Fader, Hardie & Lee 2005) describes each customer by a purchase rate λ
(Gamma(r, α) across customers) and a probability p of dropping out after each repeat
purchase (Beta(a, b) across customers). Fitted on the RFM summary of
:func:`revlearn.data.rfm.rfm_summary` it predicts how many purchases each customer will
make in the coming periods and how likely they are to still be active. The Gamma–Gamma
model (Fader & Hardie 2013) shrinks each customer's mean spend towards the population
mean; the two combine into :func:`clv`.

Both fits are maximum likelihood on the log-parameters with L-BFGS-B, using a vectorised
likelihood and its analytic gradient; customers with the same summary are fitted once with
a weight, so millions of customers fit in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, expit, gammaln, hyp2f1

from revlearn.errors import InputError, ParameterError

__all__ = [
    "BGNBDParams",
    "GammaGammaParams",
    "bgnbd_expected_purchases",
    "bgnbd_prob_alive",
    "clv",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
]

_OPTIONS = {"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}
_LOG_BOUNDS = (-15.0, 15.0)  # parameters between 3e-7 and 3e6


@dataclass(frozen=True, slots=True)
class BGNBDParams:
    """Fitted BG/NBD parameters.

    Parameters
    ----------
    r : float
        Shape of the Gamma distribution of purchase rates.
    alpha : float
        Scale of that Gamma distribution, in periods (mean rate ``r / alpha``).
    a : float
        First shape of the Beta distribution of dropout probabilities.
    b : float
        Second shape of that Beta distribution (mean dropout ``a / (a + b)``).
    log_likelihood : float
        Total log-likelihood of the fitted customers.
    n_customers : int
        Customers fitted.
    converged : bool
        Whether the optimiser reported convergence.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a JSON-ready mapping.

        Returns
        -------
        dict
            Keys ``r``, ``alpha``, ``a``, ``b``, ``log_likelihood``, ``n_customers`` and
            ``converged``.
        """
        return {
            "r": self.r,
            "alpha": self.alpha,
            "a": self.a,
            "b": self.b,
            "log_likelihood": self.log_likelihood,
            "n_customers": self.n_customers,
            "converged": self.converged,
        }


@dataclass(frozen=True, slots=True)
class GammaGammaParams:
    """Fitted Gamma–Gamma spend parameters.

    Parameters
    ----------
    p : float
        Shape of the Gamma distribution of a transaction's value given the customer.
    q : float
        Shape of the Gamma distribution of the customers' scale parameters.
    v : float
        Scale of that distribution; the population mean spend is ``p * v / (q - 1)``.
    log_likelihood : float
        Total log-likelihood of the fitted customers.
    n_customers : int
        Customers fitted (those with at least one repeat purchase).
    converged : bool
        Whether the optimiser reported convergence.
    """

    p: float
    q: float
    v: float
    log_likelihood: float
    n_customers: int
    converged: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the parameters as a JSON-ready mapping.

        Returns
        -------
        dict
            Keys ``p``, ``q``, ``v``, ``log_likelihood``, ``n_customers`` and ``converged``.
        """
        return {
            "p": self.p,
            "q": self.q,
            "v": self.v,
            "log_likelihood": self.log_likelihood,
            "n_customers": self.n_customers,
            "converged": self.converged,
        }


def fit_bgnbd(frequency: Any, recency: Any, T: Any, *, penalizer: float = 0.0) -> BGNBDParams:
    """Fit the BG/NBD model by maximum likelihood.

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases per customer (``frequency`` of :func:`revlearn.data.rfm_summary`).
    recency : array-like of float
        Time from the first to the last purchase (0 when ``frequency`` is 0).
    T : array-like of float
        Time from the first purchase to the end of the calibration period.
    penalizer : float, default=0.0
        L2 penalty ``penalizer * (r² + α² + a² + b²)`` added to the mean negative
        log-likelihood; a small value (0.001) stabilises fits on tiny samples.

    Returns
    -------
    BGNBDParams
        The fitted parameters, the log-likelihood and whether the optimiser converged.

    Raises
    ------
    InputError
        If the arrays are empty, of different lengths, not finite, or inconsistent
        (negative or fractional frequency, recency outside ``[0, T]``, recency > 0 with
        no repeat purchase).
    ParameterError
        If ``penalizer`` is negative.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers"
       the easy way: an alternative to the Pareto/NBD model. Marketing Science 24(2),
       275–284 (likelihood: equation 6).
    """
    x, t_x, big_t = _check_rfm(frequency, recency, T, "fit_bgnbd")
    _check_nonnegative(penalizer, "penalizer", "fit_bgnbd")
    rows, weights = _aggregate(np.column_stack([x, t_x, big_t]))
    (r, alpha, a, b), ll, converged = _maximise(
        lambda params: _bgnbd_loglik(params, rows[:, 0], rows[:, 1], rows[:, 2]),
        weights,
        n_params=4,
        penalizer=penalizer,
    )
    return BGNBDParams(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        log_likelihood=ll,
        n_customers=int(weights.sum()),
        converged=converged,
    )


def bgnbd_expected_purchases(
    params: BGNBDParams, t: float, frequency: Any, recency: Any, T: Any
) -> np.ndarray:
    """Expected purchases of each customer in the next ``t`` periods.

    Parameters
    ----------
    params : BGNBDParams
        A fitted model (``a`` must not be exactly 1, where the formula is 0/0).
    t : float
        Length of the forecast window, in the time unit of the summary (≥ 0).
    frequency : array-like of int
        Repeat purchases per customer in the calibration period.
    recency : array-like of float
        Time from the first to the last purchase.
    T : array-like of float
        Time from the first purchase to the end of the calibration period.

    Returns
    -------
    numpy.ndarray
        One expected count per customer.

    Raises
    ------
    InputError
        If the summary arrays are inconsistent (see :func:`fit_bgnbd`).
    ParameterError
        If ``t`` is negative.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), equation 10.
    """
    x, t_x, big_t = _check_rfm(frequency, recency, T, "bgnbd_expected_purchases")
    _check_nonnegative(t, "t", "bgnbd_expected_purchases")
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + big_t + t)  # in [0, 1): inside the convergence domain of 2F1
    ratio = np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t)))
    hyp = hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    numerator = (a + b + x - 1.0) / (a - 1.0) * (1.0 - ratio * hyp)
    return np.asarray(numerator * bgnbd_prob_alive(params, x, t_x, big_t), dtype=float)


def bgnbd_prob_alive(params: BGNBDParams, frequency: Any, recency: Any, T: Any) -> np.ndarray:
    """Probability that each customer is still active at the end of the calibration period.

    Parameters
    ----------
    params : BGNBDParams
        A fitted model.
    frequency : array-like of int
        Repeat purchases per customer.
    recency : array-like of float
        Time from the first to the last purchase.
    T : array-like of float
        Time from the first purchase to the end of the calibration period.

    Returns
    -------
    numpy.ndarray
        ``1 / (1 + [x > 0] a / (b + x - 1) ((α + T) / (α + t_x))^(r + x))`` per customer:
        1 for customers without a repeat purchase (the model lets customers drop out only
        right after a repeat purchase), lower the longer since the last purchase.

    Raises
    ------
    InputError
        If the summary arrays are inconsistent (see :func:`fit_bgnbd`).

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers"
       the easy way. Marketing Science 24(2), 275–284.
    """
    x, t_x, big_t = _check_rfm(frequency, recency, T, "bgnbd_prob_alive")
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    log_odds = np.full(x.shape, -np.inf)
    xr = x[repeat]
    log_odds[repeat] = (
        np.log(a)
        - np.log(b + xr - 1.0)
        + (r + xr) * (np.log(alpha + big_t[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return np.asarray(expit(-log_odds), dtype=float)


def fit_gamma_gamma(frequency: Any, monetary: Any, *, penalizer: float = 0.0) -> GammaGammaParams:
    """Fit the Gamma–Gamma spend model on the customers with a repeat purchase.

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases per customer; customers with 0 are left out of the fit.
    monetary : array-like of float
        Mean spend per repeat purchase (``monetary`` of :func:`revlearn.data.rfm_summary`);
        customers with a repeat purchase must have a positive value.
    penalizer : float, default=0.0
        L2 penalty ``penalizer * (p² + q² + v²)`` added to the mean negative log-likelihood.

    Returns
    -------
    GammaGammaParams
        The fitted parameters, the log-likelihood and whether the optimiser converged.

    Raises
    ------
    InputError
        If the arrays differ in length or are not finite, no customer has a repeat
        purchase, or one with a repeat purchase has a spend of 0 or less.
    ParameterError
        If ``penalizer`` is negative.

    References
    ----------
    .. [1] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary
       value. http://www.brucehardie.com/notes/025/
    """
    x, m = _check_spend(frequency, monetary, "fit_gamma_gamma")
    _check_nonnegative(penalizer, "penalizer", "fit_gamma_gamma")
    keep = x > 0
    if not keep.any():
        raise InputError(
            "No customer has a repeat purchase, so there is no spend to fit.",
            where="fit_gamma_gamma(frequency=...)",
            fix="Use a longer calibration period or more customers.",
        )
    if (m[keep] <= 0).any():
        raise InputError(
            f"{int((m[keep] <= 0).sum()):,} customers with a repeat purchase have a mean "
            "spend of 0 or less.",
            where="fit_gamma_gamma(monetary=...)",
            fix="Leave them out or compute monetary with rfm_summary(amount_col=...).",
        )
    rows, weights = _aggregate(np.column_stack([x[keep], m[keep]]))
    (p, q, v), ll, converged = _maximise(
        lambda params: _gamma_gamma_loglik(params, rows[:, 0], rows[:, 1]),
        weights,
        n_params=3,
        penalizer=penalizer,
    )
    return GammaGammaParams(
        p=p,
        q=q,
        v=v,
        log_likelihood=ll,
        n_customers=int(weights.sum()),
        converged=converged,
    )


def _maximise(
    loglik: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    weights: np.ndarray,
    *,
    n_params: int,
    penalizer: float,
) -> tuple[list[float], float, bool]:
    """Maximum likelihood on log-parameters with the analytic gradient (L-BFGS-B).

    ``loglik(params)`` returns the per-row log-likelihoods and their gradients with respect
    to the parameters; rows are weighted (identical customers fitted once). Returns the
    parameters, the total log-likelihood and whether the optimiser converged.
    """
    total = float(weights.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        params = np.exp(theta)
        ll, grad = loglik(params)
        value = -float(weights @ ll) / total + penalizer * float(params @ params)
        gradient = -(weights @ grad) / total * params + 2.0 * penalizer * params * params
        return value, gradient

    result = minimize(
        objective,
        np.zeros(n_params),
        jac=True,
        method="L-BFGS-B",
        bounds=[_LOG_BOUNDS] * n_params,
        options=_OPTIONS,
    )
    ll, _ = loglik(np.exp(result.x))
    return [float(v) for v in np.exp(result.x)], float(weights @ ll), bool(result.success)


def gamma_gamma_expected_spend(
    params: GammaGammaParams, frequency: Any, monetary: Any
) -> np.ndarray:
    """Expected spend per purchase of each customer, shrunk towards the population mean.

    Parameters
    ----------
    params : GammaGammaParams
        A fitted model; ``q`` must be above 1 for the mean spend to exist.
    frequency : array-like of int
        Repeat purchases per customer.
    monetary : array-like of float
        Mean spend per repeat purchase (ignored when ``frequency`` is 0).

    Returns
    -------
    numpy.ndarray
        ``p (v + x m) / (p x + q - 1)`` per customer: a weighted average of the customer's
        own mean and the population mean ``p v / (q - 1)``, which customers without a
        repeat purchase get.

    Raises
    ------
    InputError
        If the arrays differ in length or are not finite.
    ParameterError
        If ``params.q`` is 1 or less.

    References
    ----------
    .. [1] Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary
       value, equation 5.
    """
    x, m = _check_spend(frequency, monetary, "gamma_gamma_expected_spend")
    p, q, v = params.p, params.q, params.v
    if q <= 1.0:
        raise ParameterError(
            f"The fitted q is {q:.4g}; the mean spend exists only for q > 1.",
            where="gamma_gamma_expected_spend(params=...)",
            fix="Refit on more customers or with a small penalizer.",
        )
    return np.asarray(p * (v + x * np.where(x > 0, m, 0.0)) / (p * x + q - 1.0), dtype=float)


def clv(
    bgnbd: BGNBDParams,
    gg: GammaGammaParams,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary: Any,
    *,
    horizon_periods: int,
    margin: float = 1.0,
    discount_rate_per_period: float = 0.0,
) -> np.ndarray:
    """Discounted expected profit of each customer over the next ``horizon_periods``.

    Parameters
    ----------
    bgnbd : BGNBDParams
        The fitted purchase model.
    gg : GammaGammaParams
        The fitted spend model.
    frequency : array-like of int
        Repeat purchases per customer.
    recency : array-like of float
        Time from the first to the last purchase.
    T : array-like of float
        Time from the first purchase to the end of the calibration period.
    monetary : array-like of float
        Mean spend per repeat purchase.
    horizon_periods : int
        Periods ahead to value (in the time unit of the summary, e.g. 52 weeks).
    margin : float, default=1.0
        Share of the spend that is profit.
    discount_rate_per_period : float, default=0.0
        Discount rate per period; purchases in period ``i`` are divided by ``(1 + d)^i``.

    Returns
    -------
    numpy.ndarray
        ``Σ_i (E[purchases by i] − E[purchases by i − 1]) × expected spend × margin /
        (1 + d)^i`` per customer, for ``i = 1 .. horizon_periods``.

    Raises
    ------
    InputError
        If the summary arrays are inconsistent (see :func:`fit_bgnbd`).
    ParameterError
        If ``horizon_periods`` is not a whole number ≥ 1, or ``margin`` or
        ``discount_rate_per_period`` is negative.

    References
    ----------
    .. [1] Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using
       iso-value curves for customer base analysis. Journal of Marketing Research 42(4).
    """
    where = "clv"
    if (
        isinstance(horizon_periods, bool)
        or not isinstance(horizon_periods, (int, np.integer))
        or horizon_periods < 1
    ):
        raise ParameterError(
            f"horizon_periods must be a whole number of at least 1, got {horizon_periods!r}.",
            where=f"{where}(horizon_periods=...)",
            fix="Pass e.g. horizon_periods=52 for a year in weeks.",
        )
    _check_nonnegative(margin, "margin", where)
    _check_nonnegative(discount_rate_per_period, "discount_rate_per_period", where)
    spend = gamma_gamma_expected_spend(gg, frequency, monetary)
    value = np.zeros_like(spend)
    previous = np.zeros_like(spend)
    for i in range(1, int(horizon_periods) + 1):
        cumulative = bgnbd_expected_purchases(bgnbd, float(i), frequency, recency, T)
        value += (cumulative - previous) / (1.0 + discount_rate_per_period) ** i
        previous = cumulative
    return np.asarray(value * spend * margin, dtype=float)


def _bgnbd_loglik(
    params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row log-likelihood and its gradient in (r, α, a, b), shape (n, 4)."""
    r, alpha, a, b = params
    repeat = x > 0
    log_t, log_tx = np.log(alpha + big_t), np.log(alpha + t_x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * log_t
    b_x1 = np.where(repeat, b + x - 1.0, 1.0)  # placeholder 1 where x = 0 (term unused)
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * log_tx, -np.inf)
    mix = np.logaddexp(a3, a4)
    w3, w4 = np.exp(a3 - mix), np.exp(a4 - mix)
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + x)
    grad = np.column_stack(
        [
            digamma(r + x) - digamma(r) + np.log(alpha) - w3 * log_t - w4 * log_tx,
            r / alpha - (r + x) * (w3 / (alpha + big_t) + w4 / (alpha + t_x)),
            psi_ab - psi_abx + w4 / a,
            psi_ab + digamma(b + x) - digamma(b) - psi_abx - w4 / b_x1,
        ]
    )
    return a1 + a2 + mix, grad


def _gamma_gamma_loglik(
    params: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row log-likelihood of the mean spends and its gradient in (p, q, v)."""
    p, q, v = params
    px = p * x
    log_total = np.log(x * m + v)
    psi = digamma(px + q)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_total
    )
    grad = np.column_stack(
        [
            x * (psi - digamma(px) + np.log(m) + np.log(x) - log_total),
            psi - digamma(q) + np.log(v) - log_total,
            q / v - (px + q) / (x * m + v),
        ]
    )
    return ll, grad


def _aggregate(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct rows and how many times each occurs."""
    unique, counts = np.unique(rows, axis=0, return_counts=True)
    return unique, counts.astype(float)


def _as_vector(values: Any, name: str, where: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name} must hold numbers.",
            where=f"{where}({name}=...)",
            fix="Pass the column of rfm_summary.",
        ) from exc
    if not np.isfinite(array).all():
        raise InputError(
            f"{name} holds {int((~np.isfinite(array)).sum()):,} missing or infinite values.",
            where=f"{where}({name}=...)",
            fix="Drop those customers or recompute the summary with rfm_summary.",
        )
    return array


def _check_rfm(
    frequency: Any, recency: Any, T: Any, where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return frequency, recency and T as float vectors after checking they are a summary."""
    x = _as_vector(frequency, "frequency", where)
    t_x = _as_vector(recency, "recency", where)
    big_t = _as_vector(T, "T", where)
    if not len(x) == len(t_x) == len(big_t) or len(x) == 0:
        raise InputError(
            f"frequency, recency and T must be non-empty and of one length, got "
            f"{len(x)}, {len(t_x)} and {len(big_t)}.",
            where=where,
            fix="Pass the columns of one rfm_summary table.",
        )
    problems = {
        "frequency is negative or not a whole number": (x < 0) | (x != np.round(x)),
        "recency is negative or above T": (t_x < 0) | (t_x > big_t),
        "recency is above 0 with no repeat purchase": (x == 0) & (t_x > 0),
    }
    for message, bad in problems.items():
        if bad.any():
            raise InputError(
                f"For {int(bad.sum()):,} customers {message}, e.g. row {int(np.argmax(bad))}.",
                where=where,
                fix="Compute the summary with rfm_summary and pass its columns unchanged.",
            )
    return x, t_x, big_t


def _check_spend(frequency: Any, monetary: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    x = _as_vector(frequency, "frequency", where)
    m = _as_vector(monetary, "monetary", where)
    if len(x) != len(m) or len(x) == 0:
        raise InputError(
            f"frequency and monetary must be non-empty and of one length, got {len(x)} "
            f"and {len(m)}.",
            where=where,
            fix="Pass the columns of one rfm_summary table.",
        )
    return x, m


def _check_nonnegative(value: float, name: str, where: str) -> None:
    if not np.isfinite(value) or value < 0:
        raise ParameterError(
            f"{name} must be a number of at least 0, got {value!r}.",
            where=f"{where}({name}=...)",
            fix=f"Pass {name}=0 or a positive number.",
        )
