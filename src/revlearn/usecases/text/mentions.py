"""Product mentions: which products, competitors, brands, prices and dates a text names.

:class:`ProductMentions` (``revlearn mentions``) finds mentions with two parts:

* a **catalogue-driven entity ruler** — spaCy's ``EntityRuler`` on ``spacy.blank("en")``
  (no model download) with phrase patterns generated from a product catalogue (name,
  optional brand, aliases and competitor flag). Each name and alias yields its variants:
  any case (the ruler matches lower-cased tokens), plural ("Aurora Phones"), spacing and
  hyphens ("Nova 15" / "Nova15" / "nova-15"), and the common one-edit misspellings of
  each word of five or more letters (a letter dropped, doubled or swapped with its
  neighbour; the first letter is kept, and a misspelling that is a common English word
  or another product's exact name is not used). Brands become ORG patterns; rule
  patterns for MONEY ("$499", "1,299 euros") and DATE ("March 3", "next Tuesday",
  "2025-06-30") work without any training;
* an optional **trainable NER** (spaCy's ``ner`` pipe on a blank English pipeline, trained
  on CPU for a few seeded epochs from a few hundred texts with labelled spans: PRODUCT,
  COMPETITOR, ORG, MONEY, DATE or any label of yours). It finds mentions the catalogue
  cannot (new products, unusual spellings); where it overlaps a ruler match the ruler wins
  (its canonical product is known), elsewhere its entities are kept.

Why the variants are generated here: spaCy has no fuzzy phrase matching, and a fuzzy token
pattern (``FUZZY``) per word is both slower and looser (it matches any edit, also common
words); enumerating the likely one-edit forms keeps the ruler's exact phrase-matcher speed.
Fitted state is plain data — the pattern list and the NER weights as bytes
(``nlp.to_bytes()`` of the pipe) — so a fitted model saves with skops and the spaCy pipeline
is rebuilt on first use after loading.
"""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any, Self

import numpy as np
import pandas as pd

from revlearn.data.io import as_pandas
from revlearn.data.schema import check_columns
from revlearn.errors import InputError, MissingDependencyError, ParameterError, short_list
from revlearn.usecases._base import UseCase
from revlearn.usecases.text._common import output_key
from revlearn.usecases.text.prepare import prepare_texts

__all__ = ["ProductMentions", "name_variants"]

_NER_LABELS = ("PRODUCT", "COMPETITOR", "ORG", "MONEY", "DATE")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_CURRENCY = ["$", "€", "£", "us$"]
_CURRENCY_WORDS = ["dollars", "dollar", "usd", "eur", "euros", "euro", "pounds", "gbp", "bucks"]
_DAY_NUM = r"^\d{1,2}(st|nd|rd|th)?$"
_RULE_PATTERNS: list[dict[str, Any]] = [
    {"label": "MONEY", "pattern": [{"LOWER": {"IN": _CURRENCY}}, {"LIKE_NUM": True}]},
    {"label": "MONEY", "pattern": [{"LIKE_NUM": True}, {"LOWER": {"IN": _CURRENCY_WORDS}}]},
    {"label": "DATE", "pattern": [{"LOWER": {"IN": _MONTHS}}, {"TEXT": {"REGEX": _DAY_NUM}}]},
    {
        "label": "DATE",
        "pattern": [
            {"LOWER": {"IN": _MONTHS}},
            {"TEXT": {"REGEX": _DAY_NUM}},
            {"TEXT": ","},
            {"TEXT": {"REGEX": r"^\d{4}$"}},
        ],
    },
    {"label": "DATE", "pattern": [{"TEXT": {"REGEX": _DAY_NUM}}, {"LOWER": {"IN": _MONTHS}}]},
    {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{4}-\d{2}-\d{2}$"}}]},
    {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{2,4}$"}}]},
    {
        "label": "DATE",
        "pattern": [
            {"LOWER": {"IN": ["next", "last", "this"]}},
            {"LOWER": {"IN": [*_DAYS, "week", "month", "quarter", "year"]}},
        ],
    },
    {"label": "DATE", "pattern": [{"LOWER": {"IN": ["today", "tomorrow", "yesterday"]}}]},
    {
        "label": "DATE",
        "pattern": [{"LOWER": {"IN": ["on", "by", "until"]}, "OP": "!"}, {"LOWER": {"IN": _DAYS}}],
    },
]


def _load_spacy() -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is part of the nlp extra
        raise MissingDependencyError(
            "Product mentions need spaCy.",
            where="revlearn.usecases.text.mentions",
            fix="Install the extra: pip install 'revlearn[nlp]'.",
        ) from exc
    return spacy


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    from revlearn.usecases.text.lexicon import _cached_lexicon

    try:
        lexicon = frozenset(w for w in _cached_lexicon()[0] if w.isalpha())
    except ImportError:
        lexicon = frozenset()
    return frozenset(STOP_WORDS) | lexicon


def _one_edits(word: str) -> set[str]:
    """Dropped, doubled and swapped letters of ``word``, first letter kept."""
    out: set[str] = set()
    for k in range(1, len(word)):
        out.add(word[:k] + word[k + 1 :])
        out.add(word[:k] + word[k] + word[k:])
        if k < len(word) - 1:
            out.add(word[:k] + word[k + 1] + word[k] + word[k + 2 :])
    out.discard(word)
    return out


def _plural(name: str) -> str:
    if name.endswith("s"):
        return name
    return name + ("es" if name.endswith(("x", "h", "z")) else "s")


def name_variants(name: str, *, typos: bool = True) -> tuple[list[str], list[str]]:
    """Generate the written forms of a product name the entity ruler should match.

    Parameters
    ----------
    name : str
        A product name or alias ("Aurora Phone", "Nova 15").
    typos : bool, default=True
        Also generate one-edit misspellings of each word of five or more letters.

    Returns
    -------
    exact : list of str
        Lower-case spacing and plural forms ("nova 15", "nova15", "nova-15", "nova 15s").
    misspelled : list of str
        Lower-case one-edit misspellings (and their plurals), without common English words.

    Examples
    --------
    >>> name_variants("Nova 15", typos=False)[0]
    ['nova 15', 'nova 15s', 'nova-15', 'nova-15s', 'nova15', 'nova15s']
    """
    base = " ".join(name.lower().split())
    words = base.split(" ")
    forms = {base, "".join(words), "-".join(words)}
    exact = sorted(forms | {_plural(f) for f in forms})
    misspelled: set[str] = set()
    if typos:
        common = _common_words()
        for i, word in enumerate(words):
            if len(word) < 5 or not word.isalpha():
                continue
            for edit in _one_edits(word):
                if len(words) == 1 and edit in common:
                    continue
                wrong = " ".join([*words[:i], edit, *words[i + 1 :]])
                misspelled.update((wrong, _plural(wrong)))
    misspelled -= set(exact)
    return exact, sorted(misspelled)


class ProductMentions(UseCase):
    """Find product, competitor, brand, money and date mentions in texts.

    Embeddings are not used; the trainable part is spaCy's own NER.

    Parameters
    ----------
    text_col : str, default="text"
        The text column (``--text``).
    id_col : str, optional
        An id column copied to the output (``--id``); otherwise rows are numbered ``row``.
    product_col : str, default="product"
        The catalogue's product-name column.
    brand_col, aliases_col, competitor_col : str, optional
        Catalogue columns (default ``"brand"``, ``"aliases"``, ``"competitor"``), used
        when present: the brand (an ORG), other names separated by ``;`` and a flag
        marking a competitor's product (label COMPETITOR instead of PRODUCT).
    timestamp_col, source_col : str, optional
        Columns for :meth:`share_of_voice` (week and channel).
    typos : bool, default=True
        Match one-edit misspellings of the catalogue names.
    n_epochs : int, default=8
        Training passes of the NER when labelled spans are given to ``fit``.
    max_chars : int, default=20000
        Longer texts are cut to this many characters.
    random_state : int, default=0
        Seed of the NER training.
    """

    usecase = "mentions"

    def __init__(
        self,
        *,
        text_col: str = "text",
        id_col: str | None = None,
        product_col: str = "product",
        brand_col: str | None = "brand",
        aliases_col: str | None = "aliases",
        competitor_col: str | None = "competitor",
        timestamp_col: str | None = None,
        source_col: str | None = None,
        typos: bool = True,
        n_epochs: int = 8,
        max_chars: int = 20_000,
        random_state: int = 0,
    ) -> None:
        self.text_col = text_col
        self.id_col = id_col
        self.product_col = product_col
        self.brand_col = brand_col
        self.aliases_col = aliases_col
        self.competitor_col = competitor_col
        self.timestamp_col = timestamp_col
        self.source_col = source_col
        self.typos = typos
        self.n_epochs = n_epochs
        self.max_chars = max_chars
        self.random_state = random_state

    def __getstate__(self) -> dict[str, Any]:
        """Drop the spaCy pipeline (rebuilt from the patterns and bytes) before saving."""
        state = dict(self.__dict__)
        state.pop("_nlp", None)
        return state

    # ------------------------------------------------------------------ fit
    def fit(self, data: Any = None, *, catalog: Any, spans: Any = None) -> Self:
        """Build the entity ruler from a catalogue and, given labelled spans, train a NER.

        Parameters
        ----------
        data : pandas.DataFrame, optional
            Texts with ``text_col`` (and ``id_col``) whose spans are in ``spans``; only
            needed to train the NER.
        catalog : pandas.DataFrame
            One row per product: ``product_col`` and optionally the brand, aliases and
            competitor columns.
        spans : pandas.DataFrame, optional
            Labelled mentions in ``data``: ``id_col`` (or ``row``), ``start``, ``end``
            (character offsets) and ``label``. A fifth of the texts is held out to
            report the NER's precision and recall.

        Returns
        -------
        ProductMentions
            ``self``, fitted.

        Raises
        ------
        SchemaError
            If a catalogue, text or span column is absent.
        InputError
            If the catalogue is empty or names a product twice with different details,
            or spans are given without texts.
        ParameterError
            If ``n_epochs`` or ``max_chars`` is below 1.
        """
        where = "ProductMentions.fit"
        if int(self.n_epochs) < 1 or int(self.max_chars) < 1:
            raise ParameterError(
                f"n_epochs and max_chars must be at least 1 (got {self.n_epochs!r}, "
                f"{self.max_chars!r}).",
                where=where,
                fix="Use n_epochs=8 and max_chars=20000.",
            )
        self.notes_: list[str] = []
        rows = self._catalog_rows(catalog, where)
        self.products_ = [r["product"] for r in rows if not r["competitor"]]
        self.competitors_ = [r["product"] for r in rows if r["competitor"]]
        self.brands_ = sorted({r["brand"] for r in rows if r["brand"]})
        self.patterns_, self.variants_ = self._patterns(rows)
        self.ner_bytes_: bytes | None = None
        self.ner_labels_: list[str] = []
        self.ner_scores_: dict[str, dict[str, float]] = {}
        if spans is not None:
            if data is None:
                raise InputError(
                    "Labelled spans were given without the texts they belong to.",
                    where=f"{where}(spans=...)",
                    fix="Pass the texts as data together with spans.",
                )
            self._train_ner(data, spans, where)
        self.__dict__.pop("_nlp", None)
        return self

    def _catalog_rows(self, catalog: Any, where: str) -> list[dict[str, Any]]:
        frame = as_pandas(catalog, where=f"{where}(catalog)")
        check_columns(
            frame, [self.product_col], where=f"{where}(catalog)", hint="Name it with product_col."
        )
        cols = [c for c in (self.brand_col, self.aliases_col, self.competitor_col) if c in frame]
        frame = frame[[self.product_col, *cols]].copy()
        names = frame[self.product_col].astype("string").str.strip()
        frame = frame[names.notna() & (names != "")]
        if not len(frame):
            raise InputError(
                "The catalogue has no product names.",
                where=f"{where}(catalog, product_col={self.product_col!r})",
                fix="Pass a catalogue with one product name per row.",
            )
        key = frame[self.product_col].astype(str).str.strip().str.casefold()
        dup = key.duplicated(keep=False)
        if dup.any():
            clash = frame[dup].astype(str).assign(_key=key[dup])
            differs = clash.groupby("_key").nunique().gt(1).any(axis=1)
            if differs.any():
                names_shown = sorted(
                    frame.loc[dup & key.isin(differs[differs].index), self.product_col]
                    .astype(str)
                    .unique()
                )
                raise InputError(
                    f"The catalogue names {len(names_shown)} product(s) more than once with "
                    f"different details: {short_list(names_shown)}.",
                    where=f"{where}(catalog, product_col={self.product_col!r})",
                    fix="Keep one row per product name (or give the variants distinct names).",
                )
            n_same = int(key.duplicated().sum())
            frame = frame[~key.duplicated()]
            self.notes_.append(f"{n_same} identical duplicate catalogue row(s) dropped.")
        rows = []
        for _, r in frame.iterrows():
            aliases = r.get(self.aliases_col) if self.aliases_col in frame else None
            brand = r.get(self.brand_col) if self.brand_col in frame else None
            comp = r.get(self.competitor_col) if self.competitor_col in frame else False
            rows.append(
                {
                    "product": str(r[self.product_col]).strip(),
                    "brand": str(brand).strip() if pd.notna(brand) else "",
                    "aliases": [a.strip() for a in str(aliases).split(";") if a.strip()]
                    if pd.notna(aliases)
                    else [],
                    "competitor": _truthy(comp),
                }
            )
        return rows

    def _patterns(self, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        exact: dict[str, tuple[str, str]] = {}
        fuzzy: dict[str, tuple[str, str]] = {}
        for r in rows:
            label = "COMPETITOR" if r["competitor"] else "PRODUCT"
            for name in [r["product"], *r["aliases"]]:
                good, wrong = name_variants(name, typos=bool(self.typos))
                for form in good:
                    exact.setdefault(form, (label, r["product"]))
                for form in wrong:
                    fuzzy.setdefault(form, (label, r["product"]))
        for form in list(fuzzy):
            if form in exact:
                del fuzzy[form]
        patterns: list[dict[str, Any]] = [
            {"label": label, "pattern": form, "id": product}
            for form, (label, product) in [*exact.items(), *fuzzy.items()]
        ]
        brand_forms = {b.lower(): b for b in self.brands_}
        patterns += [{"label": "ORG", "pattern": f, "id": b} for f, b in brand_forms.items()]
        patterns += [dict(p) for p in _RULE_PATTERNS]
        variants = {form: product for form, (_, product) in [*fuzzy.items(), *exact.items()]}
        return patterns, variants

    # ------------------------------------------------------------------ NER
    def _train_ner(self, data: Any, spans: Any, where: str) -> None:
        spacy = _load_spacy()
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch

        frame = as_pandas(data, where=where)
        key_col = self.id_col or "row"
        check_columns(frame, [self.text_col, *([self.id_col] if self.id_col else [])], where=where)
        span_frame = as_pandas(spans, where=f"{where}(spans)")
        check_columns(
            span_frame, [key_col, "start", "end", "label"], where=f"{where}(spans)",
            hint="Spans need the text's id (or row), start, end and label.",
        )  # fmt: skip
        texts = prepare_texts(frame[self.text_col].tolist(), max_chars=int(self.max_chars)).texts
        keys = frame[self.id_col].tolist() if self.id_col else list(range(len(frame)))
        grouped = {k: g for k, g in span_frame.groupby(key_col, sort=False)}
        nlp = spacy.blank("en")
        labels = sorted(set(span_frame["label"].astype(str)) | {"PRODUCT"})
        ner = nlp.add_pipe("ner")
        for label in labels:
            ner.add_label(label)
        examples = []
        for key, text in zip(keys, texts, strict=True):
            if not text:
                continue
            doc = nlp.make_doc(text)
            ents = _clean_spans(doc, grouped.get(key))
            examples.append(Example.from_dict(doc, {"entities": ents}))
        if len(examples) < 10:
            raise InputError(
                f"Only {len(examples)} labelled texts: too few to train a NER.",
                where=f"{where}(spans)",
                fix="Label at least a few hundred texts, or fit without spans (rules only).",
            )
        rng = random.Random(self.random_state)
        rng.shuffle(examples)
        n_val = len(examples) // 5 if len(examples) >= 50 else 0
        val, train = examples[:n_val], examples[n_val:]
        fix_random_seed(int(self.random_state))
        optimizer = nlp.initialize(lambda: train)
        for _ in range(int(self.n_epochs)):
            rng.shuffle(train)
            for batch in minibatch(train, size=16):
                nlp.update(batch, drop=0.2, sgd=optimizer)
        if val:
            scores = nlp.evaluate(val)
            self.ner_scores_ = {
                label: {k: round(float(v), 4) for k, v in s.items()}
                for label, s in (scores.get("ents_per_type") or {}).items()
            }
        self.ner_bytes_ = ner.to_bytes()
        self.ner_labels_ = labels

    def _pipeline(self) -> Any:
        nlp = self.__dict__.get("_nlp")
        if nlp is not None:
            return nlp
        spacy = _load_spacy()
        nlp = spacy.blank("en")
        if self.ner_bytes_ is not None:
            ner = nlp.add_pipe("ner")
            ner.from_bytes(self.ner_bytes_)
        ruler = nlp.add_pipe(
            "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
        )
        ruler.add_patterns([dict(p) for p in self.patterns_])
        self._nlp = nlp
        return nlp

    # ------------------------------------------------------------------ use
    def _read(self, data: Any, where: str) -> tuple[pd.DataFrame, list[str]]:
        frame = as_pandas(data, where=where)
        extra = [c for c in (self.id_col,) if c]
        check_columns(frame, [self.text_col, *extra], where=where, hint="Name it with --text.")
        texts = prepare_texts(frame[self.text_col].tolist(), max_chars=int(self.max_chars)).texts
        return frame, texts

    def _mentions(self, texts: list[str]) -> list[tuple[int, str, str, str | None, int, int]]:
        nlp = self._pipeline()
        out = []
        for i, doc in enumerate(nlp.pipe(texts, batch_size=256)):
            for ent in doc.ents:
                product = ent.ent_id_ or None
                if product is None and ent.label_ in ("PRODUCT", "COMPETITOR"):
                    product = self.variants_.get(" ".join(ent.text.lower().split()))
                out.append((i, ent.text, ent.label_, product, ent.start_char, ent.end_char))
        return out

    def predict(self, data: Any) -> pd.DataFrame:
        """List every mention found in the texts, one row per mention.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` (and ``id_col``); empty texts yield no rows.

        Returns
        -------
        pandas.DataFrame
            ``id_col`` (or ``row``), ``mention`` (the text as written), ``label``
            (PRODUCT, COMPETITOR, ORG, MONEY, DATE or a trained label), ``product`` (the
            canonical catalogue name, or the brand for ORG; missing otherwise), ``start``
            and ``end`` (character offsets in the cleaned text).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If the text or id column is absent.
        """
        self._check_fitted("predict")
        frame, texts = self._read(data, "ProductMentions.predict")
        found = self._mentions(texts)
        keys = output_key(frame, self.id_col)
        rows = np.array([f[0] for f in found], dtype=np.int64)
        out = keys.iloc[rows].reset_index(drop=True)
        out["mention"] = [f[1] for f in found]
        out["label"] = [f[2] for f in found]
        out["product"] = pd.Series([f[3] for f in found], dtype=object)
        out["start"] = np.array([f[4] for f in found], dtype=np.int64)
        out["end"] = np.array([f[5] for f in found], dtype=np.int64)
        return out

    def mention_counts(self, data: Any) -> pd.DataFrame:
        """Count the mentions of each catalogue product and competitor.

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col``.

        Returns
        -------
        pandas.DataFrame
            ``product``, ``label``, ``mentions``, ``texts`` (texts naming it) and
            ``share`` (of all product and competitor mentions), most mentioned first.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("mention_counts")
        found = self.predict(data)
        key = self.id_col or "row"
        found = found[found["label"].isin(["PRODUCT", "COMPETITOR"]) & found["product"].notna()]
        table = (
            found.groupby(["product", "label"])
            .agg(mentions=("mention", "size"), texts=(key, "nunique"))
            .reset_index()
            .sort_values("mentions", ascending=False, kind="stable")
        )
        table["share"] = table["mentions"] / max(int(table["mentions"].sum()), 1)
        return table.reset_index(drop=True)

    def share_of_voice(self, data: Any, *, freq: str = "W") -> pd.DataFrame:
        """Count the mentions and share of voice of each product per period (and source).

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col``, ``timestamp_col`` (and ``source_col`` if set).
        freq : str, default="W"
            Period length (pandas frequency: "W" weeks starting Monday, "MS" months).

        Returns
        -------
        pandas.DataFrame
            ``period`` (start date), ``source`` (when ``source_col`` is set), ``product``,
            ``label``, ``mentions`` and ``share`` (of the product and competitor mentions
            in that period and source).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        ParameterError
            If ``timestamp_col`` is not set.
        SchemaError
            If the timestamp or source column is absent or has no valid dates.
        """
        self._check_fitted("share_of_voice")
        where = "ProductMentions.share_of_voice"
        if not self.timestamp_col:
            raise ParameterError(
                "Share of voice over time needs a timestamp column.",
                where=f"{where}(timestamp_col=None)",
                fix="Set timestamp_col (--timestamp) to the date of each text.",
            )
        frame = as_pandas(data, where=where)
        groups = [c for c in (self.source_col,) if c]
        check_columns(frame, [self.timestamp_col, *groups], where=where)
        when = pd.to_datetime(frame[self.timestamp_col], errors="coerce")
        frame, texts = self._read(frame, where)
        found = pd.DataFrame(
            [f for f in self._mentions(texts) if f[2] in ("PRODUCT", "COMPETITOR") and f[3]],
            columns=["row", "mention", "label", "product", "start", "end"],
        )
        periods = when.dt.to_period(freq).dt.start_time.to_numpy()
        found["period"] = periods[found["row"].to_numpy(dtype=np.int64)]
        keys = ["period"]
        if self.source_col:
            found["source"] = frame[self.source_col].to_numpy()[found["row"].to_numpy(int)]
            keys.append("source")
        found = found[found["period"].notna()]
        table = found.groupby([*keys, "product", "label"]).size().rename("mentions")
        table = table.reset_index()
        totals = table.groupby(keys)["mentions"].transform("sum")
        table["share"] = table["mentions"] / totals
        return table.sort_values([*keys, "product"]).reset_index(drop=True)

    def evaluate(self, data: Any, spans: Any) -> pd.DataFrame:
        """Precision and recall of the mentions against labelled spans (exact offsets).

        Parameters
        ----------
        data : pandas.DataFrame
            Texts with ``text_col`` (and ``id_col``).
        spans : pandas.DataFrame
            Gold mentions: ``id_col`` (or ``row``), ``start``, ``end``, ``label``.

        Returns
        -------
        pandas.DataFrame
            One row per label and ``"all"``: ``label``, ``gold``, ``found``, ``correct``,
            ``precision``, ``recall``, ``f1``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        SchemaError
            If a span column is absent.
        """
        self._check_fitted("evaluate")
        key = self.id_col or "row"
        gold_frame = as_pandas(spans, where="ProductMentions.evaluate(spans)")
        check_columns(gold_frame, [key, "start", "end", "label"], where="evaluate(spans)")
        found = self.predict(data)
        gold = set(
            zip(
                gold_frame[key],
                gold_frame["start"],
                gold_frame["end"],
                gold_frame["label"],
                strict=False,
            )
        )
        pred = set(zip(found[key], found["start"], found["end"], found["label"], strict=False))
        labels = sorted({g[3] for g in gold} | {p[3] for p in pred})
        rows = []
        for label in [*labels, "all"]:
            g = {x for x in gold if label in ("all", x[3])}
            p = {x for x in pred if label in ("all", x[3])}
            hit = len(g & p)
            prec = hit / len(p) if p else 0.0
            rec = hit / len(g) if g else 0.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            rows.append((label, len(g), len(p), hit, prec, rec, f1))
        cols = ["label", "gold", "found", "correct", "precision", "recall", "f1"]
        return pd.DataFrame(rows, columns=cols)

    def explain(self, *, product: str | None = None) -> pd.DataFrame:
        """Show the written forms the ruler matches for each catalogue product.

        Parameters
        ----------
        product : str, optional
            Only this product's forms.

        Returns
        -------
        pandas.DataFrame
            ``product``, ``form`` and ``kind`` (``"exact"`` or ``"misspelling"``).

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("explain")
        rows = []
        for form, name in self.variants_.items():
            if product is not None and name != product:
                continue
            kind = "exact" if form in name_variants(name, typos=False)[0] else "misspelling"
            rows.append((name, form, kind))
        table = pd.DataFrame(rows, columns=["product", "form", "kind"])
        return table.sort_values(["product", "kind", "form"]).reset_index(drop=True)

    def summary(self) -> dict[str, Any]:
        """Return the key facts of the fitted model as plain types.

        Returns
        -------
        dict
            ``usecase``, ``n_products``, ``n_competitors``, ``brands``, ``n_patterns``
            (ruler patterns, variants included), ``typos``, ``ner_trained``,
            ``ner_labels``, ``ner_scores`` (label → held-out precision ``p``, recall
            ``r`` and ``f``) and ``notes``.

        Raises
        ------
        NotFittedError
            If the model is not fitted.
        """
        self._check_fitted("summary")
        return {
            "usecase": self.usecase,
            "n_products": len(self.products_),
            "n_competitors": len(self.competitors_),
            "brands": list(self.brands_),
            "n_patterns": len(self.patterns_),
            "typos": bool(self.typos),
            "ner_trained": self.ner_bytes_ is not None,
            "ner_labels": list(self.ner_labels_),
            "ner_scores": {k: dict(v) for k, v in self.ner_scores_.items()},
            "notes": list(self.notes_),
        }


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "competitor", "x"}
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


def _clean_spans(doc: Any, group: pd.DataFrame | None) -> list[tuple[int, int, str]]:
    """Character spans aligned to tokens, overlaps dropped (first kept)."""
    if group is None:
        return []
    taken: set[int] = set()
    out = []
    for s, e, label in sorted(
        zip(
            group["start"].astype(int),
            group["end"].astype(int),
            group["label"].astype(str),
            strict=False,
        ),
        key=lambda x: x[0],
    ):
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        out.append((span.start_char, span.end_char, label))
    return out
