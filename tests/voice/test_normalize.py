"""Copy read the way a seller says it: numbers, prices, phones, IDs, dates, 多音字."""

from __future__ import annotations

import csv

import pytest

from assistant.errors import UserError
from assistant.voice import check_text
from assistant.voice.normalize import for_speech, number_reading, sentences_for_speech
from assistant.voice.pinyin import pinyin_of

from conftest import REPO

READ_AS = [
    ("15元/斤", "十五元一斤"),
    ("¥38.8", "三十八块八"),
    ("￥38.85一盒", "三十八块八毛五一盒"),
    ("¥38.05", "三十八块零五"),
    ("5斤装", "五斤装"),
    ("2.5kg", "二点五公斤"),
    ("500g试吃装", "五百克试吃装"),
    ("2斤起卖", "两斤起卖"),
    ("买2个送1个", "买两个送一个"),
    ("120元/晚", "一百二十元一晚"),
    ("1.5元/个", "一点五元一个"),
    ("电话13912340001", "电话，幺三九幺二三四零零零幺"),
    ("139-1234-0001", "幺三九幺二三四零零零幺"),
    ("8月上市", "八月上市"),
    ("8月15日", "八月十五日"),
    ("7点半发货", "七点半发货"),
    ("10:30到", "十点半到"),
    ("9:05", "九点零五分"),
    ("2024年的新米", "二零二四年的新米"),
    ("3-5天到货", "三到五天到货"),
    ("10000斤", "一万斤"),
    ("105个", "一百零五个"),
    ("#杏子 #新鲜水果", "杏子，新鲜水果"),
    ("🍑杏子熟了🍑🍑", "杏子熟了"),
    ("杏子｜香甜~多汁", "杏子，香甜，多汁"),
    ("【包邮】", "包邮"),
    ("加微信 ab_12", "加微信，诶必下划线幺二"),
]


@pytest.mark.parametrize("written, said", READ_AS)
def test_copy_is_read_as_a_seller_says_it(written, said):
    assert for_speech(written) == said


def test_a_wechat_id_is_spelled_letter_by_letter():
    said = for_speech("加我微信xingzi_88")
    assert said.startswith("加我微信，艾克斯艾恩吉贼德艾") and said.endswith("下划线八八")
    assert not any("a" <= ch.lower() <= "z" for ch in said)  # the voice has no Latin letters


@pytest.mark.parametrize(
    "number, said",
    [
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (101, "一百零一"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (2024, "两千零二十四"),
        (30000, "三万"),
        (10010, "一万零一十"),
    ],
)
def test_integers(number, said):
    assert number_reading(str(number)) == said


def polyphone_cases():
    with open(REPO / "tests" / "voice" / "polyphones.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    return rows


def test_the_polyphone_list_is_long_enough():
    assert len(polyphone_cases()) >= 40


@pytest.mark.parametrize("text, char, reading", polyphone_cases())
def test_polyphones_are_read_from_their_word(text, char, reading):
    assert pinyin_of(text)[text.index(char)] == reading


def test_long_text_is_cut_into_short_sentences_for_a_quick_start():
    text = (
        "我家的杏子又大又甜，一斤十五块，包邮。想要的朋友加我微信！"
        + "今年的杏子个头大、水分足、甜度高，" * 3
        + "欢迎来买。"
    )
    pieces = sentences_for_speech(text)
    assert pieces[0] == "我家的杏子又大又甜，一斤十五块，包邮。"
    assert all(0 < len(p) <= 40 for p in pieces)
    assert "".join(pieces).replace("，", "") == for_speech(text).replace("，", "")  # nothing lost


@pytest.mark.parametrize("text, word", [("", "没有"), ("🍑🍑 #  ", "没有"), ("杏" * 2500, "太长")])
def test_nothing_to_read_or_too_much_is_said_plainly(text, word):
    with pytest.raises(UserError) as raised:
        check_text(text)
    assert word in raised.value.zh


def test_speed_out_of_range_is_refused():
    with pytest.raises(UserError):
        check_text("杏子", speed=3)
