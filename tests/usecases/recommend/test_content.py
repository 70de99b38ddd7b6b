from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from revlearn.errors import ParameterError
from revlearn.usecases.recommend.candidates import Content

ITEMS = [
    "wireless earbuds with noise cancelling",
    "bluetooth headphones for music",
    "stainless steel frying pan",
    "non-stick cooking pot for the kitchen",
    "",
]


@pytest.fixture(scope="module")
def embedded():
    pytest.importorskip("sentence_transformers")
    return Content.fit(ITEMS, method="embeddings")


def test_embeddings_relate_items_that_share_no_word(embedded):
    assert embedded.method == "embeddings" and isinstance(embedded.vectors, np.ndarray)
    assert embedded.vectors.shape == (5, 384) and not embedded.vectors[4].any()
    similar = embedded.similar(0)
    assert int(np.argsort(-similar)[1]) == 1
    assert similar[1] > similar[2] + 0.2 and similar[1] > similar[3] + 0.2
    # Control: TF-IDF sees no shared word between the earbuds and the headphones.
    tfidf = Content.fit(ITEMS)
    assert tfidf.method == "tfidf" and sp.issparse(tfidf.vectors)
    assert tfidf.similar(0)[1] == pytest.approx(0.0)


def test_embedding_scores_and_support(embedded):
    X = sp.csr_matrix(np.array([[1, 0, 0, 0, 0], [0, 0, 1, 0, 0]], dtype=np.float32))
    scores = embedded.scores(X, np.arange(2))
    assert scores.shape == (2, 5) and scores.dtype == np.float32
    assert scores[0, 1] > scores[0, 3] and scores[1, 3] > scores[1, 1]
    support = embedded.support(np.array([0, 2]), np.array([1, 3]))
    np.testing.assert_allclose(support, [scores[0, 1], scores[1, 3]], atol=1e-5)


def test_unknown_method():
    with pytest.raises(ParameterError, match="content method"):
        Content.fit(ITEMS, method="bert")


def test_recommender_passes_its_content_choice_on():
    import pandas as pd

    from revlearn.usecases.recommend import Recommender

    bought = pd.DataFrame({"user": list("aabbccdd"), "item": [0, 1, 0, 1, 2, 3, 2, 3]})
    items = pd.DataFrame({"item": range(5), "description": ITEMS})
    model = Recommender(method="content", k=2).fit(bought, items=items)
    assert model.content_.method == "tfidf"  # the default
    with pytest.raises(ParameterError, match="content must be"):
        Recommender(content="bert").fit(bought, items=items)
    pytest.importorskip("sentence_transformers")
    meant = Recommender(method="content", k=2, content="embeddings").fit(bought, items=items)
    assert meant.content_.method == "embeddings"
    # the earbuds' buyers are pointed to the headphones by meaning, not by shared words
    similar = meant.similar_items(0, k=1)
    assert similar["similar_item"].iloc[0] == 1
