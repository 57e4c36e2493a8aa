"""The seller's photo: opened safely and upright, cropped around what matters, and read for colour."""

from __future__ import annotations

import colorsys
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.errors import UserError

try:  # iPhones save HEIC; decode-only pi-heif (LGPL libheif + libde265, no x265 encoder)
    from pi_heif import register_heif_opener

    register_heif_opener()
    HEIC_READABLE = True
except ImportError:  # pragma: no cover - pi-heif is in requirements.txt
    HEIC_READABLE = False

MAX_PHOTO_PIXELS = 60_000_000  # a 50 MP phone photo is fine; larger is refused as a possible bomb
MAX_PHOTO_BYTES = 30 * 1024 * 1024
WORKING_SIDE = 2400  # no poster slot is larger than the A4 photo box; decoding more wastes memory


def open_photo(path: str | Path) -> Image.Image:
    """Open a user photo upright, in RGB, refusing non-images and decompression bombs."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到照片「{path.name}」。", f"Photo not found: {path}.")
    if path.stat().st_size > MAX_PHOTO_BYTES:
        raise UserError("照片文件太大了（超过 30 MB），请换一张。", "The photo is larger than 30 MB.")
    try:
        image = Image.open(path)  # lazy: reads the header only
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise Image.DecompressionBombError(f"{image.width}x{image.height}")
        image.draft("RGB", (WORKING_SIDE, WORKING_SIDE))  # JPEG: decode at reduced scale, saves memory on 50 MP
        image = ImageOps.exif_transpose(image)
        image.load()
    except Image.DecompressionBombError:  # also raised by Pillow itself for far larger images
        raise UserError(
            "照片像素太多了，请换一张普通手机照片。", "The photo has too many pixels (possible decompression bomb)."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        if path.suffix.lower() in (".heic", ".heif") and not HEIC_READABLE:
            raise UserError(
                "这台电脑打不开苹果手机的 HEIC 照片。请在手机上把照片存成 jpg 再选。", "HEIC support is not installed."
            ) from None
        raise UserError(
            f"「{path.name}」不是照片，或者文件坏了。请选一张 jpg 或 png 照片。",
            f"{path.name} is not a readable image; use a JPEG or PNG photo.",
        ) from None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: convert("RGB") clips every value above 255 to white.
        levels = np.asarray(image, dtype=np.int64)
        image = Image.fromarray((np.clip(levels, 0, 65535) >> 8).astype(np.uint8), "L").convert("RGB")
    else:
        image = image.convert("RGB")  # CMYK, palette, greyscale
    if max(image.size) > WORKING_SIDE:  # PNG and others have no draft mode
        image.thumbnail((WORKING_SIDE, WORKING_SIDE), Image.LANCZOS)
    return image


def focal_point(photo: Image.Image) -> tuple[float, float]:
    """Where the subject probably is, as fractions: the centre of detail and colour.

    A cheap saliency measure on a 64-pixel thumbnail: edge strength plus distance from
    the photo's mean colour, less what the median pixel scores (so a plain background
    weighs nothing), weighted a little towards the centre (sellers frame their produce
    roughly in the middle), then averaged.
    """
    rgb = np.asarray(photo.convert("RGB").resize((64, 64), Image.BILINEAR), dtype=np.float32)
    grey = rgb.mean(axis=2)
    edges = np.abs(np.diff(grey, axis=1, append=grey[:, -1:])) + np.abs(np.diff(grey, axis=0, append=grey[-1:]))
    scores = edges + np.abs(rgb - rgb.mean(axis=(0, 1))).mean(axis=2)
    ys, xs = np.mgrid[0:64, 0:64] + 0.5
    centre = 1.0 - 0.25 * (((xs - 32) / 32) ** 2 + ((ys - 32) / 32) ** 2)
    weights = np.maximum(scores - np.median(scores), 0) * centre
    total = weights.sum()
    if total <= 0:
        return 0.5, 0.5
    return float((weights * xs).sum() / total / 64), float((weights * ys).sum() / total / 64)


def cover_fit(photo: Image.Image, size: tuple[int, int], focus: tuple[float, float] | str = (0.5, 0.5)) -> Image.Image:
    """Scale to cover ``size`` and crop around the focal point ("auto": found by :func:`focal_point`)."""
    if focus == "auto":
        focus = focal_point(photo)
    width, height = size
    scale = max(width / photo.width, height / photo.height)
    # The part of the photo that will show, in photo pixels; only that part is resampled.
    src_w, src_h = min(photo.width, width / scale), min(photo.height, height / scale)
    left = min(max(photo.width * focus[0] - src_w / 2, 0), photo.width - src_w)
    top = min(max(photo.height * focus[1] - src_h / 2, 0), photo.height - src_h)
    # Bicubic, after shrinking by whole factors (reducing_gap), as Pillow's thumbnail does:
    # the look of LANCZOS at a third of the time on a 2-core laptop.
    return photo.resize(size, Image.BICUBIC, box=(left, top, left + src_w, top + src_h), reducing_gap=2.0)


def contain_fit(photo: Image.Image, size: tuple[int, int], background: tuple[int, int, int]) -> Image.Image:
    """The whole photo, as large as fits, centred on ``background``: nothing of it is cropped."""
    width, height = size
    scale = min(width / photo.width, height / photo.height)
    shown = photo.resize(
        (max(1, round(photo.width * scale)), max(1, round(photo.height * scale))), Image.BICUBIC, reducing_gap=2.0
    )
    panel = Image.new("RGB", size, background)
    panel.paste(shown, ((width - shown.width) // 2, (height - shown.height) // 2))
    return panel


# --------------------------------------------------------------------------- colour


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance."""

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def hex_of(rgb) -> str:
    return "#" + "".join(f"{round(c):02X}" for c in rgb[:3])


def photo_primary(photo: Image.Image, on: tuple[int, int, int] = (255, 255, 255)) -> str | None:
    """The photo's main vivid colour, darkened until text in ``on`` reads on it (contrast ≥ 4.5).

    ``None`` when the photo has no vivid colour (a grey or washed-out picture): the
    template's own colours are better then.
    """
    small = photo.convert("RGB").resize((48, 48), Image.BILINEAR)
    bins: dict[int, list] = {}
    for r, g, b in small.getdata():
        h, s, v = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        if s < 0.35 or v < 0.25:
            continue
        bins.setdefault(int(h * 12) % 12, []).append((h, s, v))
    if not bins:
        return None
    hue_bin = max(bins.values(), key=len)
    if len(hue_bin) < 48 * 48 * 0.04:
        return None
    h = sum(p[0] for p in hue_bin) / len(hue_bin)
    s = min(0.85, sum(p[1] for p in hue_bin) / len(hue_bin))
    v = 0.8
    rgb = colorsys.hsv_to_rgb(h, s, v)
    colour = tuple(c * 255 for c in rgb)
    while contrast(colour, on) < 4.5 and v > 0.1:
        v -= 0.04
        colour = tuple(c * 255 for c in colorsys.hsv_to_rgb(h, s, v))
    return hex_of(colour)


def darker(hex_colour: str, factor: float = 0.75) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return hex_of((r * factor, g * factor, b * factor))
