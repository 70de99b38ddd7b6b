"""Design matrices remember which original column made each feature."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revlearn.models.design import categorical_indices, feature_groups, make_design


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "minutes": [1.0, np.nan, 3.0, 4.0] * 10,
            "source": ["web", "Web ", "referral", None] * 10,
        }
    )


def test_onehot_groups_map_every_feature_to_its_column():
    design = make_design(numeric=["minutes"], categorical=["source"])
    X = design.fit_transform(_frame())
    groups = feature_groups(design)
    assert len(groups) == X.shape[1]
    # minutes: value + missing indicator; source: web (merged with "Web "), referral, missing
    assert groups.count("minutes") == 2
    assert groups.count("source") == 3


def test_unseen_category_scores_without_error():
    design = make_design(numeric=["minutes"], categorical=["source"])
    design.fit(_frame())
    X = design.transform(pd.DataFrame({"minutes": [2.0], "source": ["carrier pigeon"]}))
    assert np.isfinite(X).all()


def test_native_flavour_keeps_missing_and_codes_categories():
    design = make_design(numeric=["minutes"], categorical=["source"], flavour="native")
    X = design.fit_transform(_frame())
    assert X.shape[1] == 2
    assert np.isnan(X[1, 0])  # LightGBM handles missing numerics itself
    assert categorical_indices(design, ["source"]) == [1]
    unseen = design.transform(pd.DataFrame({"minutes": [1.0], "source": ["new"]}))
    assert np.isnan(unseen[0, 1])
