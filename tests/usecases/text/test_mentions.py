from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.text_extras import make_product_mentions
from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.text import ProductMentions
from revlearn.usecases.text.mentions import name_variants


@pytest.fixture(scope="module")
def posts():
    return make_product_mentions(np.random.default_rng(3), 400)


@pytest.fixture(scope="module")
def ruler(posts):
    (catalog, _, _), _ = posts
    return ProductMentions(id_col="post_id", timestamp_col="created_at").fit(catalog=catalog)


def _recall(model, frame, spans):
    found = model.predict(frame)
    gold = set(zip(spans["post_id"], spans["start"], spans["end"], spans["product"], strict=True))
    got = set(zip(found["post_id"], found["start"], found["end"], found["product"], strict=True))
    return len(gold & got) / len(gold)


def test_misspelled_plural_and_spacing_variants_found_with_canonical_name(posts, ruler):
    (catalog, frame, spans), _truths = posts
    for kind in ("typo", "spacing", "lower"):
        some = spans[spans["kind"] == kind]
        assert len(some) > 10
        assert _recall(ruler, frame, some) >= 0.95, kind
    # Negative control: the plain ruler (no misspelling variants) misses the typos.
    plain = ProductMentions(id_col="post_id", typos=False).fit(catalog=catalog)
    assert _recall(plain, frame, spans[spans["kind"] == "typo"]) < 0.2


def test_words_that_are_not_products_are_not_found(posts, ruler):
    (_, frame, _), truths = posts
    decoys = frame[frame["post_id"].isin(truths["decoy_ids"])]
    assert len(decoys) >= 5
    found = ruler.predict(decoys)
    assert not found["label"].isin(["PRODUCT", "COMPETITOR"]).any()
    text = pd.DataFrame(
        {"post_id": [1, 2, 3], "text": ["My pulse was racing", "Lovely aurora tonight", "a phone"]}
    )
    assert ruler.predict(text).empty


def test_near_duplicate_names_and_rules_without_training(ruler):
    texts = pd.DataFrame(
        {
            "text": [
                "The Pulse Buds Pro are better than the pulse buds",
                "Paid $1,299.99 for two ZPhones on March 3rd, 2025 and 40 euros next Tuesday",
                "Lumen support rocks",
            ],
            "post_id": [0, 1, 2],
        }
    )
    found = ruler.predict(texts)
    first = found[found["post_id"] == 0]
    assert first["product"].tolist() == ["Pulse Buds Pro", "Pulse Buds"]
    second = found[found["post_id"] == 1].set_index("mention")
    assert second.loc["$1,299.99", "label"] == "MONEY"
    assert second.loc["40 euros", "label"] == "MONEY"
    assert second.loc["March 3rd, 2025", "label"] == "DATE"
    assert second.loc["next Tuesday", "label"] == "DATE"
    assert second.loc["ZPhones", "product"] == "Zenith Phone"
    assert second.loc["ZPhones", "label"] == "COMPETITOR"
    assert found[found["post_id"] == 2]["label"].tolist() == ["ORG"]


def test_name_variants():
    exact, wrong = name_variants("Aurora Phone")
    assert {"aurora phone", "auroraphone", "aurora-phone", "aurora phones"} <= set(exact)
    assert {"auora phone", "aurrora phone", "aruora phone", "aurora phnoe"} & set(wrong)
    assert "aurora phone" not in wrong
    assert name_variants("Nova 15", typos=True)[1] == []  # no word of 5+ letters


def test_share_of_voice_finds_the_rising_product(posts, ruler):
    (_, frame, _), truths = posts
    sov = ruler.share_of_voice(frame)
    assert set(sov.columns) == {"period", "product", "label", "mentions", "share"}
    np.testing.assert_allclose(sov.groupby("period")["share"].sum(), 1.0)
    wide = sov.pivot_table(index="period", columns="product", values="share", fill_value=0)
    x = np.arange(len(wide))
    slopes = {p: np.polyfit(x, wide[p].to_numpy(), 1)[0] for p in wide.columns}
    assert max(slopes, key=slopes.get) == truths["rising_product"]
    counts = ruler.mention_counts(frame)
    assert counts["share"].sum() == pytest.approx(1.0)
    with_source = ProductMentions(
        id_col="post_id", timestamp_col="created_at", source_col="source"
    ).fit(catalog=posts[0][0])
    assert "source" in with_source.share_of_voice(frame.head(50)).columns


def test_trained_ner_finds_products_missing_from_the_catalogue(posts):
    (catalog, frame, spans), _ = posts
    small = catalog[catalog["product"] == "Aurora Phone"]
    train, test = frame.iloc[:250], frame.iloc[250:]
    others = spans[
        spans["post_id"].isin(test["post_id"])
        & spans["label"].eq("PRODUCT")
        & spans["product"].ne("Aurora Phone")
    ]
    rules_only = ProductMentions(id_col="post_id").fit(catalog=small)
    model = ProductMentions(id_col="post_id", n_epochs=4).fit(
        train, catalog=small, spans=spans[spans["post_id"].isin(train["post_id"])]
    )

    def found(m):
        got = m.predict(test)
        got = set(zip(got["post_id"], got["start"], got["end"], got["label"], strict=True))
        gold = set(
            zip(others["post_id"], others["start"], others["end"], others["label"], strict=True)
        )
        return len(gold & got) / len(gold)

    assert found(rules_only) == 0.0
    assert found(model) >= 0.8
    summary = model.summary()
    assert summary["ner_trained"] and "PRODUCT" in summary["ner_labels"]
    assert summary["ner_scores"]["PRODUCT"]["f"] > 0.6
    table = model.evaluate(test, spans[spans["post_id"].isin(test["post_id"])])
    assert table.set_index("label").loc["all", "recall"] > 0.8


def test_save_and_load_through_the_registry(posts, tmp_path):
    (catalog, frame, spans), _ = posts
    train = frame.iloc[:120]
    model = ProductMentions(id_col="post_id", n_epochs=2).fit(
        train, catalog=catalog, spans=spans[spans["post_id"].isin(train["post_id"])]
    )
    before = model.predict(frame.iloc[300:])
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="m", usecase="mentions", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _record = reg.load("m")
    pd.testing.assert_frame_equal(loaded.predict(frame.iloc[300:]), before)
    assert loaded.summary() == model.summary()


def test_bad_input(ruler):
    dup = pd.DataFrame({"product": ["Aurora Phone", "aurora phone "], "brand": ["A", "B"]})
    with pytest.raises(InputError, match="Aurora Phone"):
        ProductMentions().fit(catalog=dup)
    same = pd.DataFrame({"product": ["Nova 15", "Nova 15", "Terra"], "brand": ["L", "L", "L"]})
    model = ProductMentions().fit(catalog=same)
    assert model.products_ == ["Nova 15", "Terra"] and "duplicate" in model.summary()["notes"][0]
    with pytest.raises(InputError, match="no product"):
        ProductMentions().fit(catalog=pd.DataFrame({"product": ["", None]}))
    with pytest.raises(SchemaError):
        ProductMentions(product_col="name").fit(catalog=dup)
    with pytest.raises(ParameterError):
        ProductMentions(n_epochs=0).fit(catalog=same)
    with pytest.raises(InputError, match="without the texts"):
        ProductMentions().fit(catalog=same, spans=pd.DataFrame())
    with pytest.raises(NotFittedError):
        ProductMentions().predict(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ParameterError, match="timestamp"):
        ProductMentions().fit(catalog=same).share_of_voice(pd.DataFrame({"text": ["x"]}))
    empty = ruler.predict(pd.DataFrame({"text": ["", "   ", None], "post_id": [1, 2, 3]}))
    assert empty.empty and list(empty.columns)[:3] == ["post_id", "mention", "label"]
    assert len(ruler.explain(product="Aurora Phone")) > 20
    huge = "I love my Aurora Phone. " + "blah " * 200_000  # 1 MB: cut to max_chars
    odd = "Caf\u00c3\u00a9 owners love the Terra Speaker".encode("latin-1")  # bytes, mojibake
    found = ruler.predict(pd.DataFrame({"post_id": [1, 2], "text": [huge, odd]}))
    assert found["product"].tolist() == ["Aurora Phone", "Terra Speaker"]
