from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")

from revlearn.errors import InputError, MissingDependencyError
from revlearn.models import embeddings


@pytest.fixture(scope="session")
def loaded():
    assert embeddings.available()
    embeddings.encode(["warm up"])
    return embeddings


def test_vectors_are_unit_length_float32(loaded):
    vectors = loaded.encode(["first text", "", "a third, longer text about invoices"])
    assert vectors.shape == (3, embeddings.DIMENSION) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert loaded.encode([]).shape == (0, embeddings.DIMENSION)


def test_paraphrases_closer_than_unrelated(loaded):
    pairs = [
        ("I was charged twice on my card", "My credit card was billed two times"),
        ("I cannot log in to my account", "The sign-in page rejects my password"),
        ("Where is my parcel?", "My package has not arrived yet"),
        ("The app crashes when I open it", "The application closes right after launch"),
    ]
    a = loaded.encode([p[0] for p in pairs])
    b = loaded.encode([p[1] for p in pairs])
    similarity = a @ b.T
    matched = np.diag(similarity)
    unrelated = similarity[~np.eye(len(pairs), dtype=bool)]
    assert matched.min() > unrelated.max()
    assert matched.mean() > 0.5 and unrelated.mean() < 0.3


def test_cache_returns_same_vectors(loaded):
    texts = ["repeat me", "and me", "repeat me"]
    first = loaded.encode(texts)
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_allclose(loaded.encode(texts[:1])[0], first[0], atol=1e-6)


def test_bad_batch_size(loaded):
    with pytest.raises(InputError, match="batch_size"):
        loaded.encode(["x"], batch_size=0)


def test_missing_extra_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(embeddings, "_model", None)
    monkeypatch.setattr(embeddings, "available", lambda: False)
    with pytest.raises(MissingDependencyError, match=r"revlearn\[embeddings\]"):
        embeddings.encode(["x"])
