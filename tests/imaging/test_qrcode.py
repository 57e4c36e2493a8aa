"""Her own code, read from the kinds of picture sellers really have, and redrawn so it scans.

Each code is made here with segno and then "photographed" by transforms a phone does to
it: rotation, a tilted (perspective) shot, blur, heavy JPEG, glare, and a screenshot with
other things on it. What Mulan reads must be the payload, and the poster she makes from it
must scan back to the same payload.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import segno
from PIL import Image, ImageDraw, ImageFilter

from assistant.contracts import Brief, Copy
from assistant.errors import UserError
from assistant.imaging.qrcode import code_kind, decode_codes, read_shop_code
from assistant.poster.render import Renderer
from assistant.poster.templates import list_templates

from conftest import photo

WECHAT_CARD = "https://u.wechat.com/EDpB6Pjg7Nkv8rIPMVnlTdI"
WECHAT_PAY = "wxp://f2f0UBpFJ4Xz0aM3lzUjL7xYbkZ2Jq6W0x2P"
ALIPAY = "HTTPS://QR.ALIPAY.COM/FKX16985YB7QWAFSNEZK5B"
DOUYIN = "https://v.douyin.com/iRNBho6u/"


def _code(payload: str, scale: int = 10) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(payload, error="m").save(buffer, kind="png", scale=scale, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _perspective(image: Image.Image, tilt: float = 0.18) -> Image.Image:
    """As if shot from below and to the side: the code's square becomes a trapezium."""
    w, h = image.size
    # Where each corner of the output comes from in the source (PIL's transform maps output → input).
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(w * tilt, h * tilt * 0.5), (w * (1 - tilt * 0.3), 0), (w, h), (0, h * (1 - tilt * 0.4))]
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend([u, v])
    coeffs = np.linalg.solve(np.array(rows, dtype=float), np.array(rhs, dtype=float))
    return image.transform((w, h), Image.PERSPECTIVE, tuple(coeffs), Image.BICUBIC, fillcolor=(200, 190, 170))


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _on_a_table(code: Image.Image, angle: float) -> Image.Image:
    """A printed code photographed lying on a wooden table, turned by ``angle``."""
    table = Image.new("RGB", (int(code.width * 1.8), int(code.height * 1.6)), (150, 105, 60))
    turned = code.rotate(angle, expand=True, resample=Image.BICUBIC, fillcolor=(150, 105, 60))
    table.paste(turned, ((table.width - turned.width) // 2, (table.height - turned.height) // 2))
    return table


def _glare(image: Image.Image) -> Image.Image:
    """A lamp's reflection: a soft bright patch over a corner of the code."""
    w, h = image.size
    ys, xs = np.mgrid[0:h, 0:w]
    spot = np.exp(-(((xs - w * 0.3) / (w * 0.25)) ** 2 + ((ys - h * 0.3) / (h * 0.25)) ** 2))
    pixels = np.asarray(image).astype(float)
    return Image.fromarray(np.clip(pixels + spot[:, :, None] * 120, 0, 255).astype(np.uint8))


def _screenshot(code: Image.Image) -> Image.Image:
    """A phone screenshot of WeChat's 二维码名片 page: a status bar, a name, an avatar, text, the code."""
    shot = Image.new("RGB", (1080, 2340), (237, 237, 237))
    draw = ImageDraw.Draw(shot)
    draw.rectangle((0, 0, 1080, 110), fill=(30, 30, 30))
    draw.rounded_rectangle((90, 420, 990, 1700), radius=30, fill="white")
    draw.rectangle((140, 470, 290, 620), fill=(90, 140, 60))  # avatar
    for row in range(3):
        draw.rectangle((320, 490 + row * 40, 800 - row * 150, 515 + row * 40), fill=(60, 60, 60))
    fitted = code.resize((760, 760), Image.NEAREST)
    shot.paste(fitted, (160, 760))
    draw.rectangle((300, 1800, 780, 1840), fill=(120, 120, 120))  # "扫一扫上面的二维码图案，加我为朋友"
    return shot


PHOTOGRAPHED = {
    "straight": lambda c: c,
    "rotated_23": lambda c: _on_a_table(c, 23),
    "upside_down": lambda c: _on_a_table(c, 180),
    "perspective": lambda c: _perspective(_on_a_table(c, 4)),
    "blurred": lambda c: _on_a_table(c, 8).filter(ImageFilter.GaussianBlur(2.5)),
    # These two zxing-cpp alone does not read (measured): they need the sharpened and levelled tries.
    "shaky": lambda c: _on_a_table(c, 8).filter(ImageFilter.GaussianBlur(5.5)),
    "faded": lambda c: Image.eval(_on_a_table(c, 5).filter(ImageFilter.GaussianBlur(3)), lambda v: 120 + v * 0.08),
    "jpeg_q40": lambda c: _jpeg(_on_a_table(c, 12), 40),
    "glare": lambda c: _glare(_on_a_table(c, 6)),
    "small_and_soft": lambda c: _jpeg(c.resize((150, 150), Image.BILINEAR).filter(ImageFilter.GaussianBlur(0.6)), 60),
    "in_a_screenshot": _screenshot,
    "everything": lambda c: _jpeg(_glare(_perspective(_on_a_table(c, 15))).filter(ImageFilter.GaussianBlur(1.5)), 40),
}


@pytest.mark.parametrize("how", sorted(PHOTOGRAPHED))
@pytest.mark.parametrize("payload", [WECHAT_CARD, WECHAT_PAY, ALIPAY, DOUYIN])
def test_her_code_is_read_from_a_phone_picture_and_the_poster_scans_back(payload, how, tmp_path):
    picture = tmp_path / "code.jpg"
    PHOTOGRAPHED[how](_code(payload)).save(picture, quality=95)
    found = read_shop_code(picture)
    assert found.payload == payload

    template = list_templates()[0]
    copy = Copy("杏子熟了", "又大又甜", ["一斤十五块", "包邮"], posts={}, hashtags=[])
    poster = Renderer().render(template, copy, Brief("杏子", qr=found.payload), None, "moments")
    assert decode_codes(poster.image) == [payload]


def test_a_code_photo_stored_sideways_by_the_phone_is_turned_upright(tmp_path):
    """A phone photo stored sideways with EXIF orientation 6, as real phones do."""
    code = _on_a_table(_code(WECHAT_CARD), 5).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    picture = tmp_path / "sideways.jpg"
    code.save(picture, exif=exif, quality=90)
    assert read_shop_code(picture).payload == WECHAT_CARD


def test_she_is_told_what_kind_of_code_it_is():
    assert (code_kind(WECHAT_CARD).name, code_kind(WECHAT_CARD).scan_hint) == ("微信名片", "微信扫一扫，加我")
    assert code_kind("http://weixin.qq.com/r/abcdEFGH").kind == "wechat"
    assert code_kind("https://weixin.qq.com/g/AbCdEf").kind == "wechat_group"
    assert code_kind(WECHAT_PAY).name == "微信收款码"
    assert code_kind(ALIPAY).kind == "alipay"  # Alipay writes its links in capitals
    assert code_kind(DOUYIN).kind == "douyin"
    assert code_kind("https://v.kuaishou.com/abc").kind == "kuaishou"
    assert code_kind("https://m.tb.cn/h.abc").kind == "shop"
    assert code_kind("https://example.com/apricots").kind == "link"
    assert code_kind("tel:13800138000").scan_hint == "扫码打电话"
    assert code_kind("xingzi_88").kind == "text"
    assert code_kind("https://u.wechat.com.evil.example/x").kind == "link"  # a look-alike host is no 名片


@pytest.mark.parametrize("name", ["grapes_01.jpg", "tea_plantation_01.jpg"])
def test_a_photo_without_a_code_gets_a_hint_not_a_failure(name):
    with pytest.raises(UserError) as info:
        read_shop_code(photo(name))
    assert "拍清楚一点，整个码都要在里面" in info.value.zh


def test_a_file_that_is_no_picture_is_refused_in_plain_chinese(tmp_path):
    fake = tmp_path / "code.jpg"
    fake.write_text("not a picture")
    with pytest.raises(UserError) as info:
        read_shop_code(fake)
    assert "不是照片" in info.value.zh


def test_a_code_that_would_run_script_is_refused(tmp_path):
    picture = tmp_path / "code.png"
    _code("javascript:alert(1)").save(picture)
    with pytest.raises(UserError) as info:
        read_shop_code(picture)
    assert "不能放到海报上" in info.value.zh
