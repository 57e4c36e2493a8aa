"""poster.py: every template renders long, awkward and empty inputs inside its boxes."""

from __future__ import annotations


import numpy as np
import pytest
from PIL import Image

from assistant.copywriting import Brief, Copy
from assistant.errors import UserError
from assistant.poster import (Renderer, TemplateError, cover_fit, list_templates, load_template, open_photo,
                              qr_image)
from assistant.typesetting import NO_LINE_START, has_glyph
from conftest import photo

TEMPLATES = list_templates()

CASES = {
    "short": (Copy("杏子", "甜", ["大", "甜", "包邮"], {"moments": "x"}, ["杏子"]),
              Brief("杏子", product="杏子", price="15元/斤", contact="xingzi_88")),
    "long": (Copy("山西省运城市万荣县农家自产又大又甜的金太阳杏子现摘现发一斤十五块", "这是一句非常非常长的口号，长到一行肯定放不下，还要继续写很多字才行",
                  ["又大又甜汁水多还不酸牙", "农家自己种的没有打药", "包邮到家坏果包赔", "第四点", "第五点", "第六点"],
                  {"moments": "x"}, ["杏子"]),
             Brief("杏子", product="杏子", price="15.8元/斤", contact="13800138000")),
    "emoji_mixed": (Copy("🍑杏子Apricot 2024🔥", "¥15.8/斤，WeChat下单😋", ["A级大果🍑", "Wi-Fi下单", "3斤包邮✅"],
                         {"moments": "x"}, ["杏子"]),
                    Brief("杏子 2024 3斤", product="杏子", price="15.8元/斤", contact="https://example.com/shop")),
    "punctuation": (Copy("“杏”福来了！！", "（新品）《山里的杏》：甜、脆、香……", ["甜！", "脆？", "香。"], {"moments": "x"}, ["杏子"]),
                    Brief("杏子", product="杏子")),
}


def _inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.id for t in TEMPLATES])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("with_photo", [True, False], ids=["photo", "no-photo"])
def test_every_template_keeps_text_inside_its_boxes(template, case, with_photo):
    copy, brief = CASES[case]
    copy.facts = {"product": brief.product}
    picture = open_photo(photo("tomatoes_portrait_01.jpg")) if with_photo else None
    poster = Renderer().render(template, copy, brief, picture)
    assert poster.image.size == template.size
    assert poster.layouts, "no text was drawn"
    roles = {slot.role for slot, _ in poster.layouts}
    assert {"title", "slogan", "selling_points"} <= roles
    for slot, layout in poster.layouts:
        assert layout.lines, f"{slot.role} drew nothing"
        for line in layout.lines:
            assert _inside(line.ink, slot.box), (slot.role, line.text, line.ink, slot.box)
            assert line.text[0] not in NO_LINE_START, (slot.role, line.text)
            assert all(has_glyph(layout.face, ch) for ch in line.text if not ch.isspace()), line.text
    if case == "long":
        assert any(layout.truncated for _, layout in poster.layouts)
        assert any("已缩短" in w for w in poster.warnings)


def test_templates_cover_square_and_story_sizes():
    sizes = {t.size for t in TEMPLATES}
    assert (1080, 1080) in sizes and (1080, 1920) in sizes


def test_price_and_qr_are_drawn(tmp_path):
    copy, brief = CASES["short"]
    template = next(t for t in TEMPLATES if t.id == "harvest-square")
    poster = Renderer().render(template, copy, brief)
    texts = [layout.text for slot, layout in poster.layouts]
    assert "¥15/斤" in texts
    assert any(t.startswith("微信") for t in texts)
    qr_slot = next(s for s in template.slots if s.role == "qr")
    qr_area = np.asarray(poster.image.crop(qr_slot.box).convert("L"))
    assert (qr_area < 60).mean() > 0.2 and (qr_area > 200).mean() > 0.2  # black and white modules


def test_qr_code_has_a_quiet_zone():
    image = np.asarray(qr_image("xingzi_88", 300).convert("L"))
    assert image.shape == (300, 300)
    assert image[:20, :].min() > 200 and image[:, :20].min() > 200


def test_exif_rotated_phone_photo_is_upright():
    image = open_photo(photo("exif_orientation6_portrait_01.jpg"))
    assert image.size == (1200, 1800)


def test_cover_fit_fills_the_box():
    image = Image.new("RGB", (627, 940), "red")
    assert cover_fit(image, (1080, 640)).size == (1080, 640)


def test_not_an_image_is_refused(tmp_path):
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a photo")
    with pytest.raises(UserError) as info:
        open_photo(fake)
    assert "不是照片" in info.value.zh


def test_decompression_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000)).save(bomb)  # 144 MP, tiny file
    with pytest.raises(UserError) as info:
        open_photo(bomb)
    assert "像素太多" in info.value.zh


def test_cmyk_palette_and_alpha_photos_work(tmp_path):
    for mode in ("CMYK", "P", "RGBA", "LA"):
        path = tmp_path / f"{mode}.{'jpg' if mode == 'CMYK' else 'png'}"
        Image.new(mode, (64, 48)).save(path)
        assert open_photo(path).mode == "RGB"


def test_broken_template_names_file_and_field(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "template.json").write_text(
        '{"id": "bad", "name": "x", "size": [100, 100], "background": {"type": "solid", "colors": ["#ffffff"]},'
        ' "theme": {}, "slots": [{"role": "title", "box": [0, 0, 200, 50], "font_size": [10, 20]}]}')
    with pytest.raises(TemplateError) as info:
        load_template(folder / "template.json")
    assert "template.json" in str(info.value) and "slots[0].box" in str(info.value)
