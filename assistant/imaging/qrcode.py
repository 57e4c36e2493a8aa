"""Her own QR code: read from a screenshot or a phone photo of it, and drawn again crisp.

A typed WeChat ID is not a code anyone can scan into a friend request: only WeChat's own
名片 code (a ``u.wechat.com`` link) does that. So Mulan reads the code she already has
(WeChat 我 → 二维码名片, a 收款码, a 抖音/快手 code) with zxing-cpp, and redraws its payload
with segno at the poster's resolution, so a blurred, tilted photo becomes a sharp code.
What the code is (微信名片, 收款码 …) comes from ``data/codes.tsv``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps

from assistant.contracts import Brief
from assistant.datafiles import table_rows
from assistant.errors import UserError
from assistant.imaging.photo import open_photo

CODES_FILE = Path(__file__).parent / "data" / "codes.tsv"
UNREADABLE = "没认出照片里的二维码。拍清楚一点，整个码都要在里面，不要反光；也可以直接用手机截图。"


@dataclass(frozen=True)
class CodeKind:
    kind: str  # wechat, wechat_pay, alipay, douyin, …, link, phone, text
    name: str  # what Mulan calls it when she reads it: 微信名片
    scan_hint: str  # printed beside it on the poster: 微信扫一扫，加我


TEXT_ONLY = CodeKind("text", "文字码", "扫码看看")


@functools.cache
def _kinds() -> list[tuple[re.Pattern, CodeKind]]:
    return [
        (re.compile(pattern, re.I), CodeKind(kind, name, hint))
        for kind, pattern, name, hint in table_rows(CODES_FILE, 4)
    ]


def code_kind(payload: str) -> CodeKind:
    """What a code holding ``payload`` is, for the poster's label and for what Mulan says."""
    for pattern, kind in _kinds():
        if pattern.match(payload.strip()):
            return kind
    return TEXT_ONLY


@dataclass(frozen=True)
class ShopCode:
    """A code read from her picture: what it holds, and what kind of code that is."""

    payload: str

    @property
    def kind(self) -> CodeKind:
        return code_kind(self.payload)


def _candidates(image: Image.Image):
    """The picture as the decoder should try it, cheapest first. A phone photo of a code is
    often large, soft, low in contrast or lit with glare; a screenshot is sharp but busy."""
    grey = image.convert("L")
    yield grey
    if max(grey.size) > 1200:  # a 12 MP photo: the code's modules are many pixels wide
        small = grey.copy()
        small.thumbnail((1200, 1200), Image.LANCZOS)
        yield small
    else:  # a small, soft picture: sharper edges help the finder patterns
        yield grey.resize((grey.width * 2, grey.height * 2), Image.LANCZOS)
    levelled = ImageOps.autocontrast(grey, cutoff=2)  # a faded print, grey paper, dim light
    yield levelled
    # A shaky hand: blur beyond what zxing reads (σ≈5 px at 10 px modules) reads after unsharp masking.
    yield levelled.filter(ImageFilter.UnsharpMask(radius=6, percent=250, threshold=0))


def decode_codes(image: Image.Image) -> list[str]:
    """Every QR payload zxing-cpp finds in ``image``, trying harder variants in turn."""
    import zxingcpp

    for candidate in _candidates(image):
        for binarizer in (zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram):
            found = zxingcpp.read_barcodes(candidate, formats=zxingcpp.BarcodeFormat.QRCode, binarizer=binarizer)
            payloads = [code.text for code in found if code.valid and code.text.strip()]
            if payloads:
                return list(dict.fromkeys(payloads))
    return []


def read_shop_code(path: str | Path) -> ShopCode:
    """Her code from a screenshot or photo, or a plain Chinese reason why not."""
    image = open_photo(path)  # upright, refuses non-images and bombs
    payloads = decode_codes(image)
    if not payloads:
        raise UserError(UNREADABLE, f"No QR code found in {Path(path).name}.")
    # A screenshot may hold more than one code (a 收款 page shows a small one for the app):
    # prefer the one we know how to label, then the first found.
    payloads.sort(key=lambda p: code_kind(p).kind in ("text", "link"))
    payload = payloads[0].strip()
    Brief("", qr=payload).validate_fields()  # too long to scan, or a script: refused in plain words
    return ShopCode(payload)


@functools.lru_cache(maxsize=32)  # one code is drawn on every size and template of a request
def draw_code(payload: str, side: int) -> Image.Image:
    """``payload`` as a QR code filling a white square of ``side`` pixels.

    Whole pixels per module (no blurry or uneven modules) and a 4-module quiet zone.
    """
    import segno

    qr = segno.make(payload, error="m", micro=False)
    modules = [[0 if dark else 255 for dark in row] for row in qr.matrix_iter(scale=1, border=4)]
    count = len(modules)
    code = Image.new("L", (count, count))
    code.putdata([value for row in modules for value in row])
    scale = side // count
    if scale < 1:  # a long URL in a tiny slot: better a scaled code than none
        return code.resize((side, side), Image.NEAREST).convert("RGB")
    code = code.resize((count * scale, count * scale), Image.NEAREST)
    square = Image.new("L", (side, side), 255)
    square.paste(code, ((side - code.width) // 2, (side - code.height) // 2))
    return square.convert("RGB")
