"""Lexicon sentiment: VADER's rules over VADER's own lexicon, fast enough for 10k texts/s.

VADER (Hutto & Gilbert 2014) scores a text by summing the valence of its lexicon words after
a handful of rules: negation ("not good"), boosters and dampeners ("very", "kind of"), a
contrastive "but" (the clause after it counts 1.5 times, the one before 0.5), ALL CAPS
emphasis when the rest of the text is not in capitals, "!" and "??" emphasis, idioms
("the bomb"), "least", and emoji (replaced by their description). The lexicon files ship
inside the ``vaderSentiment`` package (install ``revlearn[nlp]``) and are read from there;
revlearn keeps them as plain dicts so a fitted model saves with skops.

Why not call ``vaderSentiment`` directly: its ``polarity_scores`` lower-cases the whole
token list again for every word it checks (quadratic in the text length) and walks every
character of every text looking for emoji, so it scores a few thousand short texts a second
on one core. :class:`LexiconScorer` applies the same rules and constants in one pass over
the tokens, only does work at the tokens that are in the lexicon, and only looks for emoji
in texts that hold non-ASCII characters; ``bench/text.py`` measures its speed and its
agreement with ``vaderSentiment``'s compound score on the same texts.

References
----------
Hutto, C. J. & Gilbert, E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment
Analysis of Social Media Text. ICWSM-14.
"""

from __future__ import annotations

import importlib.util
import math
import string
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from revlearn.errors import MissingDependencyError

__all__ = ["LexiconScorer", "load_vader_lexicon"]

_B_INCR = 0.293
_B_DECR = -0.293
_C_INCR = 0.733
_N_SCALAR = -0.74
_ALPHA = 15.0

_NEGATE = frozenset(
    [
        "aint",
        "arent",
        "cannot",
        "cant",
        "couldnt",
        "darent",
        "didnt",
        "doesnt",
        "ain't",
        "aren't",
        "can't",
        "couldn't",
        "daren't",
        "didn't",
        "doesn't",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "mightnt",
        "mustnt",
        "neither",
        "don't",
        "hadn't",
        "hasn't",
        "haven't",
        "isn't",
        "mightn't",
        "mustn't",
        "neednt",
        "needn't",
        "never",
        "none",
        "nope",
        "nor",
        "not",
        "nothing",
        "nowhere",
        "oughtnt",
        "shant",
        "shouldnt",
        "uhuh",
        "wasnt",
        "werent",
        "oughtn't",
        "shan't",
        "shouldn't",
        "uh-uh",
        "wasn't",
        "weren't",
        "without",
        "wont",
        "wouldnt",
        "won't",
        "wouldn't",
        "rarely",
        "seldom",
        "despite",
    ]
)
_UP = [
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
]
_DOWN = [
    "almost",
    "barely",
    "hardly",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sorta",
    "sortof",
    "sort-of",
]
_BOOSTERS: dict[str, float] = {
    **dict.fromkeys(_UP, _B_INCR),
    **dict.fromkeys(_DOWN, _B_DECR),
    "just enough": _B_DECR,
    "kind of": _B_DECR,
    "sort of": _B_DECR,
}
_SPECIAL_CASES = {
    "the shit": 3.0,
    "the bomb": 3.0,
    "bad ass": 1.5,
    "badass": 1.5,
    "bus stop": 0.0,
    "yeah right": -2.0,
    "kiss of death": -1.5,
    "to die for": 3.0,
    "beating heart": 3.5,
}
_SO_THIS = ("so", "this")


def _package_dir() -> Path:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "The lexicon sentiment model needs the vaderSentiment package (its lexicon).",
            where="revlearn.usecases.text.lexicon",
            fix="Install the extra: pip install 'revlearn[nlp]'.",
        )
    return Path(next(iter(spec.submodule_search_locations)))


@lru_cache(maxsize=1)
def _cached_lexicon() -> tuple[dict[str, float], dict[str, str]]:
    folder = _package_dir()
    words: dict[str, float] = {}
    text = (folder / "vader_lexicon.txt").read_text(encoding="utf-8")
    for line in text.rstrip("\n").split("\n"):
        if line:
            word, measure = line.strip().split("\t")[0:2]
            words[word] = float(measure)
    emojis: dict[str, str] = {}
    text = (folder / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8")
    for line in text.rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return words, emojis


def load_vader_lexicon() -> tuple[dict[str, float], dict[str, str]]:
    """Read VADER's word and emoji lexicons from the installed ``vaderSentiment`` package.

    Returns
    -------
    words : dict
        Lower-case word or emoticon → mean valence in [-4, 4] (7,500 entries).
    emojis : dict
        Emoji character → its English description (scored as words).

    Raises
    ------
    MissingDependencyError
        If ``vaderSentiment`` is not installed.
    """
    words, emojis = _cached_lexicon()
    return dict(words), dict(emojis)


def _strip_punc(token: str) -> str:
    stripped = token.strip(string.punctuation)
    return token if len(stripped) <= 2 else stripped


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _booster(token: str, lower: str, valence: float, cap_diff: bool) -> float:
    scalar = _BOOSTERS.get(lower, 0.0)
    if scalar == 0.0:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if cap_diff and token.isupper():
        scalar += _C_INCR if valence > 0 else -_C_INCR
    return scalar


def _negation(valence: float, lower: list[str], start: int, i: int) -> float:
    if start == 0:
        if _negated(lower[i - 1]):
            valence *= _N_SCALAR
    elif start == 1:
        if lower[i - 2] == "never" and lower[i - 1] in _SO_THIS:
            valence *= 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence *= _N_SCALAR
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in _SO_THIS) or lower[i - 1] in _SO_THIS:
            valence *= 1.25
        elif lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
            pass
        elif _negated(lower[i - 3]):
            valence *= _N_SCALAR
    return valence


def _idioms(valence: float, lower: list[str], i: int) -> float:
    w3, w2, w1, w0 = lower[i - 3], lower[i - 2], lower[i - 1], lower[i]
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
        if seq in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[seq]
            break
    n = len(lower)
    if n - 1 > i:
        pair = f"{w0} {lower[i + 1]}"
        if pair in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[pair]
    if n - 1 > i + 1:
        triple = f"{w0} {lower[i + 1]} {lower[i + 2]}"
        if triple in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[triple]
    for gram in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
        if gram in _BOOSTERS:
            valence += _BOOSTERS[gram]
    return valence


def _but(lower: list[str], sentiments: list[float]) -> list[float]:
    # VADER's own loop, kept as is (it looks values up with list.index) so that scores match.
    if "but" not in lower:
        return sentiments
    bi = lower.index("but")
    for sentiment in list(sentiments):
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5
    return sentiments


def _punctuation(text: str) -> float:
    amplifier = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        amplifier += questions * 0.18 if questions <= 3 else 0.96
    return amplifier


class LexiconScorer:
    """Score texts with VADER's lexicon and rules, in a single fast pass.

    Parameters
    ----------
    words : dict, optional
        Word → valence in [-4, 4]; VADER's lexicon when omitted. Add domain words by
        passing ``{**load_vader_lexicon()[0], "laggy": -1.8}``.
    emojis : dict, optional
        Emoji → description; VADER's emoji lexicon when omitted.

    Raises
    ------
    MissingDependencyError
        If a lexicon is omitted and ``vaderSentiment`` is not installed.
    """

    def __init__(
        self, words: dict[str, float] | None = None, emojis: dict[str, str] | None = None
    ) -> None:
        default_words, default_emojis = (
            _cached_lexicon() if words is None or emojis is None else ({}, {})
        )
        self.words = dict(words) if words is not None else dict(default_words)
        self.emojis = dict(emojis) if emojis is not None else dict(default_emojis)

    def _demoji(self, text: str) -> str:
        out: list[str] = []
        prev_space = True
        emojis = self.emojis
        for char in text:
            description = emojis.get(char)
            if description is not None:
                if not prev_space:
                    out.append(" ")
                out.append(description)
                prev_space = False
            else:
                out.append(char)
                prev_space = char == " "
        return "".join(out)

    def token_valences(self, text: str) -> tuple[list[str], list[float], str]:
        """Return each token's valence after VADER's rules, as used by the compound score.

        Parameters
        ----------
        text : str
            One text (a sentence works best).

        Returns
        -------
        tokens : list of str
            The whitespace tokens, stripped of surrounding punctuation (emoji replaced by
            their description).
        valences : list of float
            One valence per token (0 for words outside the lexicon), after negation,
            boosters, capitals, idioms, "least" and "but".
        text : str
            The text the punctuation emphasis is counted on.
        """
        if not text.isascii():
            text = self._demoji(text)
        text = text.strip()
        tokens = [_strip_punc(t) for t in text.split()]
        lower = [t.lower() for t in tokens]
        n = len(tokens)
        n_upper = sum(1 for t in tokens if t.isupper())
        cap_diff = 0 < n - n_upper < n
        lex = self.words
        sentiments: list[float] = []
        for i, word in enumerate(lower):
            base = lex.get(word)
            if (
                base is None
                or word in _BOOSTERS
                or (word == "kind" and i < n - 1 and lower[i + 1] == "of")
            ):
                sentiments.append(0.0)
                continue
            sentiments.append(self._valence(tokens, lower, i, base, cap_diff))
        return tokens, _but(lower, sentiments), text

    def _valence(
        self, tokens: list[str], lower: list[str], i: int, base: float, cap_diff: bool
    ) -> float:
        lex = self.words
        n = len(lower)
        valence = base
        if lower[i] == "no" and i != n - 1 and lower[i + 1] in lex:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = base * _N_SCALAR
        if cap_diff and tokens[i].isupper():
            valence += _C_INCR if valence > 0 else -_C_INCR
        for start in range(3):
            prev = i - start - 1
            if prev >= 0 and lower[prev] not in lex:
                s = _booster(tokens[prev], lower[prev], valence, cap_diff)
                if s and start == 1:
                    s *= 0.95
                elif s and start == 2:
                    s *= 0.9
                valence = _negation(valence + s, lower, start, i)
                if start == 2:
                    valence = _idioms(valence, lower, i)
        if i > 1 and lower[i - 1] not in lex and lower[i - 1] == "least":
            if lower[i - 2] not in ("at", "very"):
                valence *= _N_SCALAR
        elif i > 0 and lower[i - 1] not in lex and lower[i - 1] == "least":
            valence *= _N_SCALAR
        return valence

    def compound(self, text: str) -> float:
        """Return VADER's compound score of one text.

        Parameters
        ----------
        text : str
            The text.

        Returns
        -------
        float
            Normalised sum of valences in [-1, 1], rounded to 4 decimals as VADER does.
        """
        _, sentiments, stripped = self.token_valences(text)
        return _normalize(sentiments, stripped)

    def score(self, texts: Iterable[str]) -> np.ndarray:
        """Return the compound score of many texts.

        Parameters
        ----------
        texts : iterable of str
            The texts; non-strings are converted with ``str``.

        Returns
        -------
        numpy.ndarray
            One compound score in [-1, 1] per text (0 for texts without lexicon words).
        """
        compound = self.compound
        return np.fromiter(
            (compound(t if isinstance(t, str) else str(t)) for t in texts), dtype=np.float64
        )


def _normalize(sentiments: Sequence[float], text: str) -> float:
    if not sentiments:
        return 0.0
    total = float(sum(sentiments))
    if total > 0:
        total += _punctuation(text)
    elif total < 0:
        total -= _punctuation(text)
    value = total / math.sqrt(total * total + _ALPHA)
    return round(min(1.0, max(-1.0, value)), 4)


def valence_sum_to_polarity(total: float) -> float:
    """Map a sum of valences to [-1, 1] with VADER's normaliser (alpha = 15)."""
    return total / math.sqrt(total * total + _ALPHA)
