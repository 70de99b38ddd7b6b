"""The CLI for the text use cases: sentiment, routing, topics, calls and product mentions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.text_extras import (
    make_call_transcripts,
    make_product_mentions,
    make_topic_texts,
)
from revlearn.data.synth.texts import make_reviews, make_tickets
from tests.cli.helpers import as_json, bad_input, ok, run, write


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Demo texts written once: reviews, tickets (fit and held-out), topics, calls, posts."""
    folder = tmp_path_factory.mktemp("texting")
    reviews, review_truths = make_reviews(np.random.default_rng(1), 300)
    tickets, ticket_truths = make_tickets(np.random.default_rng(2), 900)
    topics, topic_truths = make_topic_texts(np.random.default_rng(3), 300)
    (calls, deals), _ = make_call_transcripts(np.random.default_rng(4), 150)
    (catalog, posts, spans), post_truths = make_product_mentions(np.random.default_rng(5), 200)
    categories = pd.DataFrame(
        {
            "name": list(ticket_truths["categories"]),
            "description": list(ticket_truths["categories"].values()),
        }
    )
    shuffled = tickets.assign(
        category=np.random.default_rng(0).permutation(tickets["category"].to_numpy())
    )
    duplicate = pd.concat([catalog, catalog.iloc[[0]].assign(brand="Other")], ignore_index=True)
    return {
        "reviews": write(reviews, folder / "reviews.csv"),
        "review_truths": review_truths,
        "reviews_df": reviews,
        "tickets_fit": write(tickets.iloc[:600], folder / "tickets_fit.csv"),
        "tickets_new": write(tickets.iloc[600:], folder / "tickets_new.csv"),
        "tickets_shuffled": write(shuffled.iloc[:600], folder / "tickets_shuffled.csv"),
        "categories": write(categories, folder / "categories.csv"),
        "topics": write(topics, folder / "topics.csv"),
        "topics_df": topics,
        "topic_truths": topic_truths,
        "calls": write(calls, folder / "calls.csv"),
        "deals": write(deals, folder / "deals.csv"),
        "catalog": write(catalog, folder / "catalog.csv"),
        "duplicate_catalog": write(duplicate, folder / "duplicate_catalog.csv"),
        "posts": write(posts, folder / "posts.csv"),
        "spans": spans,
        "post_truths": post_truths,
        "ws": folder / "ws",
        "folder": folder,
    }


def _fit(files: dict, *args: object) -> dict:
    return as_json(run("fit", *args, "--json", ws=files["ws"]))


def _predict(files: dict, model: str, data: object, out: Path) -> tuple[dict, pd.DataFrame]:
    doc = as_json(run("predict", "-m", model, "-d", data, "--out", out, "--json", ws=files["ws"]))
    return doc, pd.read_csv(out)


# -------------------------------------------------------------------------- sentiment
def test_sentiment_lexicon_two_labels(files: dict, tmp_path: Path) -> None:
    fitted = _fit(
        files, "sentiment", "-d", files["reviews"], "--text", "text", "--id", "review_id",
        "--product", "product", "--timestamp", "created_at", "--two-labels", "--name", "lex2",
    )  # fmt: skip
    assert fitted["usecase"] == "sentiment" and fitted["model"] == "lex2"
    assert fitted["method"] == "lexicon" and fitted["classes"] == ["negative", "positive"]
    assert fitted["status_counts"]["other_language"] > 0  # flagged in the notes, not an error
    doc, scored = _predict(files, "lex2", files["reviews"], tmp_path / "s.csv")
    assert list(scored.columns[:4]) == ["review_id", "label", "confidence", "polarity"]
    truths = files["review_truths"]
    other = scored[scored["review_id"].isin(truths["other_language_ids"])]
    assert len(other) and (other["status"] == "other_language").all()
    assert other["label"].isna().all()  # flagged, not silently scored
    assert doc["status_counts"]["other_language"] == len(other)
    # Two-class ground truth: the lexicon is right on most, a shuffled truth is at chance.
    reviews = files["reviews_df"]
    two = reviews[reviews["sentiment"] != "neutral"]
    two_path = write(two, tmp_path / "two.csv")
    found = as_json(run("evaluate", "-m", "lex2", "-d", two_path, "--json", ws=files["ws"]))
    assert found["accuracy"] > 0.85 and found["macro_f1"] > 0.85
    assert {r["category"] for r in found["per_class"]} == {"negative", "positive"}
    rng = np.random.default_rng(0)
    noise = two.assign(sentiment=rng.permutation(two["sentiment"].to_numpy()))
    noise_path = write(noise, tmp_path / "noise.csv")
    control = as_json(run("evaluate", "-m", "lex2", "-d", noise_path, "--json", ws=files["ws"]))
    assert control["accuracy"] < 0.65
    page = tmp_path / "sentiment.html"
    ok(run("report", "-m", "lex2", "-d", files["reviews"], "--out", page, ws=files["ws"]))
    html = page.read_text(encoding="utf-8")
    assert "Aspect sentiment by product" in html and "Sentiment over time" in html


def test_sentiment_trained_human_output(files: dict, tmp_path: Path) -> None:
    result = ok(
        run(
            "fit", "sentiment", "-d", files["reviews"], "--target", "sentiment", "--id",
            "review_id", "--name", "trained", ws=files["ws"],
        )
    )  # fmt: skip
    assert "CV accuracy" in result.stdout and "not in en: flagged" in result.stdout
    shown = ok(run("explain", "-m", "trained", ws=files["ws"])).stdout
    assert "term" in shown and "weight" in shown
    found = as_json(
        run("evaluate", "-m", "trained", "-d", files["reviews"], "--json", ws=files["ws"])
    )
    assert found["accuracy"] > 0.8  # its training texts: an upper figure, checked loosely
    assert found["scored"] < found["rows"]  # empty and other-language texts left out
    odd = pd.DataFrame(
        {
            "review_id": ["big", "blank", "fr"],
            "text": [
                "great product " * 80_000,  # over 1 MB
                "   ",
                "Ce produit est vraiment très mauvais, je ne le recommande pas du tout.",
            ],
        }
    )
    out = tmp_path / "odd_out.csv"
    shown = ok(run("predict", "-m", "trained", "-d", write(odd, tmp_path / "odd.csv"), "--out",
                   out, ws=files["ws"])).stdout  # fmt: skip
    assert "texts flagged" in shown and "other language" in shown
    scored = pd.read_csv(out)
    assert scored["status"].tolist() == ["truncated", "empty", "other_language"]
    assert scored["label"].tolist()[0] == "positive"
    assert scored["label"].isna().tolist() == [False, True, True]


# -------------------------------------------------------------------------- textclass
def test_textclass_trained_routes_held_out_tickets(files: dict, tmp_path: Path) -> None:
    fitted = _fit(
        files, "textclass", "-d", files["tickets_fit"], "--target", "category", "--id",
        "ticket_id", "--target-precision", "0.95",
    )  # fmt: skip
    assert fitted["target_precision"] == 0.95 and fitted["cv"]["accuracy"] > 0.85
    doc, routed = _predict(files, "textclass", files["tickets_new"], tmp_path / "r.csv")
    assert list(routed.columns[:3]) == ["ticket_id", "label", "confidence"]
    assert doc["rows"] == 300 and routed["confidence"].between(0, 1).all()
    found = as_json(
        run("evaluate", "-m", "textclass", "-d", files["tickets_new"], "--json", ws=files["ws"])
    )
    assert found["accuracy"] > 0.85 and found["macro_f1"] > 0.85
    assert len(found["per_class"]) == 7
    # Negative control: labels shuffled before fitting route held-out tickets near chance.
    _fit(files, "textclass", "-d", files["tickets_shuffled"], "--target", "category",
         "--name", "noise")  # fmt: skip
    control = as_json(
        run("evaluate", "-m", "noise", "-d", files["tickets_new"], "--json", ws=files["ws"])
    )
    assert control["accuracy"] < 0.4
    page = tmp_path / "routing.html"
    ok(run("report", "-m", "textclass", "-d", files["tickets_new"], "--out", page,
           ws=files["ws"]))  # fmt: skip
    assert "Routing quality" in page.read_text(encoding="utf-8")


def test_textclass_zero_shot_from_categories(files: dict, tmp_path: Path) -> None:
    fitted = _fit(files, "textclass", "-d", files["tickets_fit"], "--categories",
                  files["categories"], "--name", "zeroshot")  # fmt: skip
    assert fitted["method"] == "zero-shot" and fitted["cv"] == {}
    found = as_json(
        run("evaluate", "-m", "zeroshot", "-d", files["tickets_new"], "--target", "category",
            "--json", ws=files["ws"])
    )  # fmt: skip
    assert found["accuracy"] > 0.75


# ----------------------------------------------------------------------------- topics
def test_topics_finds_the_planted_topics(files: dict, tmp_path: Path) -> None:
    fitted = _fit(files, "topics", "-d", files["topics"], "--id", "text_id", "--timestamp",
                  "created_at")  # fmt: skip
    truths = files["topic_truths"]
    assert fitted["n_topics"] == len(truths["topic_words"])
    matched = set()
    for topic in fitted["topics"]:
        overlap = {
            k: len(set(topic["words"][:5]) & set(v)) for k, v in truths["topic_words"].items()
        }
        matched.add(max(overlap, key=lambda k: overlap[k]))
    assert matched == set(truths["topic_words"])  # every planted topic found once
    _, assigned = _predict(files, "topics", files["topics"], tmp_path / "t.csv")
    assert list(assigned.columns) == ["text_id", "label", "confidence", "topic", "topic_label"]
    planted = files["topics_df"]["topic"].to_numpy()
    purity = pd.crosstab(assigned["topic"], planted).max(axis=1).sum() / len(assigned)
    assert purity > 0.8
    rising = next(t for t in fitted["topics"] if t["label"] == fitted["rising"])
    assert set(rising["words"][:5]) & set(truths["topic_words"][truths["rising_topic"]])
    table = as_json(run("explain", "-m", "topics", "--json", ws=files["ws"]))["table"]
    assert [r["topic_label"] for r in table] == [t["label"] for t in fitted["topics"]]
    bad_input(
        run("fit", "topics", "-d", files["topics"], "--method", "lsa", ws=files["ws"]),
        r"Unknown method 'lsa'",
    )
    page = tmp_path / "topics.html"
    ok(run("report", "-m", "topics", "-d", files["topics"], "--out", page, ws=files["ws"]))
    assert "Topic trends" in page.read_text(encoding="utf-8")
    bad_input(run("evaluate", "-m", "topics", "-d", files["topics"], ws=files["ws"]),
              "no labels")  # fmt: skip


# ------------------------------------------------------------------------------ calls
def test_calls_price_objection_lowers_win_rate(files: dict, tmp_path: Path) -> None:
    fitted = _fit(files, "calls", "-d", files["calls"], "--deals", files["deals"])
    rates = {r["objection"]: r for r in fitted["win_rates"]}
    assert rates["price"]["difference"] < -0.15 and rates["price"]["stands_out"]
    assert not rates["timing"]["stands_out"]  # planted: no effect
    shown = ok(run("fit", "calls", "-d", files["calls"], "--deals", files["deals"],
                   "--name", "calls2", ws=files["ws"])).stdout  # fmt: skip
    assert "with price" in shown and "Prepare for price objections" in shown
    _, turns = _predict(files, "calls", files["calls"], tmp_path / "c.csv")
    assert list(turns.columns[:3]) == ["call_id", "turn", "speaker"]
    assert turns["objection"].fillna("").str.contains("price").any()
    page = tmp_path / "calls.html"
    ok(run("report", "-m", "calls", "-d", files["calls"], "--out", page, ws=files["ws"]))
    assert "Objections and win rates" in page.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- mentions
def test_mentions_command(files: dict, tmp_path: Path) -> None:
    out = tmp_path / "mentions.csv"
    doc = as_json(
        run("mentions", "-d", files["posts"], "--text", "text", "--catalog", files["catalog"],
            "--out", out, "--id", "post_id", "--timestamp", "created_at", "--json",
            ws=files["ws"])
    )  # fmt: skip
    found = pd.read_csv(out)
    assert list(found.columns) == [
        "post_id", "created_at", "mention", "label", "product", "start", "end"
    ]  # fmt: skip
    assert doc["rows"] == len(found) and doc["model"] == "mentions"
    gold = files["spans"]
    gold = gold[gold["label"].isin(["PRODUCT", "COMPETITOR"])]
    hits = gold.merge(found, on=["post_id", "product"], how="left", indicator=True)
    recall = (hits.drop_duplicates(["post_id", "start_x"])["_merge"] == "both").mean()
    assert recall > 0.9
    decoys = found[found["post_id"].isin(files["post_truths"]["decoy_ids"])]
    assert not decoys["label"].isin(["PRODUCT", "COMPETITOR"]).any()
    page = tmp_path / "mentions.html"
    ok(run("report", "-m", "mentions", "-d", files["posts"], "--out", page, ws=files["ws"]))
    assert "Product mentions" in page.read_text(encoding="utf-8")
    bad_input(
        run("mentions", "-d", files["posts"], "--catalog", files["duplicate_catalog"],
            "--out", tmp_path / "x.csv", ws=files["ws"]),
        "more than once",
    )  # fmt: skip


# -------------------------------------------------------------------------- bad input
def test_bad_input_is_one_line(files: dict, tmp_path: Path) -> None:
    ws = files["ws"]
    bad_input(run("fit", "sentiment", "-d", files["reviews"], "--text", "body", ws=ws), "body")
    empty = tmp_path / "empty.csv"
    empty.write_text("text,label\n", encoding="utf-8")
    bad_input(run("fit", "sentiment", "-d", empty, ws=ws), "rows|empty")
    one = write(pd.DataFrame({"text": ["good", "bad", "fine"], "y": ["a"] * 3}), tmp_path / "o.csv")
    bad_input(run("fit", "sentiment", "-d", one, "--target", "y", ws=ws), "class")
    bad_input(run("fit", "textclass", "-d", one, "--target", "y", ws=ws), "class")
    bad_input(run("fit", "textclass", "-d", one, ws=ws), "--categories")
    bad_input(run("fit", "topics", "-d", one, "--deals", files["deals"], ws=ws), "--deals")
    twice = write(pd.DataFrame({"name": ["a", "a"], "description": ["x", "y"]}), tmp_path / "c.csv")
    bad_input(run("fit", "textclass", "-d", one, "--categories", twice, ws=ws), "more than once")
