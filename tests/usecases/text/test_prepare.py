from __future__ import annotations

import numpy as np

from revlearn.usecases.text.language import detect_languages
from revlearn.usecases.text.prepare import prepare_texts, repair_mojibake


def test_empty_and_whitespace_are_flagged():
    out = prepare_texts(["", "   ", "\n\t", None, np.nan, "fine"])
    assert out.status.tolist() == ["empty"] * 5 + ["ok"]
    assert "5 of 6 texts are empty" in out.notes[0]


def test_mixed_encodings_are_repaired():
    cafe = "Le café était très bon"
    values = [cafe.encode("utf-8"), cafe.encode("cp1252"), cafe.encode("utf-8").decode("cp1252")]
    out = prepare_texts([*values, "it’s great".encode().decode("cp1252")])
    assert out.texts == [cafe, cafe, cafe, "it’s great"]
    assert out.n_repaired == 4


def test_clean_text_is_left_alone():
    for text in ["Âge d'or", "naïve café", "SÃO PAULO", "plain"]:
        assert repair_mojibake(text) == text


def test_one_megabyte_text_is_truncated_with_a_note():
    huge = "good " * 210_000
    out = prepare_texts(["short", huge], max_chars=1000)
    assert out.status.tolist() == ["ok", "truncated"]
    assert len(out.texts[1]) == 1000
    assert "longer than 1,000" in out.notes[0]


def test_languages_flagged():
    texts = [
        "The battery is great and I love it",
        "Loved it!",
        "La batterie est très bonne et je la recommande",
        "Der Akku ist leider nicht gut und hält nicht lange",
        "El sonido es muy bueno pero la batería no dura",
        "Очень хороший телефон",
        "这个手机很好",
        "",
        "10/10",
    ]
    assert detect_languages(texts) == ["en", "en", "fr", "de", "es", "ru", "zh", "", "und"]


def test_english_review_sentences_stay_english():
    texts = [
        "Wow... Loved this place.",
        "Crust is not good.",
        "Not tasty and the texture was just nasty.",
        "The selection on the menu was great and so were the prices.",
        "Now I am getting angry and I want my damn pho.",
        "Honeslty it didn't taste THAT fresh.)",
        "A great touch.",
        "Service was very prompt.",
        "I was disgusted because I was pretty sure that was human hair.",
        "Del Taco is pretty nasty and should be avoided if possible.",
    ]
    assert set(detect_languages(texts)) == {"en"}
