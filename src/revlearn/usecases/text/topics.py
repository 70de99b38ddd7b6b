"""Topics: what customers write about, with readable labels, trends and examples.

:class:`TopicModel` (``revlearn fit topics``) fits LDA (Blei, Ng & Jordan 2003) with
gensim's ``LdaModel`` (seeded, one worker) on a cleaned bag of words: lower-cased words of
three or more letters, spaCy's English stop words (``spacy.lang.en.stop_words``, no model
download) removed, words in fewer than ``min_df`` texts or more than ``max_df`` of them
dropped.

* **Number of topics** — every k from ``min_topics`` to ``max_topics`` is fitted and the
  one with the highest topic coherence (gensim ``CoherenceModel``, ``"c_v"`` by default;
  ``"u_mass"`` is faster on very large corpora) is kept.
* **Initialisation** — LDA's variational fit stops in a local optimum that depends on the
  random start (on the demo data a random start merges two planted topics and splits
  another in one seed out of three). revlearn starts each fit from an NMF of the TF-IDF
  matrix (scikit-learn, deterministic ``nndsvd``) written into LDA's sufficient
  statistics, then lets gensim's LDA refine it; the fit is deterministic and recovers the
  planted topics. Own code here is only this start.
* **Labels** — the top words of each topic by class-based TF-IDF (Grootendorst 2022): the
  documents assigned to a topic are pooled and each word's frequency in the pool is
  weighted by ``log(1 + A / f)`` (``A`` the average pool size, ``f`` the word's frequency
  in all pools), which favours words distinctive of a topic over words common to all.
* **Trends and examples** — the share of texts per topic per week (with a least-squares
  slope to name the rising and falling topics) and the most typical texts of each topic.

gensim objects are not stored (the registry only loads numpy, scikit-learn and revlearn
types): the fitted state is the vocabulary (a list) and LDA's ``exp(E[log beta])`` matrix
and ``alpha`` (numpy arrays), and new texts are inferred here with the same variational
E-step gensim uses (``LdaModel.inference``).

**Embeddings + clustering** (``method="embeddings"``, needs the ``[embeddings]`` extra, see
:mod:`revlearn.models.embeddings`): the texts are embedded with the packaged MiniLM
sentence model, clustered by scikit-learn's k-means for every k in the range, and the k
with the highest silhouette (cosine) is kept — coherence needs word topics, clusters have
none. Labels use the same class-based TF-IDF over the clusters. The fitted state is the
unit-length cluster centres (a numpy array); new texts are embedded again at predict time
and their topic proportions are a softmax of their cosine to each centre (temperature
0.05), so they read like LDA's.

References
----------
Blei, D. M., Ng, A. Y. & Jordan, M. I. (2003). Latent Dirichlet Allocation. JMLR 3.
Röder, M., Both, A. & Hinneburg, A. (2015). Exploring the Space of Topic Coherence Measures.
Grootendorst, M. (2022). BERTopic: Neural topic modeling with a class-based TF-IDF procedure.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from typing import Any, Literal, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, MissingDependencyError, ParameterError
from revlearn.models import embeddings
from revlearn.usecases._base import UseCase
from revlearn.usecases.text._common import output_key, read_texts

__all__ = ["TopicModel", "tokenize"]

_EMBEDDING_TEMPERATURE = 0.05
_WORD = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def tokenize(text: str) -> list[str]:
    """Split a text into the words the topic model counts.

    Parameters
    ----------
    text : str
        One text.

    Returns
    -------
    list of str
        Lower-case words of three or more letters that are not English stop words.

    Examples
    --------
    >>> tokenize("The courier was LATE again, 3 days!")
    ['courier', 'late', 'days']
    """
    stops = _stop_words()
    return [w for w in _WORD.findall(text.lower()) if w not in stops]


def _infer(
    docs: list[list[tuple[int, int]]], exp_elog_beta: np.ndarray, alpha: np.ndarray
) -> np.ndarray:
    """Topic proportions per document: gensim's variational E-step, in numpy."""
    from scipy.special import psi

    k = len(alpha)
    theta = np.full((len(docs), k), np.nan)
    for d, doc in enumerate(docs):
        if not doc:
            continue
        ids = np.fromiter((i for i, _ in doc), dtype=np.int64)
        cts = np.fromiter((c for _, c in doc), dtype=np.float64)
        beta_d = exp_elog_beta[:, ids]
        gamma = alpha + cts.sum() / k
        exp_elog_theta = np.exp(psi(gamma) - psi(gamma.sum()))
        phinorm = exp_elog_theta @ beta_d + 1e-100
        for _ in range(500):
            last = gamma
            gamma = alpha + exp_elog_theta * ((cts / phinorm) @ beta_d.T)
            exp_elog_theta = np.exp(psi(gamma) - psi(gamma.sum()))
            phinorm = exp_elog_theta @ beta_d + 1e-100
            if np.mean(np.abs(gamma - last)) < 1e-5:
                break
        theta[d] = gamma / gamma.sum()
    return theta


class TopicModel(UseCase):
    """Find the topics of a text collection, label them and follow them over time.

    Parameters
    ----------
    text_col : str, default="text"
        The text column (``--text``).
    id_col : str, optional
        An id column copied to the output (``--id``); otherwise rows are numbered ``row``.
    timestamp_col : str, optional
        A date column for :meth:`trend` (share of each topic per week).
    n_topics : int, optional
        A fixed number of topics; chosen by coherence between ``min_topics`` and
        ``max_topics`` when omitted.
    min_topics, max_topics : int, default=3, 8
        The range of numbers of topics tried.
    coherence : {"c_v", "u_mass"}, default="c_v"
        The coherence measure that chooses the number of topics.
    passes : int, default=3
        LDA passes over the corpus.
    min_df : int, default=2
        Words in fewer texts are dropped.
    max_df : float, default=0.5
        Words in a larger share of the texts are dropped.
    n_words : int, default=10
        Top words kept per topic (labels use the first three distinctive ones).
    max_chars : int, default=20000
        Longer texts are cut to this many characters.
    random_state : int, default=0
        Seed of LDA (and of k-means).
    method : {"lda", "embeddings"}, default="lda"
        LDA on words, or k-means on MiniLM sentence embeddings (the ``[embeddings]`` extra;
        the number of topics is then chosen by silhouette instead of coherence).
    """

    usecase = "topics"

    def __init__(
        self,
        *,
        text_col: str = "text",
        id_col: str | None = None,
        timestamp_col: str | None = None,
        n_topics: int | None = None,
        min_topics: int = 3,
        max_topics: int = 8,
        coherence: Literal["c_v", "u_mass"] = "c_v",
        passes: int = 3,
        min_df: int = 2,
        max_df: float = 0.5,
        n_words: int = 10,
        max_chars: int = 20_000,
        random_state: int = 0,
        method: Literal["lda", "embeddings"] = "lda",
    ) -> None:
        self.text_col = text_col
        self.id_col = id_col
        self.timestamp_col = timestamp_col
        self.n_topics = n_topics
        self.min_topics = min_topics
        self.max_topics = max_topics
        self.coherence = coherence
        self.passes = passes
        self.min_df = min_df
        self.max_df = max_df
        self.n_words = n_words
        self.max_chars = max_chars
        self.random_state = random_state
        self.method = method

    # ------------------------------------------------------------------ fit
    def _check_params(self, where: str) -> list[int]:
        if self.coherence not in ("c_v", "u_mass"):
            raise ParameterError(
                f"Unknown coherence {self.coherence!r}.",
                where=f"{where}(coherence=...)",
                fix="Use 'c_v' or 'u_mass'.",
            )
        if self.method not in ("lda", "embeddings"):
            raise ParameterError(
                f"Unknown method {self.method!r}.",
                where=f"{where}(method=...)",
                fix="Use 'lda' or 'embeddings'.",
            )
        if self.method == "embeddings" and not embeddings.available():
            raise MissingDependencyError(
                "Embedding topics need the optional MiniLM sentence model.",
                where=f"{where}(method='embeddings')",
                fix="Install the extra: pip install 'revlearn[embeddings]', or use method='lda'.",
            )
        if self.n_topics is not None:
            ks = [int(self.n_topics)]
        else:
            ks = list(range(int(self.min_topics), int(self.max_topics) + 1))
        if not ks or min(ks) < 2 or int(self.passes) < 1 or not 0 < float(self.max_df) <= 1:
            raise ParameterError(
                "n_topics (or min_topics..max_topics) must be at least 2, passes at least 1 "
                f"and max_df in (0, 1] (got n_topics={self.n_topics!r}, "
                f"min_topics={self.min_topics!r}, max_topics={self.max_topics!r}, "
                f"passes={self.passes!r}, max_df={self.max_df!r}).",
                where=where,
                fix="Use the defaults: min_topics=3, max_topics=8, passes=3, max_df=0.5.",
            )
        return ks

    def fit(self, data: Any) -> Self:
        """Fit LDA for each number of topics, keep the most coherent, label the topics.

        Parameters
        ----------
        data : pandas.DataFrame, polars.DataFrame or pyarrow.Table
            One row per text with ``text_col``; not modified.

        Returns
        -------
        TopicModel
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If the text, id or timestamp column is absent.
        ParameterError
            If a parameter is out of range.
        InputError
            If the table is empty or too few texts have words left after cleaning.
        MissingDependencyError
            If gensim is not installed, or ``method="embeddings"`` without the
            ``[embeddings]`` extra.
        """
        where = "TopicModel.fit"
        ks = self._check_params(where)
        try:
            from gensim.corpora import Dictionary
        except ImportError as exc:  # pragma: no cover - gensim is part of the nlp extra
            raise MissingDependencyError(
                "Topic models need gensim.",
                where=where,
                fix="Install the extra: pip install 'revlearn[nlp]'.",
            ) from exc
        frame, prepared, _ = read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where=where,
            max_chars=int(self.max_chars),
            extra=[self.timestamp_col],
        )
        tokens = [tokenize(t) for t in prepared.texts]
        dictionary = Dictionary(tokens)
        dictionary.filter_extremes(
            no_below=int(self.min_df), no_above=float(self.max_df), keep_n=None
        )
        corpus = [dictionary.doc2bow(t) for t in tokens]
        n_docs = sum(1 for c in corpus if c)
        if n_docs < max(20, 2 * max(ks)) or len(dictionary) < max(ks):
            raise InputError(
                f"Only {n_docs:,} texts and {len(dictionary):,} words are left after cleaning "
                "(stop words, rare and very common words removed): too few for topics.",
                where=f"{where}(text_col={self.text_col!r})",
                fix="Pass more texts (a few hundred at least), or lower min_df.",
            )
        self.notes_ = list(prepared.notes)
        if n_docs < len(corpus):
            self.notes_.append(
                f"{len(corpus) - n_docs:,} of {len(corpus):,} texts have no word left after "
                "cleaning: no topic."
            )
        used = [(t, c) for t, c in zip(tokens, corpus, strict=True) if c]
        self.vocabulary_ = [dictionary[i] for i in range(len(dictionary))]
        self.trend_slopes_: list[float] = []
        if self.method == "embeddings":
            theta = self._fit_embeddings(prepared.texts, corpus, ks)
            self._label(corpus, theta)
            if self.timestamp_col:
                self.trend_slopes_ = _slopes(self._trend_table(frame, theta, "W"), theta.shape[1])
            return self
        self.centres_: np.ndarray | None = None
        with threadpool_limits(1):
            best = self._choose(dictionary, [c for _, c in used], [t for t, _ in used], ks)
        lda = best["lda"]
        self.vocabulary_ = [dictionary[i] for i in range(len(dictionary))]
        self.exp_elog_beta_ = np.asarray(lda.expElogbeta, dtype=np.float64)
        self.topic_word_ = np.asarray(lda.get_topics(), dtype=np.float64)
        self.alpha_ = np.asarray(lda.alpha, dtype=np.float64)
        self.n_topics_ = int(best["k"])
        self.coherence_by_k_ = {str(k): float(v) for k, v in best["scores"].items()}
        self.coherence_ = float(best["scores"][best["k"]])
        theta = _infer(corpus, self.exp_elog_beta_, self.alpha_)
        self._label(corpus, theta)
        if self.timestamp_col:
            trend = self._trend_table(frame, theta, "W")
            self.trend_slopes_ = _slopes(trend, self.n_topics_)
        return self

    def _fit_embeddings(self, texts: list[str], corpus: list[Any], ks: list[int]) -> np.ndarray:
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        rows = np.flatnonzero([bool(c) for c in corpus])
        vectors = embeddings.encode([texts[i] for i in rows]).astype(np.float64)
        scores: dict[int, float] = {}
        best: dict[str, Any] = {}
        with threadpool_limits(1):
            for k in ks:
                km = KMeans(k, n_init=3, random_state=self.random_state).fit(vectors)
                scores[k] = float(
                    silhouette_score(
                        vectors,
                        km.labels_,
                        metric="cosine",
                        sample_size=min(len(rows), 2000),
                        random_state=self.random_state,
                    )
                )
                if not best or scores[k] > scores[best["k"]]:
                    best = {"k": k, "centres": km.cluster_centers_}
        centres = np.asarray(best["centres"], dtype=np.float64)
        self.centres_ = centres / np.linalg.norm(centres, axis=1, keepdims=True)
        self.n_topics_ = int(best["k"])
        self.coherence_by_k_ = {str(k): v for k, v in scores.items()}
        self.coherence_ = scores[self.n_topics_]
        theta = np.full((len(corpus), self.n_topics_), np.nan)
        theta[rows] = _softmax_rows(vectors @ centres.T / _EMBEDDING_TEMPERATURE)
        counts = _csr(corpus, len(self.vocabulary_))
        assigned = np.nanargmax(theta[rows], axis=1)
        pooled = np.vstack(
            [
                np.asarray(counts[rows[assigned == t]].sum(axis=0)).ravel()
                for t in range(len(centres))
            ]
        )
        self.topic_word_ = pooled / np.maximum(pooled.sum(axis=1, keepdims=True), 1.0)
        self.exp_elog_beta_ = np.zeros((0, 0))
        self.alpha_ = np.zeros(0)
        return theta

    def _choose(
        self, dictionary: Any, corpus: list[Any], tokens: list[list[str]], ks: list[int]
    ) -> dict[str, Any]:
        from gensim.models import CoherenceModel

        counts = _csr(corpus, len(dictionary))
        scores: dict[int, float] = {}
        best: dict[str, Any] = {}
        for k in ks:
            lda = self._lda(dictionary, corpus, counts, k)
            model = CoherenceModel(
                model=lda,
                texts=tokens if self.coherence == "c_v" else None,
                corpus=corpus,
                dictionary=dictionary,
                coherence=self.coherence,
                topn=min(int(self.n_words), 10),
                processes=1,
            )
            score = float(model.get_coherence())
            scores[k] = score if np.isfinite(score) else -np.inf
            if not best or scores[k] > scores[best["k"]]:
                best = {"k": k, "lda": lda}
        best["scores"] = scores
        return best

    def _lda(self, dictionary: Any, corpus: list[Any], counts: sp.csr_matrix, k: int) -> Any:
        from gensim.models import LdaModel
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer

        tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            nmf = NMF(k, init="nndsvd", max_iter=300, random_state=self.random_state).fit(tfidf)
        start = nmf.components_ + 1e-3
        lda = LdaModel(
            id2word=dictionary,
            num_topics=k,
            alpha="auto",
            random_state=self.random_state,
            eval_every=None,
            chunksize=2000,
        )
        lda.state.sstats[:] = start / start.sum(axis=1, keepdims=True) * counts.sum() / k
        lda.sync_state()
        lda.update(corpus, passes=int(self.passes), chunksize=2000, eval_every=None)
        return lda

    def _label(self, corpus: list[Any], theta: np.ndarray) -> None:
        k = self.n_topics_
        counts = _csr(corpus, len(self.vocabulary_))
        assigned = np.where(np.isnan(theta).any(axis=1), -1, np.nanargmax(np.nan_to_num(theta), 1))
        pooled = np.zeros((k, counts.shape[1]))
        for t in range(k):
            rows = np.flatnonzero(assigned == t)
            if len(rows):
                pooled[t] = np.asarray(counts[rows].sum(axis=0)).ravel()
        freq = pooled.sum(axis=0)
        avg = pooled.sum() / k
        ctfidf = (pooled / np.maximum(pooled.sum(axis=1, keepdims=True), 1.0)) * np.log1p(
            avg / np.maximum(freq, 1.0)
        )
        n = int(self.n_words)
        vocab = self.vocabulary_
        self.top_words_ = [[vocab[j] for j in np.argsort(-row)[:n]] for row in self.topic_word_]
        self.distinctive_words_ = [
            [vocab[j] for j in np.argsort(-row)[:n] if row[j] > 0] or self.top_words_[t]
            for t, row in enumerate(ctfidf)
        ]
        self.labels_ = [" / ".join(words[:3]) for words in self.distinctive_words_]
        self.sizes_ = [int((assigned == t).sum()) for t in range(k)]

    # ------------------------------------------------------------------ use
    def _theta(self, data: Any, where: str) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
        frame, prepared, _ = read_texts(
            data,
            text_col=self.text_col,
            id_col=self.id_col,
            where=where,
            max_chars=int(self.max_chars),
        )
        centres = getattr(self, "centres_", None)
        if centres is not None:
            theta = np.full((len(prepared.texts), len(centres)), np.nan)
            rows = np.flatnonzero([bool(tokenize(t)) for t in prepared.texts])
            if len(rows):
                vectors = embeddings.encode([prepared.texts[i] for i in rows]).astype(np.float64)
                theta[rows] = _softmax_rows(vectors @ centres.T / _EMBEDDING_TEMPERATURE)
            return frame, theta, prepared.texts
        index = {w: i for i, w in enumerate(self.vocabulary_)}
        docs = []
        for text in prepared.texts:
            bag: dict[int, int] = {}
            for word in tokenize(text):
                j = index.get(word)
                if j is not None:
                    bag[j] = bag.get(j, 0) + 1
            docs.append(sorted(bag.items()))
        return frame, _infer(docs, self.exp_elog_beta_, self.alpha_), prepared.texts

    def predict(self, data: Any) -> pd.DataFrame:
        """Give each text its most likely topic.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` (and ``id_col``).

        Returns
        -------
        pandas.DataFrame
            ``id_col`` (or ``row``), ``topic`` (0-based, missing for a text with no known
            word), ``topic_label`` and ``confidence`` (the topic's share of the text, in
            (0, 1]).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or id column is absent.
        """
        self._check_fitted("predict")
        frame, theta, _ = self._theta(data, "TopicModel.predict")
        return self._assign(frame, theta)

    def _assign(self, frame: pd.DataFrame, theta: np.ndarray) -> pd.DataFrame:
        known = ~np.isnan(theta).any(axis=1)
        top = np.argmax(np.nan_to_num(theta), axis=1)
        out = output_key(frame, self.id_col)
        out["topic"] = pd.array(np.where(known, top, 0), dtype="Int64")
        out.loc[~known, "topic"] = pd.NA
        out["topic_label"] = [
            self.labels_[t] if ok else None for t, ok in zip(top, known, strict=True)
        ]
        out["confidence"] = np.where(known, np.nan_to_num(theta).max(axis=1), np.nan)
        return out

    def predict_proba(self, data: Any) -> pd.DataFrame:
        """Topic proportions of each text.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` (and ``id_col``).

        Returns
        -------
        pandas.DataFrame
            ``id_col`` (or ``row``) and one column ``topic_<k>`` per topic (rows sum to 1;
            missing for a text with no known word).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("predict_proba")
        frame, theta, _ = self._theta(data, "TopicModel.predict_proba")
        out = output_key(frame, self.id_col)
        for t in range(self.n_topics_):
            out[f"topic_{t}"] = theta[:, t]
        return out

    def _trend_table(self, frame: pd.DataFrame, theta: np.ndarray, freq: str) -> pd.DataFrame:
        when = pd.to_datetime(frame[self.timestamp_col], errors="coerce")
        assigned = self._assign(frame, theta)
        table = pd.DataFrame(
            {"period": when.dt.to_period(freq).dt.start_time, "topic": assigned["topic"]}
        ).dropna()
        counts = table.groupby(["period", "topic"]).size().unstack(fill_value=0)
        counts = counts.reindex(columns=range(self.n_topics_), fill_value=0)
        shares = counts.div(counts.sum(axis=1), axis=0)
        out = counts.stack().rename("texts").to_frame()
        out["share"] = shares.stack()
        out = out.reset_index()
        out["topic"] = out["topic"].astype(np.int64)
        out["topic_label"] = [self.labels_[t] for t in out["topic"]]
        return out[["period", "topic", "topic_label", "texts", "share"]]

    def trend(self, data: Any, *, freq: str = "W") -> pd.DataFrame:
        """Share of the texts in each topic per period.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` and ``timestamp_col``.
        freq : str, default="W"
            Period length (pandas frequency: "W" weeks, "MS" months).

        Returns
        -------
        pandas.DataFrame
            ``period`` (start date), ``topic``, ``topic_label``, ``texts`` and ``share``
            (of the period's texts with a topic).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ParameterError
            If ``timestamp_col`` is not set.
        SchemaError
            If the timestamp column is absent.
        """
        self._check_fitted("trend")
        where = "TopicModel.trend"
        if not self.timestamp_col:
            raise ParameterError(
                "Topic trends need a timestamp column.",
                where=f"{where}(timestamp_col=None)",
                fix="Set timestamp_col (--timestamp) to the date of each text.",
            )
        frame = as_pandas(data, where=where)
        check_columns(frame, [self.timestamp_col], where=where)
        frame, theta, _ = self._theta(frame, where)
        return self._trend_table(frame, theta, freq)

    def examples(self, data: Any, *, n: int = 3) -> pd.DataFrame:
        """The most typical texts of each topic.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` (and ``id_col``).
        n : int, default=3
            Texts per topic.

        Returns
        -------
        pandas.DataFrame
            ``topic``, ``topic_label``, ``id_col`` (or ``row``), ``text`` and
            ``confidence``, the most confident texts of each topic first.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("examples")
        frame, theta, texts = self._theta(data, "TopicModel.examples")
        assigned = self._assign(frame, theta)
        assigned["text"] = texts
        key = self.id_col or "row"
        best = (
            assigned.dropna(subset=["topic"])
            .sort_values(["topic", "confidence"], ascending=[True, False], kind="stable")
            .groupby("topic")
            .head(int(n))
        )
        return best[["topic", "topic_label", key, "text", "confidence"]].reset_index(drop=True)

    def explain(self) -> pd.DataFrame:
        """Describe each topic: label, size, top and distinctive words, trend.

        Returns
        -------
        pandas.DataFrame
            ``topic``, ``topic_label``, ``texts`` (training texts assigned), ``share``,
            ``top_words`` (highest LDA probability), ``distinctive_words`` (class-based
            TF-IDF) and ``trend_per_week`` (slope of the weekly share; missing without a
            timestamp column).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        total = max(sum(self.sizes_), 1)
        slopes = self.trend_slopes_ or [np.nan] * self.n_topics_
        return pd.DataFrame(
            {
                "topic": np.arange(self.n_topics_),
                "topic_label": self.labels_,
                "texts": self.sizes_,
                "share": [s / total for s in self.sizes_],
                "top_words": [", ".join(w) for w in self.top_words_],
                "distinctive_words": [", ".join(w) for w in self.distinctive_words_],
                "trend_per_week": slopes,
            }
        )

    def summary(self) -> dict[str, Any]:
        """Return the key facts of the fitted model as plain types.

        Returns
        -------
        dict
            ``usecase``, ``method`` (``"lda"`` or ``"embeddings"``), ``n_topics``,
            ``coherence`` (measure and value; for embeddings the measure is
            ``"silhouette"``), ``coherence_by_k`` (tried number of topics → that score),
            ``vocabulary_size``,
            ``topics`` (list of ``topic``, ``label``, ``texts``, ``share``, ``words``,
            ``trend_per_week``), ``rising`` and ``falling`` (labels of the topics whose
            weekly share grows or shrinks fastest, or ``None``) and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        table = self.explain()
        topics = [
            {
                "topic": int(r.topic),
                "label": str(r.topic_label),
                "texts": int(r.texts),
                "share": round(float(r.share), 4),
                "words": list(self.distinctive_words_[int(r.topic)]),
                "trend_per_week": None
                if pd.isna(r.trend_per_week)
                else round(float(r.trend_per_week), 5),
            }
            for r in table.itertuples()
        ]
        rising = falling = None
        if self.trend_slopes_:
            slopes = np.asarray(self.trend_slopes_)
            if slopes.max() > 0:
                rising = self.labels_[int(slopes.argmax())]
            if slopes.min() < 0:
                falling = self.labels_[int(slopes.argmin())]
        return {
            "usecase": self.usecase,
            "method": "embeddings" if getattr(self, "centres_", None) is not None else "lda",
            "n_topics": self.n_topics_,
            "coherence": {
                "measure": "silhouette"
                if getattr(self, "centres_", None) is not None
                else self.coherence,
                "value": round(self.coherence_, 4),
            },
            "coherence_by_k": {k: round(v, 4) for k, v in self.coherence_by_k_.items()},
            "vocabulary_size": len(self.vocabulary_),
            "topics": topics,
            "rising": rising,
            "falling": falling,
            "notes": list(self.notes_),
        }


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    from scipy.special import softmax

    return np.asarray(softmax(scores, axis=1), dtype=np.float64)


def _csr(corpus: list[list[tuple[int, int]]], n_terms: int) -> sp.csr_matrix:
    indptr = np.cumsum([0, *(len(d) for d in corpus)])
    indices = np.fromiter((i for d in corpus for i, _ in d), dtype=np.int64)
    data = np.fromiter((c for d in corpus for _, c in d), dtype=np.float64)
    return sp.csr_matrix((data, indices, indptr), shape=(len(corpus), n_terms))


def _slopes(trend: pd.DataFrame, k: int) -> list[float]:
    """Least-squares slope of each topic's weekly share (share per week)."""
    out = []
    for t in range(k):
        rows = trend[trend["topic"] == t].sort_values("period")
        y = rows["share"].to_numpy(dtype=float)
        if len(y) < 3:
            out.append(0.0)
            continue
        x = np.arange(len(y), dtype=float)
        out.append(float(np.polyfit(x, y, 1)[0]))
    return out
