"""Posters: every template at every size with awkward copy, the photo, the QR code, export and OCR."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
from PIL import Image

from assistant.contracts import Brief, Copy
from assistant.errors import UserError
from assistant.imaging.photo import contrast, cover_fit, focal_point, open_photo
from assistant.imaging.qrcode import draw_code
from assistant.imaging.typesetting import _COLOR_EMOJI as COLOR_EMOJI_FONT
from assistant.imaging.typesetting import NO_LINE_END, NO_LINE_START, has_glyph
from assistant.metrics import edit_distance
from assistant.pipeline import Pipeline, save_posters
from assistant.poster.export import encode
from assistant.poster.render import Renderer, price_display
from assistant.poster.templates import TemplateError, category_of, list_templates, load_sizes, load_template, recommend

from conftest import REPO, photo

TEMPLATES = list_templates()
SIZES = load_sizes()
RENDERS = [(t, s) for t in TEMPLATES for s in t.sizes]


def _copy(title, slogan, points, product="杏子"):
    copy = Copy(title, slogan, points, {}, ["杏子", "农家好物", "包邮"])
    copy.facts = {"product": product}
    return copy


# The text cases the issue names; each is rendered on every template at every size.
CASES = {
    "short": (
        _copy("杏子", "甜", ["大", "甜", "包邮"]),
        Brief("杏子", product="杏子", price="15元/斤", contact="xingzi_88"),
    ),
    "long": (
        _copy(
            "山西省运城市万荣县农家自产又大又甜的金太阳杏子现摘现发一斤十五块包邮到家",  # 40 characters
            "这是一句非常非常长的口号，长到一行肯定放不下，还要继续写很多字才行",
            ["又大又甜汁水多还不酸牙", "农家自己种的没有打药", "包邮到家坏果包赔", "第四点", "第五点", "第六点"],
        ),
        Brief("杏子", product="杏子", price="15.8元/斤", contact="13800138000"),
    ),
    "punctuation": (
        _copy("“杏”福来了！！", "（新品）《山里的杏》：甜、脆、香……", ["甜！", "脆？", "香。"]),
        Brief("杏子", product="杏子"),
    ),
    "digits_latin": (
        _copy("Apricot杏子2024年A级", "¥15.8/斤，WeChat下单Wi-Fi也行", ["3斤包邮", "100g试吃装", "iPhone扫码"]),
        Brief("杏子 2024 3斤", product="杏子", price="15.8元/斤", contact="https://example.com/shop"),
    ),
    # U+10FFFD is in no font: it must be left out, never drawn as a box.
    "emoji": (
        _copy("🍑杏子🔥\U0010fffd", "甜到心里😋", ["✅包邮", "🍑个大", "👍🏻好吃"]),
        Brief("杏子", product="杏子", price="15元/斤", contact="xingzi_88"),
    ),
    "no_photo": (
        _copy("自家杏子 又大又甜", "树上熟透才摘", ["树上自然熟", "个大汁多", "当天摘当天发"]),
        Brief("杏子", product="杏子", price="15元/斤", contact="xingzi_88"),
    ),
}


@pytest.fixture(scope="module")
def tomatoes():
    return open_photo(photo("tomatoes_portrait_01.jpg"))


def _inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("template,size", RENDERS, ids=[f"{t.id}-{s}" for t, s in RENDERS])
def test_every_template_and_size_keeps_text_inside_its_slots(template, size, case, tomatoes):
    copy, brief = CASES[case]
    poster = Renderer().render(template, copy, brief, None if case == "no_photo" else tomatoes, size)
    width, height = SIZES[size].pixels
    assert poster.image.size == (width, height)
    drawn = {slot.role for slot, _ in poster.layouts}
    assert {"title", "slogan"} <= drawn
    assert ("price" in drawn) == bool(brief.price)
    for slot, layout in poster.layouts:
        assert layout.lines, f"{slot.role} drew nothing"
        assert _inside(slot.box, (0, 0, width, height))
        assert _inside(layout.box, slot.box)
        for line in layout.lines:
            assert _inside(line.ink, layout.box), (slot.role, line.text, line.ink, layout.box)
            assert line.text[0] not in NO_LINE_START, (slot.role, line.text)
            assert line.text[-1] not in NO_LINE_END, (slot.role, line.text)
            assert "".join(part for part, _, _ in line.runs) == line.text
            missing = [ch for part, face, _ in line.runs for ch in part if not ch.isspace() and not has_glyph(face, ch)]
            assert not missing, (slot.role, line.text, missing)
    if case == "long":
        assert any("已缩短" in w for w in poster.warnings)
        title = next(layout for slot, layout in poster.layouts if slot.role == "title")
        assert title.text.endswith("…")
    if case == "emoji":
        assert any("\U0010fffd" in w for w in poster.warnings), poster.warnings
        drawn_text = "".join(layout.text for _, layout in poster.layouts)
        if COLOR_EMOJI_FONT.is_file():  # Debian's fonts-noto-color-emoji, installed by mulan.sh
            assert "🍑" in drawn_text and "🏻" not in drawn_text
            assert any(face.color for _, layout in poster.layouts for line in layout.lines for _, face, _ in line.runs)
        else:
            assert "🍑" not in drawn_text and any("🍑" in w for w in poster.warnings)


def test_there_are_twelve_templates_for_every_kind_of_seller():
    assert len(TEMPLATES) >= 12
    covered = {c for t in TEMPLATES for c in t.categories}
    assert {
        "fruit",
        "vegetables",
        "eggs",
        "honey",
        "tea",
        "crafts",
        "homestay",
        "spring_festival",
        "mid_autumn",
        "general",
    } <= covered
    for template in TEMPLATES:
        assert set(template.sizes) == {"moments", "story", "xiaohongshu", "cover", "a4"}, template.id


def test_the_sizes_are_what_each_platform_asks_for():
    assert {s: SIZES[s].pixels for s in SIZES} == {
        "moments": (1080, 1080),
        "story": (1080, 1920),
        "xiaohongshu": (1242, 1660),
        "cover": (900, 383),
        "a4": (2480, 3508),
    }
    assert SIZES["a4"].dpi == 300 and SIZES["a4"].for_print


def test_the_right_template_is_suggested_first():
    first = {
        text: recommend(TEMPLATES, text)[0].id
        for text in ("杏子", "土蜂蜜", "山居民宿", "苗绣小包", "过年的腊肉", "明前绿茶")
    }
    assert first == {
        "杏子": "fruit-harvest",
        "土蜂蜜": "honey-amber",
        "山居民宿": "homestay-dusk",
        "苗绣小包": "craft-red",
        "过年的腊肉": "spring-festival",
        "明前绿茶": "tea-ink",
    }
    assert category_of("", "我家的土鸡蛋，一个一块五") == "eggs"


# --------------------------------------------------------------------------- QR code


def _decode_qr(image: Image.Image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]


# (typed contact, her own code's payload, what the poster's code must hold)
CONTACTS = [
    ("xingzi_88", "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI", "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI"),
    ("138 0013 8000", "", "tel:13800138000"),
    ("https://example.com/shop", "", "https://example.com/shop"),
    ("", "wxp://f2f0UBpFJ4Xz0aM3lzUjL7xYbkZ2Jq6W0x2P", "wxp://f2f0UBpFJ4Xz0aM3lzUjL7xYbkZ2Jq6W0x2P"),
]


@pytest.mark.parametrize("size", ["moments", "story", "xiaohongshu", "a4"])
def test_the_qr_code_on_every_poster_scans_back(size, tomatoes):
    """Every template at every size with a QR slot; the kinds of code take turns."""
    copy, _ = CASES["no_photo"]
    for i, template in enumerate(TEMPLATES):
        contact, own_code, payload = CONTACTS[i % len(CONTACTS)]
        brief = Brief("杏子", product="杏子", contact=contact, qr=own_code)
        poster = Renderer().render(template, copy, brief, tomatoes, size)
        assert _decode_qr(poster.image) == [payload], template.id


@pytest.mark.parametrize("size", ["moments", "story", "xiaohongshu"])
def test_a_typed_wechat_id_is_printed_never_coded(size, tomatoes):
    """Scanned, a code of the bare ID shows only text: nobody could add her from it."""
    copy, _ = CASES["no_photo"]
    for template in TEMPLATES:
        poster = Renderer().render(template, copy, Brief("杏子", product="杏子", contact="xingzi_88"), tomatoes, size)
        assert _decode_qr(poster.image) == [], template.id
        printed = [layout.text for slot, layout in poster.layouts if slot.role == "contact"]
        assert printed == ["微信号：xingzi_88"], (template.id, printed)


def test_the_line_beside_the_code_says_what_scanning_does(tomatoes):
    copy, _ = CASES["no_photo"]
    template = next(t for t in TEMPLATES if t.layout.id == "card")
    expected = {
        "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI": "微信扫一扫，加我",
        "wxp://f2f0UBpFJ4Xz0aM3lzUjL7xYbkZ2Jq6W0x2P": "微信扫码付款",
        "HTTPS://QR.ALIPAY.COM/FKX12345ABCDE": "支付宝扫码付款",
        "https://v.douyin.com/iRNBho6u/": "抖音扫一扫，关注我",
    }
    for payload, hint in expected.items():
        poster = Renderer().render(template, copy, Brief("杏子", qr=payload), tomatoes, "story")
        texts = [layout.text for _, layout in poster.layouts]
        assert hint in texts, (payload, texts)
    phone = Renderer().render(template, copy, Brief("杏子", contact="13800138000"), tomatoes, "story")
    texts = [layout.text for _, layout in phone.layouts]
    assert "扫码打电话" in texts and "电话：13800138000" in texts, texts


def test_the_qr_code_is_big_enough_to_scan_from_printed_a4(tomatoes):
    copy, brief = CASES["no_photo"]
    for template in TEMPLATES:
        size = template.size("a4")
        qr_slot = next(s for s in template.slots_for(size) if s.role == "qr")
        side = min(qr_slot.box[2] - qr_slot.box[0], qr_slot.box[3] - qr_slot.box[1])
        assert side / size.dpi * 2.54 >= 2.5, (template.id, side)  # centimetres on paper


def test_qr_code_has_a_quiet_zone():
    image = np.asarray(draw_code("https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI", 300).convert("L"))
    assert image.shape == (300, 300)
    assert image[:20, :].min() > 200 and image[:, :20].min() > 200


# --------------------------------------------------------------------------- photo


def test_exif_rotated_phone_photos_are_upright():
    assert open_photo(photo("exif_orientation6_portrait_01.jpg")).size == (1200, 1800)
    landscape = open_photo(photo("exif_orientation6_landscape_01.jpg"))
    assert landscape.width > landscape.height


def test_cover_fit_fills_the_box_around_the_focal_point():
    image = Image.new("RGB", (1200, 800), "#88AA88")
    image.paste((200, 20, 20), (900, 150, 1100, 350))  # a red subject at the upper right
    fx, fy = focal_point(image)
    assert fx > 0.6 and fy < 0.45, (fx, fy)
    cropped = cover_fit(image, (400, 800), "auto")
    assert cropped.size == (400, 800)
    red = np.asarray(cropped)[:, :, 0] > 150
    assert red.mean() > 0.05  # the subject survived the crop
    assert not (np.asarray(cover_fit(image, (400, 800)))[:, :, 0] > 150).any()  # a centre crop loses it


def test_theme_follows_the_photo_and_stays_readable(tomatoes):
    template = next(t for t in TEMPLATES if t.follow_photo)
    copy, brief = CASES["short"]
    poster = Renderer().render(template, copy, brief, tomatoes, "moments")
    slot = next(s for s in template.slots_for(poster.size) if s.role == "price")
    badge = poster.image.getpixel((slot.box[0] + 8, (slot.box[1] + slot.box[3]) // 2))
    r, g, b = badge
    assert r > g and r > b, badge  # tomatoes are red
    assert contrast(badge, (255, 255, 255)) >= 4.4


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
    for mode in ("CMYK", "P", "RGBA", "LA", "I;16"):
        path = tmp_path / f"{mode.replace(';', '')}.{'jpg' if mode == 'CMYK' else 'png'}"
        Image.new(mode, (64, 48)).save(path)
        assert open_photo(path).mode == "RGB"


def test_a_50_megapixel_photo_renders_within_memory_limits(tmp_path):
    """Decoded at reduced scale: a 50 MP JPEG (150 MB as RGB) must not cost that much memory."""
    big = tmp_path / "big.jpg"
    Image.linear_gradient("L").resize((8660, 5773)).convert("RGB").save(big, quality=80)
    script = (
        "import resource, sys\n"
        "from assistant.contracts import Brief, Copy\n"
        "from assistant.pipeline import Pipeline\n"
        "from assistant.config import Settings\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "copy = Copy('杏子', '甜', ['大'], {}, ['杏子'])\n"
        f"posters = Pipeline(Settings.from_env()).render_posters(copy, Brief('杏子', photo={str(big)!r}),"
        " [('fruit-harvest', 'a4')])\n"
        "print(posters[0].image.size, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    size, grown_mb = out.stdout.rsplit(" ", 1)
    assert size.startswith("(2480, 3508)")
    assert int(grown_mb) < 200, out.stdout  # the A4 canvas itself is 26 MB


# --------------------------------------------------------------------------- export


def test_png_jpeg_and_print_pdf_export(tmp_path, tomatoes):
    copy, brief = CASES["short"]
    a4 = Renderer().render(TEMPLATES[0], copy, brief, tomatoes, "a4")
    paths = save_posters(tmp_path, [a4])
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    pdf = paths[1].read_bytes()
    assert pdf.startswith(b"%PDF")
    width_pt, height_pt = map(float, re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups())
    assert abs(width_pt - 595.3) < 1 and abs(height_pt - 841.9) < 1  # A4 in points: prints at real size
    square = Renderer().render(TEMPLATES[0], copy, brief, tomatoes, "moments")
    jpeg = Image.open(io.BytesIO(encode(square, "jpg")))
    assert jpeg.size == (1080, 1080)
    difference = np.abs(np.asarray(jpeg, dtype=int) - np.asarray(square.image, dtype=int)).mean()
    assert difference < 3, difference  # high quality: text edges stay crisp
    assert Image.open(io.BytesIO(encode(square, "png"))).tobytes() == square.image.tobytes()


def test_the_app_renders_the_suggested_template_in_two_sizes(tomatoes, tmp_path):
    copy, brief = CASES["short"]
    posters = Pipeline().render_posters(copy, brief)
    assert [(p.template.id, p.size.id) for p in posters][:2] == [
        ("fruit-harvest", "moments"),
        ("fruit-harvest", "story"),
    ]


def test_price_is_shown_with_the_yuan_sign():
    assert price_display("15元/斤") == "¥15/斤"
    assert price_display("15.8元/斤") == "¥15.8/斤"
    assert price_display("两块一个") == "两块一个"


# --------------------------------------------------------------------------- template files


def _write_template(folder, **changes):
    data = json.loads((REPO / "templates" / "fruit-harvest" / "template.json").read_text(encoding="utf-8"))
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "template.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder / "template.json"


@pytest.fixture()
def template_dir(tmp_path):
    shutil.copytree(REPO / "templates" / "layouts", tmp_path / "layouts")
    shutil.copy(REPO / "templates" / "sizes.json", tmp_path / "sizes.json")
    return tmp_path


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"theme": {"primary": "red", "text": "#000000", "on_primary": "#FFFFFF"}}, "theme.primary"),
        ({"sizes": ["moments", "poster-9x9"]}, "sizes[1]"),
        ({"layout": "nope"}, "layout"),
        ({"background": {"type": "image", "asset": "../../etc/passwd"}}, "background.asset"),
        ({"background": {"type": "gradient", "colors": ["#FFFFFF", "pink"]}}, "background.colors[1]"),
        ({"overrides": {"title": {"box": [0, 0, 10, 10]}}}, "overrides.title.box"),
        ({"overrides": {"title": {"align": "justify"}}}, "align"),
        ({"decorations": [{"kind": "unicorn"}]}, "decorations[0].kind"),
        ({"categories": ["cars"]}, "categories[0]"),
    ],
)
def test_a_broken_template_names_the_file_and_the_field(template_dir, changes, field):
    path = _write_template(template_dir / "bad", **changes)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value) and field in str(info.value)


def test_a_broken_layout_names_the_layout_file_and_the_field(template_dir):
    layout = json.loads((template_dir / "layouts" / "split.json").read_text(encoding="utf-8"))
    layout["square"]["slots"][3]["box"] = [0, 0, 1200, 50]
    (template_dir / "layouts" / "broken.json").write_text(json.dumps(layout), encoding="utf-8")
    path = _write_template(template_dir / "bad", layout="broken")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert "broken.json" in str(info.value) and "square.slots[3].box" in str(info.value)


def test_template_ids_from_users_are_never_paths():
    from assistant.poster.templates import get_template

    with pytest.raises(UserError):
        get_template("../../etc/passwd")


# --------------------------------------------------------------------------- OCR round trip


def _readable(text: str) -> str:
    # OCR reads ¥ and / as their full-width forms; NFKC folds them back.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _best_accuracy(wanted: str, lines: list[str]) -> float:
    """Character accuracy of the best reading among runs of up to three adjacent OCR lines."""
    wanted = _readable(wanted)
    best = 0.0
    for i in range(len(lines)):
        for j in range(i + 1, min(i + 4, len(lines) + 1)):
            got = _readable("".join(lines[i:j]))
            best = max(best, 1 - edit_distance(wanted, got) / len(wanted))
    return best


def test_ocr_reads_back_the_title_and_price_on_every_template(ocr, tomatoes):
    copy, brief = CASES["no_photo"]
    scores = {}
    for template in TEMPLATES:
        poster = Renderer().render(template, copy, brief, tomatoes, "moments")
        result, _ = ocr(np.asarray(poster.image))
        boxes = sorted(result or [], key=lambda r: (r[0][0][1], r[0][0][0]))  # reading order: top, then left
        lines = [r[1] for r in boxes]
        scores[template.id] = (_best_accuracy(copy.title, lines), _best_accuracy(price_display(brief.price), lines))
    print("OCR accuracy (title, price):", scores)
    for template_id, (title, price) in scores.items():
        assert title >= 0.95 and price >= 0.95, (template_id, title, price, scores)


def test_a_contain_photo_slot_shows_the_whole_photo(template_dir, tomatoes):
    path = _write_template(
        template_dir / "whole", id="whole", overrides={"photo": {"fit": "contain", "fill": "#00FF00"}}
    )
    template = load_template(path)
    copy, brief = CASES["short"]
    poster = Renderer().render(template, copy, brief, tomatoes, "moments")
    x0, y0, x1, y1 = next(s for s in template.slots_for(poster.size) if s.role == "photo").box
    # A portrait photo in the split layout's wide photo box: green bands left and right, nothing cropped.
    assert poster.image.getpixel((x0 + 2, (y0 + y1) // 2)) == (0, 255, 0)
    assert poster.image.getpixel(((x0 + x1) // 2, y0 + 2)) != (0, 255, 0)
