from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.text_extras import make_call_transcripts
from revlearn.errors import InputError, NotFittedError, ParameterError, SchemaError
from revlearn.store.registry import Registry
from revlearn.store.workspace import Workspace
from revlearn.usecases.text import CallInsights
from revlearn.usecases.text.calls import _newcombe, wilson_interval


@pytest.fixture(scope="module")
def calls():
    return make_call_transcripts(np.random.default_rng(11), 300)


@pytest.fixture(scope="module")
def model(calls):
    (utterances, deals), _ = calls
    return CallInsights().fit(utterances, deals=deals)


def test_planted_objections_found_and_dismissed_ones_not(calls, model):
    (utterances, _), truths = calls
    per_call = model.call_summary(utterances).set_index("call_id")
    for kind in model.types_:
        planted = np.array([kind in truths["objections"][c] for c in per_call.index])
        found = per_call[f"has_{kind}"].to_numpy()
        assert (planted == found).mean() > 0.97, kind
    dismissed = [c for c, ks in truths["dismissed"].items() if "price" in ks]
    assert len(dismissed) > 5
    assert not per_call.loc[dismissed, "has_price"].any()
    steps = per_call["next_steps"].gt(0)
    assert (steps == per_call.index.isin(truths["next_step_calls"])).all()


def test_price_objection_lowers_the_win_rate_timing_does_not(model):
    table = model.explain().set_index("objection")
    price, timing = table.loc["price"], table.loc["timing"]
    assert price["difference_hi"] < 0 and price["stands_out"]
    assert price["win_rate"] < model.base_rate_ < price["win_rate_without"]
    assert timing["difference_lo"] < 0 < timing["difference_hi"] and not timing["stands_out"]
    advice = model.suggestions()
    assert advice[0].startswith("Prepare for price objections")
    assert "timing" in advice[-1] and "No measurable effect" in advice[-1]


def test_shuffled_outcomes_make_no_objection_stand_out(calls, model):
    (utterances, deals), _ = calls
    shuffled = deals.assign(
        outcome=np.random.default_rng(1).permutation(deals["outcome"].to_numpy())
    )
    table = CallInsights().fit(utterances, deals=shuffled).explain()
    assert not table["stands_out"].any()
    assert table["difference"].abs().max() < 0.15
    # The interval keeps its level: under permutation about 5 % of 95 % intervals miss 0.
    per_call = model.call_summary(utterances)
    y0 = per_call["call_id"].map(
        dict(zip(deals["call_id"], deals["outcome"] == "won", strict=True))
    )
    has = per_call["has_price"].to_numpy(dtype=bool)
    rng = np.random.default_rng(0)
    misses = 0
    for _ in range(300):
        y = rng.permutation(y0.to_numpy(dtype=bool))
        _, lo, hi = _newcombe(int(y[has].sum()), has.sum(), int(y[~has].sum()), (~has).sum(), 0.95)
        misses += lo > 0 or hi < 0
    assert misses / 300 < 0.09


def test_rules_on_hand_written_sentences():
    lines = [
        ("Customer", "Honestly this is too expensive for a team our size.", "price"),
        ("Customer", "Price is not a problem for us.", ""),
        ("Customer", "It is not too expensive, to be fair.", ""),
        ("Customer", "We can't afford it until next quarter.", "price;timing"),
        ("Customer", "I have to run it by my manager first.", "authority"),
        ("Customer", "We don't really need this.", "need"),
        ("Customer", "We already use another vendor.", "competitor"),
        ("Rep", "Is it too expensive for you?", ""),
        ("Customer", "Sounds great, thanks!", ""),
    ]
    frame = pd.DataFrame(
        {"call_id": 1, "speaker": [s for s, _, _ in lines], "text": [t for _, t, _ in lines]}
    )
    out = CallInsights().fit(frame).predict(frame)
    assert out["objection"].tolist() == [k for _, _, k in lines]
    assert out["question"].tolist() == [False] * 7 + [True, False]
    assert out.loc[8, "polarity"] > 0.5


def test_next_steps_talk_ratio_and_prefixed_transcripts():
    text = (
        "Rep: Thanks for joining. Our tool saves time for every analyst.\n"
        "Customer: What does it cost?\n"
        "Rep: I'll send you the proposal by Friday.\n"
        "Customer: Great."
    )
    prefixed = pd.DataFrame({"call_id": ["a"], "text": [text]})
    model = CallInsights(speaker_col=None).fit(prefixed)
    out = model.predict(prefixed)
    assert out["role"].tolist() == ["rep", "customer", "rep", "customer"]
    assert out["next_step"].tolist() == [False, False, True, False]
    assert out.loc[2, "next_step_when"] == "by Friday"
    assert out["question"].tolist() == [False, True, False, False]
    # Words per utterance: 10, 4, 7, 1 -> the rep speaks 17 of 22.
    assert model.summary()["talk_ratio"]["rep"] == pytest.approx(17 / 22, abs=1e-4)
    path = model.sentiment_path(prefixed, "a")
    assert path["turn"].tolist() == [0, 1, 2, 3] and path["polarity"].iloc[-1] > 0


def test_wilson_interval():
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.25 < hi < 0.35
    lo, hi = wilson_interval(50, 100, 0.95)
    assert lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962, abs=1e-3)


def test_summary_is_plain_and_save_load(calls, model, tmp_path):
    import json

    (utterances, _), _ = calls
    summary = model.summary()
    json.dumps(summary)
    assert summary["objection_counts"]["price"] > 50
    assert 0.5 < summary["talk_ratio"]["rep"] < 0.75
    reg = Registry(Workspace(tmp_path / "ws.duckdb"))
    reg.save(
        model, name="c", usecase="calls", params=model.get_params(), metrics={}, fingerprint="f"
    )
    loaded, _ = reg.load("c")
    head = utterances.head(200)
    pd.testing.assert_frame_equal(loaded.predict(head), model.predict(head))
    assert loaded.summary() == summary


def test_bad_input(calls):
    (utterances, deals), _ = calls
    with pytest.raises(SchemaError, match="no speaker"):
        CallInsights().fit(utterances.drop(columns="speaker"))
    with pytest.raises(SchemaError):
        CallInsights().fit(utterances.drop(columns="call_id"))
    with pytest.raises(InputError, match="empty"):
        CallInsights().fit(utterances.head(5).assign(text="  "))
    with pytest.raises(InputError, match="no rows"):
        CallInsights().fit(utterances.head(0))
    with pytest.raises(InputError, match="neither won nor lost"):
        CallInsights().fit(utterances, deals=deals.assign(outcome="open"))
    with pytest.raises(InputError, match="match"):
        CallInsights().fit(utterances, deals=deals.assign(call_id="zzz"))
    with pytest.raises(ParameterError):
        CallInsights(confidence=1.5).fit(utterances)
    with pytest.raises(NotFittedError):
        CallInsights().suggestions()
    model = CallInsights().fit(utterances.head(100))
    assert model.suggestions()[0].startswith("No outcomes")
    with pytest.raises(InputError, match="not in the transcripts"):
        model.sentiment_path(utterances.head(100), "nope")
