"""What else a fitted recommender answers: similar items, held-out quality, explanations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import NotFoundError
from revlearn.evaluate.ranking import score_lists
from revlearn.usecases.recommend import selection
from revlearn.usecases.recommend.candidates import Content, Popularity

__all__: list[str] = []


class RecommenderViews:
    """Mixin of :class:`~revlearn.usecases.recommend.Recommender`: the post-fit views."""

    X_: sp.csr_matrix
    counts_: sp.csr_matrix
    items_: list[Any]
    users_: list[Any]
    n_warm_items_: int
    n_warm_users_: int
    popularity_: Popularity
    content_: Content | None
    backtest_: list[dict[str, Any]]
    method_: str
    settings_: dict[str, Any]
    user_col: str
    item_col: str

    k: int
    validation_: str
    n_interactions_: int
    n_pairs_: int
    repeatable_: np.ndarray
    repeat_threshold_: float | None
    segment_labels_: list[str]
    fit_seconds_: float
    notes_: list[str]

    if TYPE_CHECKING:  # provided by UseCase and Recommender

        def _check_fitted(self, call: str) -> None: ...

        def _k(self, k: int | None) -> int: ...

        def recommend(
            self, users: Sequence[Any] | None = None, k: int | None = None
        ) -> pd.DataFrame: ...

    # ------------------------------------------------------------------ other views
    def similar_items(self, item: Any, k: int = 10) -> pd.DataFrame:
        """Find the items most like one item: bought by the same users, or similar in text.

        Parameters
        ----------
        item : object
            An item id seen in training or listed in the items table.
        k : int, default=10
            How many similar items.

        Returns
        -------
        pandas.DataFrame
            Columns ``item`` (the given item), ``rank``, ``similar_item``, ``score`` (cosine
            in [0, 1]) and ``reason``.

        Raises
        ------
        NotFoundError
            If the item is unknown.
        """
        self._check_fitted("similar_items")
        code = pd.Index(self.items_).get_indexer([item])[0]
        if code < 0:
            raise NotFoundError(
                f"Item {item!r} is not in the training data or the items table.",
                where="Recommender.similar_items(item=...)",
                fix="Pass an item id from the interactions, e.g. "
                f"{self.items_[int(np.argmax(self.popularity_.counts))]!r}.",
            )
        k = self._k(k)
        Xc = self.X_.tocsc()
        together = np.asarray((Xc.T @ Xc[:, code]).todense()).ravel()
        norms = np.sqrt(np.diff(Xc.indptr).astype(float))
        bought = together / np.maximum(norms * norms[code], 1e-12)
        text = self.content_.similar(code) if self.content_ is not None else np.zeros_like(bought)
        use_text = bought.max() <= 0 or code >= self.n_warm_items_
        score = np.where(use_text, text, bought).astype(np.float32)
        score[code] = -np.inf
        score[score <= 0] = -np.inf
        top = selection.top_of(score[None, :], k)[0]
        top = top[top >= 0]
        reasons = [
            "similar description and attributes"
            if use_text
            else f"bought by the same customers ({int(together[j]):,} together)"
            for j in top
        ]
        return pd.DataFrame(
            {
                "item": [item] * len(top),
                "rank": np.arange(1, len(top) + 1),
                "similar_item": [self.items_[j] for j in top],
                "score": np.round(score[top].astype(float), 4),
                "reason": reasons,
            }
        )

    def evaluate(self, data: Any, ks: Sequence[int] = (1, 5, 10, 20)) -> pd.DataFrame:
        """Score the recommendations on held-out interactions, beside popularity.

        Parameters
        ----------
        data : pandas.DataFrame
            Interactions kept out of training, with ``user_col`` and ``item_col``.
        ks : sequence of int, default=(1, 5, 10, 20)
            Cut-offs.

        Returns
        -------
        pandas.DataFrame
            One row per model (``"revlearn"``, ``"popularity"``) and cut-off, with the
            fields of :class:`~revlearn.evaluate.ranking.RankingMetrics` (precision,
            recall, ndcg, map, hit_rate, coverage, novelty, diversity, n_users).

        Raises
        ------
        SchemaError
            If ``user_col`` or ``item_col`` is absent.
        """
        self._check_fitted("evaluate")
        where = "Recommender.evaluate"
        frame = as_pandas(data, where=where)
        check_columns(
            frame,
            [self.user_col, self.item_col],
            where=where,
            hint="Pass held-out interactions with the training columns.",
        )
        items = pd.Index(self.items_).get_indexer(frame[self.item_col].tolist())
        users = list(pd.unique(frame[self.user_col]))
        user_pos = pd.Index(users).get_indexer(frame[self.user_col].tolist())
        ok = items >= 0
        relevant = sp.csr_matrix(
            (np.ones(int(ok.sum()), bool), (user_pos[ok], items[ok])),
            shape=(len(users), len(self.items_)),
        )
        L = max(ks)
        codes = pd.Index(self.users_).get_indexer(users)
        recs = np.full((len(users), L), -1, np.int64)
        lists = self.recommend(users, k=L) if len(users) else pd.DataFrame()
        if len(lists):
            r = pd.Index(users).get_indexer(lists["user"].tolist())
            recs[r, lists["rank"].to_numpy() - 1] = pd.Index(self.items_).get_indexer(
                lists["item"].tolist()
            )
        known = np.maximum(codes, 0)
        seen = sp.diags((codes >= 0).astype(np.float32)) @ self.X_[known]
        pop = selection.top_items(
            self.popularity_, seen.tocsr(), np.arange(len(users)), L, exclude=seen.tocsr()
        )
        share = self.popularity_.counts / max(self.n_warm_users_, 1)
        vectors = self.content_.vectors if self.content_ is not None else self.X_.T.tocsr()
        rows = []
        for name, lists_ in (("revlearn", recs), ("popularity", pop)):
            for k in ks:
                m = score_lists(lists_, relevant, k, popularity=share, item_vectors=vectors)
                rows.append({"model": name, **m.to_dict()})
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Return the key fitted figures as plain JSON-ready types.

        Returns
        -------
        dict
            ``method`` (chosen), ``settings``, ``validation`` (how the backtest split),
            ``candidates`` (one mapping per candidate: method, settings, ndcg, precision,
            recall, coverage, seconds), ``validation_ndcg`` and ``popularity_ndcg`` at
            ``k``, ``n_users``, ``n_items``, ``n_interactions``, ``n_pairs``,
            ``new_items`` (reachable by content only), ``repeat_items`` and
            ``repeat_threshold``, ``segments``, ``fit_seconds`` and ``notes``.
        """
        self._check_fitted("summary")
        by_name = {r["method"]: r for r in self.backtest_}
        chosen = [
            r
            for r in self.backtest_
            if r["method"] == self.method_ and r["settings"] == self.settings_
        ]
        return {
            "method": self.method_,
            "settings": _plain_settings(self.settings_),
            "validation": self.validation_,
            "k": int(self.k),
            "candidates": [
                {**r, "settings": _plain_settings(r["settings"])} for r in self.backtest_
            ],
            "validation_ndcg": float(chosen[0]["ndcg"]) if chosen else None,
            "popularity_ndcg": float(by_name["popularity"]["ndcg"])
            if "popularity" in by_name
            else None,
            "n_users": int(self.n_warm_users_),
            "n_items": len(self.items_),
            "n_interactions": int(self.n_interactions_),
            "n_pairs": int(self.n_pairs_),
            "new_items": int(len(self.items_) - self.n_warm_items_),
            "repeat_items": int(self.repeatable_.sum()),
            "repeat_threshold": self.repeat_threshold_,
            "segments": list(self.segment_labels_),
            "fit_seconds": float(self.fit_seconds_),
            "notes": list(self.notes_),
        }

    def explain(self, user: Any = None) -> pd.DataFrame:
        """Show why: the model comparison, or one user's history beside their list.

        Parameters
        ----------
        user : object, optional
            A user id. Without it, the backtest table of the candidate models.

        Returns
        -------
        pandas.DataFrame
            Without ``user``: one row per candidate (method, settings, ndcg, precision,
            recall, coverage, seconds, chosen). With ``user``: their recommendations
            (rank, item, score, reason) followed by their past items (``rank`` empty,
            ``reason`` "bought N times").

        Raises
        ------
        NotFoundError
            If ``user`` is not a known user.
        """
        self._check_fitted("explain")
        if user is None:
            table = pd.DataFrame(self.backtest_)
            if len(table):
                table["chosen"] = (table["method"] == self.method_) & (
                    table["settings"].map(lambda s: s == self.settings_)
                )
                table["settings"] = table["settings"].map(
                    lambda s: ", ".join(f"{k}={v:g}" for k, v in s.items())
                )
            return table
        code = pd.Index(self.users_).get_indexer([user])[0]
        if code < 0:
            raise NotFoundError(
                f"User {user!r} is not in the training data.",
                where="Recommender.explain(user=...)",
                fix="Pass a user id from the interactions.",
            )
        recs = self.recommend([user])
        row = self.counts_[code].tocoo()
        history = pd.DataFrame(
            {
                "user": user,
                "rank": pd.NA,
                "item": [self.items_[j] for j in row.col],
                "score": np.nan,
                "reason": [f"bought {int(c)} times" for c in row.data],
            }
        )
        return pd.concat(
            [recs.astype({"rank": "Int64"}), history.astype({"rank": "Int64"})], ignore_index=True
        )


def _plain_settings(settings: dict[str, Any]) -> dict[str, bool | float]:
    """Settings as JSON-ready values (flags stay booleans, numbers become floats)."""
    return {k: v if isinstance(v, bool) else float(v) for k, v in settings.items()}
