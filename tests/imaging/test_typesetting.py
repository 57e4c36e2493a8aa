"""typesetting.py: 禁则, unbroken numbers, fitting, balancing, fonts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.imaging.typesetting import (
    _COLOR_EMOJI,
    NO_LINE_END,
    NO_LINE_START,
    TextStyle,
    balanced_wrap,
    bold_face,
    draw_layout,
    drawable_text,
    face_for,
    face_of,
    layout_text,
    load_font,
    regular_face,
    runs,
    units,
)


def test_the_simplified_chinese_face_of_the_pypi_font_is_used():
    face = regular_face()
    assert face.path.name == "NotoSansCJK-Regular.ttc" and "noto_cjk_sans_otc" in str(face.path)
    assert load_font(face, 40).getname()[0] == "Noto Sans CJK SC"
    assert load_font(bold_face(), 40).getname()[0] == "Noto Sans CJK SC"


def test_punctuation_sticks_to_its_neighbour():
    assert units("好吃，便宜。", by_word=False) == ["好", "吃，", "便", "宜。"]
    assert units("《杏子》", by_word=False) == ["《杏", "子》"]
    assert units("好吃，便宜。") == ["好吃，", "便宜。"]  # and each word stays whole
    assert units("《杏子》") == ["《杏子》"]
    assert "¥15.8/斤" in units("只要¥15.8/斤！") or "¥15.8/斤！" in units("只要¥15.8/斤！")
    assert "Wi-Fi" in units("有Wi-Fi")


@pytest.mark.parametrize(
    "text",
    [
        "我家的杏子又大又甜，一斤十五块，包邮！欢迎大家来买，买多了还送小礼物。",
        "（新品）《山里来的好东西》：土鸡蛋、土蜂蜜、核桃……应有尽有！！",
        "价格¥15.8/斤，满3斤包邮，Wi-Fi全覆盖，支持WeChat Pay",
    ],
)
def test_no_line_starts_or_ends_with_forbidden_punctuation(text):
    font = load_font(regular_face(), 40)
    for width in range(200, 700, 37):
        lines = balanced_wrap(units(text), width, font.getlength) or balanced_wrap(
            units(text, by_word=False), width, font.getlength
        )  # as the fitting does: by words where they fit, else by characters
        assert lines is not None
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert line[0] not in NO_LINE_START, (width, lines)
            assert line[-1] not in NO_LINE_END, (width, lines)
            assert font.getlength(line) <= width


def test_numbers_and_latin_words_are_not_broken():
    font = load_font(regular_face(), 40)
    text = "现在只要¥15.8/斤，WeChat下单更方便"
    for width in range(200, 600, 23):
        lines = balanced_wrap(units(text), width, font.getlength)
        assert any("¥15.8/斤" in line for line in lines), lines
        assert any("WeChat" in line for line in lines), lines


def test_lines_are_balanced():
    font = load_font(regular_face(), 40)
    text = "一二三四五六七八九十一二三四五六七八九十一"  # 21 characters: greedy gives 20 + 1
    lines = balanced_wrap(units(text), font.getlength("一" * 20), font.getlength)
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 1


def test_text_is_fitted_inside_the_box():
    box = (100, 100, 500, 260)
    layout = layout_text("我家的杏子又大又甜，一斤十五块，包邮", box, TextStyle(min_size=20, max_size=120, max_lines=2))
    assert 20 <= layout.size < 120 and not layout.truncated
    for line in layout.lines:
        x0, y0, x1, y1 = line.ink
        assert box[0] <= x0 and box[1] <= y0 and x1 <= box[2] and y1 <= box[3]


def test_text_that_cannot_fit_is_shortened_with_an_ellipsis():
    box = (0, 0, 300, 60)
    layout = layout_text("这是一段非常非常长的文字，" * 10, box, TextStyle(min_size=24, max_size=40, max_lines=1))
    assert layout.truncated and layout.text.endswith("…")
    assert all(line.ink[2] <= 300 and line.ink[3] <= 60 for line in layout.lines)


def test_emoji_are_drawn_in_colour_and_what_no_font_has_is_left_out():
    face = face_for("regular")
    cleaned, dropped = drawable_text("杏子🍑真甜😋👍🏻\U0010fffd", face)
    assert dropped == "\U0010fffd"  # in no font: left out, never a box
    if _COLOR_EMOJI.is_file():
        assert cleaned == "杏子🍑真甜😋👍"  # the skin tone would be a loose swatch
        assert [f.color for _, f in runs(cleaned, face)] == [False, True, False, True]
        image = Image.new("RGB", (400, 100), "white")
        draw_layout(image, layout_text(cleaned, (0, 0, 400, 100), TextStyle(min_size=20, max_size=60)), "black")
        pixels = np.asarray(image).reshape(-1, 3).astype(int)
        assert ((pixels.max(axis=1) - pixels.min(axis=1)) > 80).any()  # some pixels are coloured, not grey
    else:
        assert cleaned == "杏子真甜"


def _font_with_one_glyph(path: Path, codepoint: int) -> None:
    """A real TrueType font whose only glyph is a square at ``codepoint``, built with fontTools."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((800, 700)), pen.lineTo((800, 0)), pen.closePath()
    square = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "square"])
    builder.setupCharacterMap({codepoint: "square"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "square": square})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "square": (900, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Mulan Test", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))


def test_a_font_in_the_users_folder_draws_what_the_default_lacks(tmp_path, monkeypatch):
    rare = "\U000f0001"  # private use: no installed font has it
    assert face_of(rare, face_for("regular")) is None
    _font_with_one_glyph(tmp_path / "village.ttf", ord(rare))
    (tmp_path / "notes.txt").write_text("not a font")
    monkeypatch.setenv("MULAN_FONTS_DIR", str(tmp_path))
    face = face_for("regular")
    assert face_of(rare, face).path == tmp_path / "village.ttf"
    layout = layout_text(f"张{rare}村", (0, 0, 400, 100), TextStyle(min_size=20, max_size=60))
    assert not layout.omitted and layout.text == f"张{rare}村"
    assert [f.path.name for _, f, _ in layout.lines[0].runs] == [
        "NotoSansCJK-Regular.ttc",
        "village.ttf",
        "NotoSansCJK-Regular.ttc",
    ]


@pytest.mark.parametrize("valign", ["top", "middle", "bottom"])
def test_small_bold_text_that_fits_is_not_dropped(valign):
    """At small sizes a bold ideograph reaches above the nominal 0.88 em; the text must still be set, not cut."""
    box = (24, 24, 236, 164)
    layout = layout_text(
        "民宿·暮色 homestay-dusk", box, TextStyle(min_size=18, max_size=34, weight="bold", max_lines=3, valign=valign)
    )
    assert not layout.truncated and [line.text for line in layout.lines] == ["民宿·暮色", "homestay-dusk"]
    for line in layout.lines:
        assert box[0] <= line.ink[0] and box[1] <= line.ink[1] and line.ink[2] <= box[2] and line.ink[3] <= box[3]


def test_a_single_character_never_sits_alone_on_the_last_line():
    layout = layout_text("土鸡蛋", (0, 0, 300, 400), TextStyle(min_size=20, max_size=200, max_lines=2, weight="bold"))
    assert [line.text for line in layout.lines] == ["土鸡蛋"]
    layout = layout_text("散养土鸡蛋。", (0, 0, 260, 400), TextStyle(min_size=20, max_size=200, max_lines=3))
    assert all(len(line.text.strip("。")) > 1 for line in layout.lines), [line.text for line in layout.lines]


@pytest.mark.parametrize(
    "text, width",
    [
        ("湖里的大闸蟹上市了", 520),
        ("秋风起蟹脚痒", 300),
        ("新鲜南姜蓝姜潮汕姜潮州姜野生山姜满包邮免运费芦苇姜", 600),
        ("自家散养土鸡蛋蛋黄颜色深", 420),
    ],
)
def test_a_title_breaks_between_words_where_a_word_break_fits(text, width):
    from assistant.language.words import breaks_inside_words

    layout = layout_text(text, (0, 0, width, 300), TextStyle(min_size=40, max_size=120, weight="bold", max_lines=2))
    lines = [line.text for line in layout.lines]
    assert len(lines) == 2 and "".join(lines) == text and not layout.truncated
    assert breaks_inside_words(lines) == 0, lines


def test_a_word_too_wide_for_the_box_still_fits_by_characters():
    layout = layout_text("阳光玫瑰", (0, 0, 130, 200), TextStyle(min_size=60, max_size=60, max_lines=2))
    assert [line.text for line in layout.lines] == ["阳光", "玫瑰"] and not layout.truncated


def test_a_text_shortened_to_fit_is_cut_between_words():
    from assistant.language.words import word_starts

    text = "新鲜南姜蓝姜潮汕姜潮州姜野生山姜满包邮免运费芦苇姜"
    layout = layout_text(text, (0, 0, 520, 60), TextStyle(min_size=40, max_size=40, max_lines=1))
    assert layout.truncated and layout.text.endswith("…")
    assert len(layout.text) - 1 in word_starts(text), layout.text


def test_a_hashtag_is_never_broken():
    style = TextStyle(min_size=40, max_size=40, max_lines=3)
    layout = layout_text("#大闸蟹  #农家好物  #助农", (0, 0, 300, 200), style)
    lines = [line.text for line in layout.lines]
    assert len(lines) >= 2 and any("#农家好物" in line for line in lines), lines
