"""Offline language flagging from spaCy's stop-word lists and Unicode scripts.

The sentiment lexicon and the trained English models are only meaningful on English text,
so revlearn flags other languages rather than score them silently. No language-ID model may
be downloaded at run time, so :func:`detect_languages` uses two signals that ship inside
packages:

* the script of the letters (Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai, Chinese,
  Japanese kana, Korean Hangul): a text whose letters are mostly in one non-Latin script
  gets that script's main language;
* for Latin-script text, the share of its words that are stop words of each of 20 languages
  (spaCy's lists, ``spacy/lang/<code>/stop_words.py``). English evidence is the English
  stop words plus the words of VADER's English lexicon; another language wins only with at
  least two distinct stop words of its own (not also English) and more of them than
  English has.

The stop-word files are read from the installed spaCy package without importing spaCy
(which takes seconds to import); ``langdetect``/``fasttext`` would be more accurate but are
not dependencies. Texts with no letters, or no evidence either way, are ``"en"`` if they
hold any Latin letter (short English reviews such as "Loved it!" have no stop word) and
``"und"`` (undetermined) otherwise. It is a flag for "do not trust the English score
here", not a full language identifier: mixed-language texts go to the majority.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

__all__ = ["LANGUAGES", "detect_languages"]

#: Latin-script languages compared by stop words (ISO 639-1 codes of spaCy's folders).
LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "nb",
    "fi", "pl", "cs", "ro", "hu", "tr", "id", "ca", "hr", "sk",
)  # fmt: skip

_SCRIPTS = (
    ("ru", re.compile("[\u0400-\u04ff]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("ar", re.compile("[\u0600-\u06ff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("hi", re.compile("[\u0900-\u097f]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("ja", re.compile("[\u3040-\u30ff]")),
    ("ko", re.compile("[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile("[\u4e00-\u9fff]")),
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def _spacy_lang_dir() -> Path | None:
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lang"


@lru_cache(maxsize=1)
def _stop_words() -> dict[str, frozenset[str]]:
    """Read each language's STOP_WORDS from spaCy's source files, without importing spaCy."""
    folder = _spacy_lang_dir()
    lists: dict[str, frozenset[str]] = {}
    for code in LANGUAGES:
        path = None if folder is None else folder / code / "stop_words.py"
        if path is None or not path.is_file():
            continue
        namespace: dict[str, object] = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        words = namespace.get("STOP_WORDS")
        if isinstance(words, set | frozenset):
            lists[code] = frozenset(str(w).lower() for w in words)
    return lists


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    from revlearn.usecases.text.lexicon import _cached_lexicon

    stops = _stop_words().get("en", frozenset())
    try:
        words = frozenset(w for w in _cached_lexicon()[0] if w.isalpha())
    except ImportError:
        words = frozenset()
    return stops | words


@lru_cache(maxsize=1)
def _foreign_words() -> dict[str, tuple[str, ...]]:
    """Word → the languages whose stop words hold it, for words that are not English."""
    english = _english_words()
    owners: dict[str, list[str]] = {}
    for code, words in _stop_words().items():
        if code == "en":
            continue
        for word in words - english:
            owners.setdefault(word, []).append(code)
    return {w: tuple(codes) for w, codes in owners.items()}


def _script_language(text: str) -> str | None:
    letters = len(_LETTER.findall(text))
    if not letters:
        return None
    counts = [(len(pattern.findall(text)), code) for code, pattern in _SCRIPTS]
    count, code = max(counts)
    if count / letters > 0.5:
        # Japanese mixes kanji (Han) and kana: any kana means Japanese.
        if code == "zh" and _SCRIPTS[6][1].search(text):
            return "ja"
        return code
    return None


def _detect_one(text: str, foreign: dict[str, tuple[str, ...]], english: frozenset[str]) -> str:
    if not text.isascii():
        script = _script_language(text)
        if script is not None:
            return script
    if not _LATIN.search(text):
        return "und"
    en_hits = 0
    hits: Counter[str] = Counter()
    seen: set[str] = set()
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word in english:
            en_hits += 1
        elif word not in seen:  # distinct words: "la la la" is one piece of evidence
            seen.add(word)
            codes = foreign.get(word)
            if codes:
                hits.update(codes)
    if hits:
        best, best_hits = hits.most_common(1)[0]
        if best_hits >= 2 and best_hits > en_hits:
            return best
    return "en"


def detect_languages(texts: Iterable[str], *, known: Sequence[str] | None = None) -> list[str]:
    """Flag the language of each text (ISO 639-1 code), offline.

    Parameters
    ----------
    texts : iterable of str
        Clean texts (see :func:`revlearn.usecases.text.prepare.prepare_texts`).
    known : sequence of str, optional
        Extra English words (a domain vocabulary) counted as English evidence.

    Returns
    -------
    list of str
        ``"en"``, another code (``"de"``, ``"fr"``, ``"ru"``, ``"zh"`` ...), ``"und"``
        when the text has no letters, or ``""`` for an empty text.

    Examples
    --------
    >>> detect_languages(["The battery is great", "La batterie est très bonne et je l'adore"])
    ['en', 'fr']
    """
    english = _english_words() | frozenset(w.lower() for w in known or ())
    foreign = _foreign_words()
    return [_detect_one(t, foreign, english) if t.strip() else "" for t in texts]
