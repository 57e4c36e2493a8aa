"""The one lexicon: every word list is a data file, and the rules read it from there.

Each test puts every word of a list through the rule that uses it, so a rule that keeps a
list of its own (and drifts from the data) fails here."""

from __future__ import annotations

import pytest

from assistant.copywriting import compliance
from assistant.language import lexicon
from assistant.language.facts import extract_facts, find_price, numbers_in
from assistant.language.words import words


@pytest.mark.parametrize("unit", lexicon.units("per"))
def test_every_per_unit_reads_a_spoken_price(unit):
    # 八十八一斤 is 88 a jin: the 一 of every "per" unit is "a", not a digit.
    assert find_price(f"八十八一{unit}") == f"88元/{unit}"
    assert numbers_in(f"380一{unit}", per_one=False) == {"380"}


@pytest.mark.parametrize("unit", [u for u in lexicon.units("price") if len(u) == 1])
def test_every_price_unit_is_read_after_the_amount(unit):
    assert find_price(f"这个十五块一{unit}") == f"15元/{unit}"


@pytest.mark.parametrize("word", lexicon.shipping_words(offers=True))
def test_every_shipping_offer_is_her_shipping_fact_unless_she_negates_it(word):
    assert word in extract_facts(f"自家的核桃，{word}").shipping
    assert word not in extract_facts(f"自家的核桃，不{word}").shipping


@pytest.mark.parametrize("word, promise", lexicon.shipping_promises())
def test_every_delivery_promise_is_hers_only_when_she_made_it(word, promise):
    assert compliance.problem(f"核桃{word}。", "自家的核桃，二十一斤", {"20"}) is not None
    assert compliance.problem(f"核桃{word}。", f"自家的核桃，{word}", set()) is None


@pytest.mark.parametrize("taste", sorted(lexicon.tastes()))
def test_every_taste_she_did_not_say_is_caught(taste):
    assert compliance.invented_sense(f"这个桃子很{taste}", "桃子熟了") == taste
    assert compliance.invented_sense(f"这个桃子很{taste}", f"桃子{taste}得很") is None


def test_the_numerals_are_the_data_files():
    assert lexicon.digit_values()["两"] == 2 and "幺" not in lexicon.digit_values()
    assert lexicon.digit_values(phone=True)["幺"] == 1
    assert lexicon.numeral_chars("十百千万").endswith("十百千万")
    assert "两" not in lexicon.numeral_chars(without="两")


def test_products_have_one_category_and_the_segmenter_keeps_them_whole():
    assert lexicon.product_category("红心猕猴桃") == "fruit"  # ends with a known fruit
    assert lexicon.product_category("咸鸭蛋") == "food"  # made food, not eggs
    assert lexicon.product_category("采摘园") == "homestay"
    for name in ("娃娃菜", "椴树蜜", "油纸伞"):
        assert name in words(f"我家的{name}好")


def test_no_word_is_both_a_place_and_not_a_place():
    assert not set(lexicon.places()) & lexicon.not_places()


def test_asks_and_padding_are_what_a_poster_point_must_not_be():
    assert "欢迎咨询" in lexicon.asks() and "口感好" in lexicon.padding()
