"""The aspect and trend methods of :class:`~revlearn.usecases.text.SentimentModel`.

Kept apart from the model's fitting and scoring so that each file stays readable; the
methods only use the fitted attributes (``aspect_terms_``, ``lexicon_``) and the column
parameters of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from revlearn.data.schema import check_columns
from revlearn.errors import ParameterError
from revlearn.usecases.text._common import output_key, status_with_language
from revlearn.usecases.text.aspects import aspect_mentions, sentiment_trend
from revlearn.usecases.text.lexicon import LexiconScorer


class AspectMethods:
    """Aspect sentiment, its aggregation and the trend with alerts (a mixin)."""

    aspect_terms_: list[str]
    id_col: str | None
    product_col: str | None
    source_col: str | None
    timestamp_col: str | None
    languages: Sequence[str]
    neutral_band: float

    if TYPE_CHECKING:  # provided by SentimentModel and UseCase

        def _check_fitted(self, call: str) -> None: ...

        def _read(self, data: Any, where: str) -> tuple[pd.DataFrame, Any, list[str]]: ...

        def _scorer(self) -> LexiconScorer: ...

        def predict(self, data: Any) -> pd.DataFrame: ...

    def aspect_sentiment(self, data: Any) -> pd.DataFrame:
        """Score the sentiment about each aspect each text mentions.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col`` (and the id, product, source and timestamp
            columns named by the parameters); not modified.

        Returns
        -------
        pandas.DataFrame
            One row per (text, aspect) mentioned: ``id_col`` (or ``row``), the product,
            source and timestamp columns when named, ``aspect``, ``polarity`` in [-1, 1]
            and ``mentions``. Texts not scored (empty, other language) have no rows.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If a named column is absent.
        """
        self._check_fitted("aspect_sentiment")
        frame, found = self._aspects(data, "SentimentModel.aspect_sentiment")
        key = output_key(frame, self.id_col)
        for col in (self.product_col, self.source_col, self.timestamp_col):
            if col:
                key[col] = frame[col].to_numpy()
        out = key.iloc[found["row"].to_numpy()].reset_index(drop=True)
        for col in ("aspect", "polarity", "mentions"):
            out[col] = found[col].to_numpy()
        return out

    def _aspects(self, data: Any, where: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        frame, prepared, languages = self._read(data, where)
        status = status_with_language(prepared.status, languages, self.languages)
        texts = [
            t if s in ("ok", "truncated") else ""
            for t, s in zip(prepared.texts, status, strict=True)
        ]
        return frame, aspect_mentions(texts, self.aspect_terms_, scorer=self._scorer())

    def aspect_summary(self, data: Any, *, by: str | None = None) -> pd.DataFrame:
        """Aggregate aspect sentiment, overall or by a column (product, source).

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Texts as for :meth:`aspect_sentiment`.
        by : str, optional
            A column to group by; ``product_col`` when omitted and set.

        Returns
        -------
        pandas.DataFrame
            One row per (group,) aspect: the group column, ``aspect``, ``n_texts``,
            ``mean_polarity``, ``share_positive`` and ``share_negative`` (polarity beyond
            ±``neutral_band``), sorted by group and mean polarity.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If a named column is absent.
        """
        self._check_fitted("aspect_summary")
        where = "SentimentModel.aspect_summary"
        group = by or self.product_col
        frame, found = self._aspects(data, where)
        if group:
            check_columns(frame, [group], where=f"{where}(by=...)")
            found[group] = frame[group].to_numpy()[found["row"].to_numpy()]
        band = float(self.neutral_band)
        found["_pos"] = found["polarity"] >= band
        found["_neg"] = found["polarity"] <= -band
        keys = [group, "aspect"] if group else ["aspect"]
        out = (
            found.groupby(keys, sort=True)
            .agg(
                n_texts=("polarity", "size"),
                mean_polarity=("polarity", "mean"),
                share_positive=("_pos", "mean"),
                share_negative=("_neg", "mean"),
            )
            .reset_index()
        )
        order = [group, "mean_polarity"] if group else ["mean_polarity"]
        return out.sort_values(
            order, ascending=[True] * (len(order) - 1) + [False], ignore_index=True
        )

    def trend(
        self,
        data: Any,
        *,
        by: str | None = None,
        freq: str = "W",
        window: int = 8,
        k: float = 3.5,
        min_count: int = 5,
    ) -> pd.DataFrame:
        """Track mean polarity per period (and group) and flag sudden drops.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            Texts with ``text_col`` and ``timestamp_col``.
        by : str, optional
            Group column (``product_col`` when omitted and set).
        freq : str, default="W"
            Period: "D", "W" or "M".
        window : int, default=8
            Earlier periods forming the baseline.
        k : float, default=3.5
            Alert when a period's mean is more than ``k`` standard errors below baseline.
        min_count : int, default=5
            Periods with fewer scored texts never alert.

        Returns
        -------
        pandas.DataFrame
            ``group`` (when grouped), ``period``, ``n_texts``, ``mean_polarity``,
            ``baseline``, ``z`` and ``alert``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ParameterError
            If ``timestamp_col`` is not set.
        SchemaError
            If a named column is absent.
        """
        self._check_fitted("trend")
        if not self.timestamp_col:
            raise ParameterError(
                "A trend needs dates, but timestamp_col is not set.",
                where="SentimentModel.trend",
                fix="Build the model with timestamp_col='<date column>' (--timestamp).",
            )
        group = by or self.product_col
        frame = self._read(data, "SentimentModel.trend")[0]
        if group:
            check_columns(frame, [group], where="SentimentModel.trend(by=...)")
        scored = self.predict(frame)
        scored[self.timestamp_col] = frame[self.timestamp_col].to_numpy()
        if group:
            scored[group] = frame[group].to_numpy()
        return sentiment_trend(
            scored,
            timestamp_col=self.timestamp_col,
            by=group,
            freq=freq,
            window=window,
            k=k,
            min_count=min_count,
        )
