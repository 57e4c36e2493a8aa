"""Segmentation: our products, places and selling words stay whole; text is never lost."""

from __future__ import annotations

import pytest

from assistant.language.lexicon import known_products
from assistant.language.words import breaks_inside_words, words


@pytest.mark.parametrize(
    "text, whole",
    [
        ("湖里的大闸蟹上市了", "大闸蟹"),
        ("新鲜南姜蓝姜潮汕姜，满包邮免运费", "南姜"),
        ("新鲜南姜蓝姜潮汕姜，满包邮免运费", "免运费"),
        ("秋风起蟹脚痒", "蟹脚"),
        ("山东大葱新鲜5斤时令蔬菜", "大葱"),
        ("景德镇的青花瓷碗", "景德镇"),
    ],
)
def test_our_words_stay_whole(text, whole):
    cut = words(text)
    assert "".join(cut) == text
    assert whole in cut, cut


def test_what_is_not_chinese_comes_back_as_it_was():
    text = "杏子 15元/斤，A级！😀 xingzi_88"
    assert "".join(words(text)) == text


def test_a_break_is_counted_inside_a_word_and_not_between_words():
    assert breaks_inside_words(["湖里的大闸", "蟹上市了"]) == 1
    assert breaks_inside_words(["湖里的", "大闸蟹上市了"]) == 0
    assert breaks_inside_words(["一斤15元/", "斤"]) == 0  # not between two Chinese characters
    assert breaks_inside_words(["杏子"]) == 0


def test_the_product_list_has_no_selling_words():
    products = known_products()
    assert "大闸蟹" in products and "羊肚菌" in products
    assert "民宿" in products and "包邮" not in products and "现摘" not in products
