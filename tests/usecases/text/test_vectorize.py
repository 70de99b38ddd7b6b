from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from revlearn.usecases.text._vectorize import CharNgramTfidf

DOCS = [
    "The battery is great",
    "the  BATTERY was awful!!",
    "a",
    "",
    "Été café naïve",
    "I love it, I love it",
    "great screen and great battery",
]


def test_same_numbers_as_scikit_learn():
    ours = CharNgramTfidf(ngram_range=(2, 5), min_df=2).fit(DOCS)
    theirs = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
    ).fit(DOCS)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    new = ["battery great", "unknown words only", "café"]
    diff = abs(ours.transform(new) - theirs.transform(new))
    assert diff.max() < 1e-12
    np.testing.assert_allclose(ours.idf_, theirs.idf_)


def test_max_features_keeps_the_most_frequent():
    ours = CharNgramTfidf(min_df=1, max_features=10).fit(DOCS)
    full = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), use_idf=False, norm=None)
    counts = np.asarray(full.fit_transform(DOCS).sum(axis=0)).ravel()
    total = dict(zip(full.get_feature_names_out(), counts, strict=True))
    kept = [total[g] for g in ours.vocabulary_]
    dropped = [v for g, v in total.items() if g not in ours.vocabulary_]
    assert len(kept) == 10 and min(kept) >= max(dropped)
    ours.transform(DOCS)
    assert "_cache" not in ours.__getstate__()
