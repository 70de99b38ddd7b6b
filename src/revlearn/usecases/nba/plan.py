"""The plan of next best action: the catalogue, eligibility, the allocation and reasons.

The allocation is greedy by expected value over all (customer, action) pairs that pay off,
within the per-action budgets and a contact cap; a few lines of numpy (a linear-programming
solver would only matter with several interacting constraints per customer, which this use
case does not have).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, SchemaError, short_list

__all__: list[str] = []


class ActionPlanning:
    """Mixin of :class:`~revlearn.usecases.nba.NextBestAction`: catalogue and allocation."""

    actions_: list[str]
    action_values_: list[float | str]
    action_costs_: list[float]
    eligible_rules_: list[str]
    budgets_: list[int | None]
    response_phrases_: list[str]
    action_col: str
    value_col: str | None
    nothing_action: str
    cross_sell_action: str
    max_contacts: int | float | None
    holdout_share: float

    def _catalogue(self, data: Any, customers: pd.DataFrame, where: str) -> None:
        frame = as_pandas(data, where=f"{where}(catalogue)")
        check_columns(
            frame,
            [self.action_col, "value", "cost"],
            where=f"{where}(catalogue)",
            hint="The catalogue needs per action a 'value' per response (a number or a "
            "customer column) and a 'cost' per contact.",
        )
        actions = frame[self.action_col].astype(str).tolist()
        if len(set(actions)) < len(actions):
            raise InputError(
                "The catalogue lists an action twice.",
                where=f"{where}(catalogue)",
                fix="Give one row per action.",
            )
        values: list[float | str] = []
        for action, value in zip(actions, frame["value"], strict=True):
            number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
            if pd.notna(number):
                values.append(float(number))
            elif isinstance(value, str) and value in customers.columns:
                values.append(value)
            elif value == "observed" and self.value_col is not None:
                values.append(value)  # resolved from the history's value column
            else:
                raise SchemaError(
                    f"The value of action {action!r} is {value!r}: neither a number nor a "
                    "customer column.",
                    where=f"{where}(catalogue, column='value')",
                    fix="Give the value of a response as a number, name the customer "
                    "column that holds it (e.g. 'value' for a retention call), or write "
                    "'observed' and pass value_col (the history's value column).",
                )
        cost = pd.to_numeric(frame["cost"], errors="coerce")
        if cost.isna().any() or (cost < 0).any():
            raise SchemaError(
                "Every action needs a cost ≥ 0 (0 for free actions); found "
                f"{short_list(frame['cost'][cost.isna() | (cost < 0)].tolist())}.",
                where=f"{where}(catalogue, column='cost')",
                fix="Fill the 'cost' column with numbers.",
            )
        rules = frame["eligible"] if "eligible" in frame.columns else pd.Series([""] * len(frame))
        budget = frame["budget"] if "budget" in frame.columns else pd.Series([np.nan] * len(frame))
        budget = pd.to_numeric(budget, errors="coerce")
        self.actions_ = actions
        self.action_values_ = values
        self.action_costs_ = cost.astype(float).tolist()
        self.eligible_rules_ = ["" if pd.isna(r) else str(r).strip() for r in rules]
        self.budgets_ = [None if pd.isna(b) else int(b) for b in budget]
        phrases = frame["response"] if "response" in frame.columns else pd.Series([""] * len(frame))
        self.response_phrases_ = [
            "of a response" if pd.isna(r) or not str(r).strip() else str(r).strip() for r in phrases
        ]
        self._eligibility(customers, where)  # fail early on a bad rule
        if self.nothing_action not in self.actions_:
            self.actions_.append(self.nothing_action)
            self.action_values_.append(0.0)
            self.action_costs_.append(0.0)
            self.eligible_rules_.append("")
            self.budgets_.append(None)
            self.response_phrases_.append("of a response")

    def _eligibility(self, customers: pd.DataFrame, where: str) -> np.ndarray:
        out = np.ones((len(customers), len(self.actions_)), dtype=bool)
        for j, rule in enumerate(self.eligible_rules_):
            if not rule:
                continue
            try:
                if rule in customers.columns:
                    mask = customers[rule].fillna(False).astype(bool).to_numpy()
                else:
                    mask = np.asarray(customers.eval(rule), dtype=bool)
            except Exception as err:  # pandas raises many types for a bad expression
                raise SchemaError(
                    f"The eligibility rule {rule!r} of action {self.actions_[j]!r} cannot be "
                    f"evaluated on the customer table ({type(err).__name__}: {err}).",
                    where=f"{where}(catalogue, column='eligible')",
                    fix="Write a pandas query over the customer columns (e.g. "
                    "'tenure_months >= 3 and region == \"north\"') or name a 0/1 column.",
                ) from err
            if mask.shape != (len(customers),):
                raise SchemaError(
                    f"The eligibility rule {rule!r} does not give one yes/no per customer.",
                    where=f"{where}(catalogue, column='eligible')",
                    fix="Use a comparison, e.g. 'tenure_months >= 3'.",
                )
            out[:, j] = mask
        return out

    def _contact_cap(self, n: int) -> int:
        cap = self.max_contacts
        if cap is None:
            return n
        if isinstance(cap, float):
            return int(np.floor(cap * n))
        return int(cap)

    def _allocate(self, ev: np.ndarray, nothing: int) -> tuple[np.ndarray, np.ndarray]:
        """Greedy by expected value within budgets and the cap; also who was limited."""
        n = len(ev)
        choice = np.full(n, nothing)
        limited = np.zeros(n, dtype=bool)
        left_cap = self._contact_cap(n)
        left = [np.inf if b is None else b for b in self.budgets_]
        rows, cols = np.nonzero(ev > 0)
        order = np.argsort(-ev[rows, cols], kind="stable")
        done = np.zeros(n, dtype=bool)
        for i, j in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
            if done[i] or j == nothing:
                continue
            if left_cap <= 0 or left[j] <= 0:
                limited[i] = True
                continue
            choice[i], done[i] = j, True
            left[j] -= 1
            left_cap -= 1
        limited &= ~done
        best = ev.argmax(axis=1)
        limited |= done & (choice != best)
        return choice, limited

    def _reasons(
        self,
        prob: np.ndarray,
        value: np.ndarray,
        ev: np.ndarray,
        eligible: np.ndarray,
        choice: np.ndarray,
        limited: np.ndarray,
        holdout: np.ndarray,
        items: np.ndarray,
    ) -> list[str]:
        names = self.actions_
        nothing = names.index(self.nothing_action)
        n_eligible = eligible.sum(axis=1) - 1
        best = ev.argmax(axis=1)
        out = []
        share = f"{float(self.holdout_share):.0%}".replace("%", " %")
        for i in range(len(choice)):
            j = int(choice[i])
            if j == nothing:
                b = int(best[i])
                if b == nothing:
                    runner = np.where(np.arange(len(names)) == nothing, -np.inf, ev[i])
                    r = int(runner.argmax())
                    text = "nothing: no eligible action pays for itself" + (
                        f" (best: {names[r]} at {ev[i, r]:,.2f})" if np.isfinite(ev[i, r]) else ""
                    )
                else:
                    text = (
                        f"nothing: contact cap or budget reached; {names[b]} would be worth "
                        f"{ev[i, b]:,.2f}"
                    )
            else:
                what = names[j] + (
                    f" {items[i]}" if items[i] and names[j] == self.cross_sell_action else ""
                )
                text = (
                    f"{what}: {prob[i, j] * 100:.0f} % chance {self.response_phrases_[j]} worth "
                    f"{value[i, j]:,.0f} at a cost of {self.action_costs_[j]:,.2f} — "
                    + (
                        "best net value left within the cap and budgets"
                        if limited[i]
                        else f"best net value of {int(n_eligible[i])} eligible actions"
                    )
                )
            if holdout[i]:
                text = f"held out at random ({share} of customers) to measure lift; planned: {text}"
            out.append(text)
        return out
