"""Small seeded demo reviews and tickets shared by the text tests."""

from __future__ import annotations

import numpy as np
import pytest

from revlearn.data.synth.texts import make_reviews, make_tickets


@pytest.fixture(scope="session")
def reviews():
    return make_reviews(np.random.default_rng(1), 1300)


@pytest.fixture(scope="session")
def tickets():
    return make_tickets(np.random.default_rng(2), 1000)
