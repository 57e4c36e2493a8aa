"""Decorations drawn in code: no image files, so nothing with an unknown licence.

Each kind draws on a transparent layer the size of its region, so it can never spill
outside the region it was given. ``size`` is in pixels (the template gives per mille of
the short side); ``corner`` says where in the region the motif sits.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

RGBA = tuple[int, int, int, int]
GOLD = (246, 196, 83, 255)


def rgba(hex_colour: str, alpha: float = 1.0) -> RGBA:
    """'#rrggbb' or '#rrggbbaa' → (r, g, b, a), with ``alpha`` applied on top."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    a = int(hex_colour[7:9], 16) if len(hex_colour) == 9 else 255
    return r, g, b, round(a * alpha)


def _anchor(region_size: tuple[int, int], corner: str) -> tuple[float, float]:
    """The point of the region the motif grows from."""
    w, h = region_size
    x = {"left": 0.0, "right": 1.0}.get(next((p for p in corner.split("-") if p in ("left", "right")), ""), 0.5)
    y = {"top": 0.0, "bottom": 1.0}.get(next((p for p in corner.split("-") if p in ("top", "bottom")), ""), 0.5)
    return x * w, y * h


def _rings(draw, size_px, region_size, corner, colour, theme):
    cx, cy = _anchor(region_size, corner)
    width = max(2, round(size_px * 0.018))
    for i, r in enumerate(range(round(size_px), 0, -max(4, round(size_px * 0.12)))):
        alpha = colour[3] * (0.55 + 0.45 * (i % 2))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour[:3] + (round(alpha),), width=width)


def _leaf(draw, x, y, length, angle, colour, vein):
    width = length * 0.42
    points = []
    for i in range(21):
        t = i / 20
        points.append((t * length, width / 2 * math.sin(math.pi * t)))
    for i in range(20, -1, -1):
        t = i / 20
        points.append((t * length, -width / 2 * math.sin(math.pi * t)))
    cos, sin = math.cos(angle), math.sin(angle)
    moved = [(x + px * cos - py * sin, y + px * sin + py * cos) for px, py in points]
    draw.polygon(moved, fill=colour)
    draw.line(
        [(x, y), (x + length * 0.92 * cos, y + length * 0.92 * sin)], fill=vein, width=max(1, round(length * 0.03))
    )


def _leaves(draw, size_px, region_size, corner, colour, theme):
    ax, ay = _anchor(region_size, corner)
    # Point the sprig into the region from its corner.
    base = math.atan2(region_size[1] / 2 - ay, region_size[0] / 2 - ax)
    vein = (255, 255, 255, round(colour[3] * 0.6))
    for spread, scale in ((-0.55, 0.75), (0.0, 1.0), (0.55, 0.75)):
        _leaf(draw, ax, ay, size_px * scale, base + spread, colour, vein)


def _dots(draw, size_px, region_size, corner, colour, theme):
    ax, ay = _anchor(region_size, corner)
    step = max(6, size_px / 7)
    r = step * 0.18
    x0 = ax - size_px if ax > region_size[0] / 2 else ax
    y0 = ay - size_px if ay > region_size[1] / 2 else ay
    for i in range(8):
        for j in range(8):
            x, y = x0 + step * (i + 0.5), y0 + step * (j + 0.5)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _hexagons(draw, size_px, region_size, corner, colour, theme):
    ax, ay = _anchor(region_size, corner)
    r = size_px / 5
    width = max(2, round(r * 0.09))
    for col in range(-3, 4):
        for row in range(-3, 4):
            cx = ax + col * r * 1.5
            cy = ay + row * r * math.sqrt(3) + (col % 2) * r * math.sqrt(3) / 2
            if math.hypot(cx - ax, cy - ay) > size_px:
                continue
            points = [(cx + r * math.cos(math.pi / 3 * k), cy + r * math.sin(math.pi / 3 * k)) for k in range(6)]
            draw.polygon(points, outline=colour, width=width)


def _border(draw, size_px, region_size, corner, colour, theme):
    w, h = region_size
    inset = size_px * 0.16
    width = max(2, round(size_px * 0.012))
    draw.rectangle((inset, inset, w - inset, h - inset), outline=colour, width=width)
    inner = inset + width * 3
    draw.rectangle((inner, inner, w - inner, h - inner), outline=colour, width=max(1, width // 2))


def _fret(draw, size_px, region_size, corner, colour, theme):
    """回纹: a square spiral repeated along the top and/or bottom edge."""
    w, h = region_size
    unit = size_px * 0.25
    width = max(2, round(unit * 0.1))
    rows = {"top": [0.0], "bottom": [h - unit]}.get(corner, [0.0, h - unit])
    for top in rows:
        x = 0.0
        while x < w:
            s = unit
            path = [
                (x, top + s),
                (x, top),
                (x + s, top),
                (x + s, top + s * 0.75),
                (x + s * 0.25, top + s * 0.75),
                (x + s * 0.25, top + s * 0.25),
                (x + s * 0.6, top + s * 0.25),
                (x + s * 0.6, top + s * 0.5),
            ]
            draw.line(path, fill=colour, width=width, joint="curve")
            draw.line([(x, top + s), (x + s * 1.2, top + s)], fill=colour, width=width)
            x += s * 1.2


def _lantern(draw, cx, top, size_px, colour):
    body_w, body_h = size_px * 0.62, size_px * 0.5
    string = size_px * 0.25
    draw.line([(cx, top), (cx, top + string)], fill=GOLD, width=max(2, round(size_px * 0.02)))
    cap_w, cap_h = body_w * 0.45, size_px * 0.06
    y = top + string
    draw.rectangle((cx - cap_w / 2, y, cx + cap_w / 2, y + cap_h), fill=GOLD)
    y += cap_h
    draw.ellipse((cx - body_w / 2, y, cx + body_w / 2, y + body_h), fill=colour)
    for k in (-0.25, 0.25):  # the ribs of the lantern
        draw.arc(
            (cx - body_w * abs(k) * 1.6, y, cx + body_w * abs(k) * 1.6, y + body_h),
            270 if k < 0 else 90,
            90 if k < 0 else 270,
            fill=GOLD,
            width=max(1, round(size_px * 0.012)),
        )
    draw.line([(cx, y), (cx, y + body_h)], fill=GOLD, width=max(1, round(size_px * 0.012)))
    y += body_h
    draw.rectangle((cx - cap_w / 2, y, cx + cap_w / 2, y + cap_h), fill=GOLD)
    y += cap_h
    for k in range(-2, 3):  # tassel
        draw.line(
            [(cx + k * size_px * 0.025, y), (cx + k * size_px * 0.035, y + size_px * 0.22)],
            fill=GOLD,
            width=max(1, round(size_px * 0.012)),
        )


def _lanterns(draw, size_px, region_size, corner, colour, theme):
    w = region_size[0]
    margin = size_px * 0.55
    spots = {"top-left": [margin], "top-right": [w - margin]}.get(corner, [margin, w - margin])
    for cx in spots:
        _lantern(draw, cx, 0, size_px, colour)


def _moon(draw, size_px, region_size, corner, colour, theme):
    ax, ay = _anchor(region_size, corner)
    r = size_px * 0.36
    cx = min(max(ax, r * 1.5), region_size[0] - r * 1.5)
    cy = min(max(ay, r * 1.5), region_size[1] - r * 1.5)
    for i in range(4, 0, -1):  # a soft glow
        g = r * (1 + 0.12 * i)
        draw.ellipse((cx - g, cy - g, cx + g, cy + g), fill=colour[:3] + (round(colour[3] * 0.08),))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    cloud = (255, 255, 255, round(colour[3] * 0.75))
    for dx, dy, rr in ((-0.9, 0.75, 0.32), (-0.5, 0.68, 0.4), (-0.1, 0.78, 0.3)):
        x, y, q = cx + dx * r, cy + dy * r, rr * r
        draw.ellipse((x - q * 1.4, y - q, x + q * 1.4, y + q), fill=cloud)


def _mountains(draw, size_px, region_size, corner, colour, theme):
    w, h = region_size
    bottom = h if "bottom" in corner or corner == "center" else size_px
    for height, shift, alpha in ((1.0, 0.0, 0.45), (0.7, 0.35, 0.7), (0.45, 0.7, 1.0)):
        peak = size_px * height
        points = [(0, bottom)]
        steps = 48
        for i in range(steps + 1):
            x = w * i / steps
            y = bottom - peak * (0.55 + 0.45 * math.sin(2 * math.pi * (i / steps * 1.7 + shift))) * (
                0.75 + 0.25 * math.cos(2 * math.pi * (i / steps * 3.1 + shift))
            )
            points.append((x, y))
        points.append((w, bottom))
        draw.polygon(points, fill=colour[:3] + (round(colour[3] * alpha),))


KINDS = {
    "rings": _rings,
    "leaves": _leaves,
    "dots": _dots,
    "hexagons": _hexagons,
    "border": _border,
    "fret": _fret,
    "lanterns": _lanterns,
    "moon": _moon,
    "mountains": _mountains,
}


def draw_decoration(
    canvas: Image.Image,
    kind: str,
    region: tuple[int, int, int, int],
    corner: str,
    size_px: float,
    colour: RGBA,
    theme: dict[str, str] | None = None,
) -> None:
    """Draw one motif, clipped to ``region``, onto ``canvas`` (RGB or RGBA)."""
    x0, y0, x1, y1 = region
    layer = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    KINDS[kind](ImageDraw.Draw(layer), size_px, layer.size, corner, colour, theme or {})
    drawn = layer.getbbox()  # a corner motif covers a small part of its region: paste only that
    if drawn:
        part = layer.crop(drawn)
        canvas.paste(part.convert("RGB"), (x0 + drawn[0], y0 + drawn[1]), part.getchannel("A"))
