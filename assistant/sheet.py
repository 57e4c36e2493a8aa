"""A contact sheet: every template side by side, so a person can judge them at a glance."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from .copywriting import Brief, Copy
from .poster import Renderer
from .templates import TEMPLATES_DIR, Template
from .typesetting import TextStyle, draw_layout, layout_text

SHEET_SIZES = ("moments", "story", "xiaohongshu", "cover")
ROW_HEIGHT = 360  # thumbnail height in pixels
GAP = 24


def sample(folder: Path = TEMPLATES_DIR) -> tuple[Copy, Brief]:
    """The typed sample in templates/sample.json."""
    data = json.loads((folder / "sample.json").read_text(encoding="utf-8"))
    copy = Copy(data["copy"]["title"], data["copy"]["slogan"], data["copy"]["selling_points"], {},
                data["copy"]["hashtags"])
    copy.facts = data["copy"].get("facts", {})
    return copy, Brief(**data["brief"])


def contact_sheet(templates: list[Template], copy: Copy, brief: Brief, photo: Image.Image | None = None,
                  sizes: tuple[str, ...] = SHEET_SIZES) -> Image.Image:
    """One row per template: its name, then each size scaled to the same height."""
    renderer = Renderer()
    rows = []
    for template in templates:
        thumbs = []
        for size_id in sizes:
            if size_id not in template.sizes:
                continue
            poster = renderer.render(template, copy, brief, photo, size_id)
            scale = ROW_HEIGHT / poster.image.height if poster.size.aspect != "wide" else 420 / poster.image.width
            thumbs.append(poster.image.resize((round(poster.image.width * scale), round(poster.image.height * scale)),
                                              Image.LANCZOS))
        rows.append((template, thumbs))
    label_w = 260
    width = label_w + max(sum(t.width + GAP for t in thumbs) for _, thumbs in rows) + GAP
    sheet = Image.new("RGB", (width, GAP + len(rows) * (ROW_HEIGHT + GAP)), "#E9ECEF")
    draw = ImageDraw.Draw(sheet)
    for i, (template, thumbs) in enumerate(rows):
        top = GAP + i * (ROW_HEIGHT + GAP)
        label = layout_text(f"{template.name}\n{template.id}", (GAP, top, label_w - GAP, top + 140),
                            TextStyle(min_size=18, max_size=34, weight="bold", max_lines=3))
        draw_layout(draw, label, "#212529")
        x = label_w
        for thumb in thumbs:
            sheet.paste(thumb, (x, top + (ROW_HEIGHT - thumb.height) // 2))
            x += thumb.width + GAP
    return sheet
