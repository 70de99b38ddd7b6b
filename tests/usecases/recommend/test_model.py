"""Tests of the Recommender: planted tastes, cold start, repeat purchases, reasons, saving;
evaluate, summary and explain come from revlearn.usecases.recommend.views."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from revlearn.errors import NotFittedError, NotFoundError, ParameterError, RevlearnWarning
from revlearn.usecases.recommend import Recommender
from tests.usecases.recommend.conftest import split


def _ndcg(frame: pd.DataFrame, model: str) -> float:
    return float(frame.loc[(frame["model"] == model) & (frame["k"] == 10), "ndcg"].iloc[0])


def test_learns_planted_tastes_far_beyond_popularity(shop) -> None:
    inter, items, users, _ = shop
    train, held = split(inter)
    model = Recommender(timestamp_col="timestamp").fit(train, items=items, users=users)
    scores = model.evaluate(held, ks=[10])
    assert model.method_ not in ("popularity", "segment_popularity")
    assert _ndcg(scores, "revlearn") > 1.4 * _ndcg(scores, "popularity")


def test_shuffled_items_give_no_structure_to_learn(shop) -> None:
    inter, *_ = shop
    shuffled = inter.assign(item=np.random.default_rng(0).permutation(inter["item"].to_numpy()))
    shuffled = shuffled.drop_duplicates(["user", "item"])
    train, held = split(shuffled)
    scores = Recommender(method="ease").fit(train).evaluate(held, ks=[10])
    assert _ndcg(scores, "revlearn") < 1.15 * _ndcg(scores, "popularity")


def test_recommend_shape_and_no_seen_durables(fitted, shop) -> None:
    inter, _items, _, truths = shop
    recs = fitted.recommend(k=5)
    assert list(recs.columns) == ["user", "rank", "item", "score", "reason"]
    assert recs.groupby("user").size().max() == 5
    assert set(recs["user"]) == set(inter["user"])
    durable = ~recs["item"].isin(truths["consumables"])
    bought = set(zip(inter["user"], inter["item"], strict=True))
    seen = [(u, i) in bought for u, i in zip(recs["user"], recs["item"], strict=True)]
    assert not (np.array(seen) & durable.to_numpy()).any()


def test_consumables_bought_again_are_recommended_again(fitted, shop) -> None:
    inter, _, _, truths = shop
    counts = inter.groupby(["user", "item"]).size()
    regular = counts[counts >= 3].reset_index()
    regular = regular[regular["item"].isin(truths["consumables"])].head(50)
    recs = fitted.recommend(regular["user"].unique(), k=10)
    got = set(zip(recs["user"], recs["item"], strict=True))
    share = np.mean([(u, i) in got for u, i in zip(regular["user"], regular["item"], strict=True)])
    assert share > 0.8
    repeat = recs[recs["reason"] == "you buy this regularly"]
    assert repeat["item"].isin(truths["consumables"]).all() and len(repeat) > 0
    repeatable = {fitted.items_[i] for i in np.flatnonzero(fitted.repeatable_)}
    assert repeatable and repeatable <= set(truths["consumables"])


def test_cold_start_user_gets_their_segments_items(fitted, shop) -> None:
    _, items, _, truths = shop
    category = items.set_index("item")["category"]
    new = pd.DataFrame(
        {"user": ["new-a", "new-b"], "segment": ["tech", "healthcare"], "company_size": "small"}
    )
    recs = fitted.predict(new)
    for user, segment in (("new-a", "tech"), ("new-b", "healthcare")):
        mine = recs[recs["user"] == user]
        share = mine["item"].map(category).isin(truths["segment_categories"][segment]).mean()
        assert len(mine) == 10 and share >= 0.8
        assert mine["reason"].str.contains(f"popular with {segment}").all()
    unknown = fitted.recommend(["nobody"], k=3)
    assert (unknown["reason"] == "popular with all customers").all()


def test_new_items_are_reached_through_content(fitted, shop) -> None:
    _, items, _, truths = shop
    category = items.set_index("item")["category"]
    recs = fitted.recommend(k=10)
    new = recs[recs["item"].isin(truths["new_items"])]
    assert len(new) > 0
    assert new["reason"].str.startswith("similar to ").all()
    anchor = new["reason"].str.removeprefix("similar to ")
    same = (anchor.map(category) == new["item"].map(truths["new_item_category"])).mean()
    assert same > 0.9


def test_reasons_name_a_real_past_item(fitted, shop) -> None:
    inter, *_ = shop
    recs = fitted.recommend(k=10)
    because = recs[recs["reason"].str.startswith("because you bought ")]
    assert len(because) > 0.5 * len(recs)
    past = because["reason"].str.removeprefix("because you bought ")
    bought = set(zip(inter["user"], inter["item"], strict=True))
    assert all((u, p) in bought for u, p in zip(because["user"], past, strict=True))


def test_similar_items_and_explain(fitted, shop) -> None:
    _, items, _, truths = shop
    category = items.set_index("item")["category"]
    top_item = fitted.items_[int(np.argmax(fitted.popularity_.counts))]
    similar = fitted.similar_items(top_item, k=5)
    assert len(similar) == 5 and (similar["similar_item"] != top_item).all()
    new_item = truths["new_items"][0]
    by_text = fitted.similar_items(new_item, k=3)
    assert (by_text["similar_item"].map(category) == category[new_item]).all()
    with pytest.raises(NotFoundError, match="not in the training data"):
        fitted.similar_items("no-such-item")
    table = fitted.explain()
    assert (
        table["chosen"].sum() == 1
        and table.loc[table["chosen"], "method"].iloc[0] == fitted.method_
    )
    user = fitted.users_[0]
    mine = fitted.explain(user)
    assert mine["reason"].str.startswith("bought").any()


def test_summary_is_json_ready(fitted) -> None:
    summary = fitted.summary()
    again = json.loads(json.dumps(summary))
    assert again["method"] == fitted.method_
    assert again["validation_ndcg"] > again["popularity_ndcg"]
    assert again["new_items"] == 6 and again["repeat_items"] > 0
    assert {"method", "ndcg", "precision"} <= set(again["candidates"][0])


def test_user_with_nothing_left_gets_fewer_rows() -> None:
    data = pd.DataFrame(
        {"user": ["a", "a", "a", "b", "b", "c"], "item": ["x", "y", "z", "x", "y", "x"]}
    )
    model = Recommender(method="popularity").fit(data)
    with pytest.warns(RevlearnWarning, match="fewer than 10 items left"):
        recs = model.recommend(["a", "b"])
    assert (recs["user"] == "a").sum() == 0 and list(recs.loc[recs["user"] == "b", "item"]) == ["z"]


def test_parameters_are_checked_and_unfitted_use_fails() -> None:
    data = pd.DataFrame({"user": ["a", "b"], "item": ["x", "y"]})
    with pytest.raises(ParameterError, match="method must be one of"):
        Recommender(method="magic").fit(data)
    with pytest.raises(ParameterError, match="k must be a whole number"):
        Recommender(k=0).fit(data)
    with pytest.raises(NotFittedError, match=re.escape("recommend()")):
        Recommender().recommend()


def test_save_and_load_gives_the_same_recommendations(fitted, tmp_path) -> None:
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace

    reg = Registry(Workspace(tmp_path / "ws"))
    reg.save(
        fitted,
        name="rec",
        usecase="recommend",
        params=fitted.get_params(),
        metrics={},
        fingerprint="f",
    )
    loaded, _ = reg.load("rec")
    users = [*fitted.users_[:50], "nobody"]
    pd.testing.assert_frame_equal(loaded.recommend(users), fitted.recommend(users))


@pytest.mark.parametrize("method", ["als", "bpr", "hybrid", "item_knn", "content"])
def test_each_family_fits_and_saves(shop, method, tmp_path) -> None:
    from revlearn.store.registry import Registry
    from revlearn.store.workspace import Workspace

    inter, items, *_ = shop
    model = Recommender(method=method).fit(inter, items=items)
    assert model.method_ == method
    if method in ("als", "bpr"):
        assert isinstance(model.model_.user_factors, np.ndarray)
    reg = Registry(Workspace(tmp_path / "ws"))
    reg.save(
        model, name="f", usecase="recommend", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _ = reg.load("f")
    pd.testing.assert_frame_equal(
        loaded.recommend(model.users_[:20]), model.recommend(model.users_[:20])
    )


def test_integer_ids_keep_their_type_and_exclude_seen_options() -> None:
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"user": rng.integers(0, 60, 600), "item": rng.integers(0, 40, 600)})
    data["when"] = 1_600_000_000 + rng.integers(0, 10_000_000, 600)  # Unix seconds
    model = Recommender(timestamp_col="when", method="ease").fit(data)
    recs = model.recommend([0, 1, 999], k=5)
    assert recs["user"].dtype == np.int64 and recs["item"].dtype == np.int64
    assert "time split" in model.summary()["validation"]
    bought = set(zip(data["user"], data["item"], strict=True))
    pairs = set(zip(recs["user"], recs["item"], strict=True))
    assert not pairs & bought
    keep_all = Recommender(method="popularity", exclude_seen=False).fit(data).recommend([0], k=40)
    assert len(keep_all) == 40
    with pytest.raises(ParameterError, match="exclude_seen must be"):
        Recommender(exclude_seen="sometimes").fit(data)
