"""A contact sheet: every template side by side, so a person can judge them at a glance."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from assistant.contracts import Brief, Copy
from assistant.imaging.typesetting import TextStyle, draw_layout, layout_text
from assistant.poster.render import Renderer
from assistant.poster.templates import TEMPLATES_DIR, Template

SHEET_SIZES = ("moments", "story", "xiaohongshu", "cover")
ROW_HEIGHT = 320  # thumbnail height in pixels
GAP = 24


def sample(category: str = "general", folder: Path = TEMPLATES_DIR) -> tuple[Copy, Brief]:
    """The typed sample for ``category`` from templates/sample.json (the general one if there is none)."""
    samples = json.loads((folder / "sample.json").read_text(encoding="utf-8"))["samples"]
    data = samples.get(category, samples["general"])
    copy = Copy(data["title"], data["slogan"], data["selling_points"], {}, data["hashtags"])
    copy.facts = {"product": data["product"]}
    brief = Brief(
        f"{data['product']}，{data['slogan']}。", product=data["product"], price=data["price"], contact=data["contact"]
    )
    return copy, brief


def contact_sheet(
    templates: list[Template], photos: dict[str, Image.Image | None] | None = None, sizes: tuple[str, ...] = SHEET_SIZES
) -> Image.Image:
    """One row per template, with the sample of its first category: its name, then each
    size scaled to the same height. ``photos`` maps template ids to photos (none: no photo)."""
    renderer = Renderer()
    rows = []
    for template in templates:
        copy, brief = sample(template.categories[0] if template.categories else "general", template.folder.parent)
        thumbs = []
        for size_id in sizes:
            if size_id not in template.sizes:
                continue
            poster = renderer.render(template, copy, brief, (photos or {}).get(template.id), size_id)
            scale = ROW_HEIGHT / poster.image.height if poster.size.aspect != "wide" else 380 / poster.image.width
            thumbs.append(
                poster.image.resize(
                    (round(poster.image.width * scale), round(poster.image.height * scale)), Image.LANCZOS
                )
            )
        rows.append((template, thumbs))
    label_w = 260
    width = label_w + max(sum(t.width + GAP for t in thumbs) for _, thumbs in rows) + GAP
    sheet = Image.new("RGB", (width, GAP + len(rows) * (ROW_HEIGHT + GAP)), "#E9ECEF")
    for i, (template, thumbs) in enumerate(rows):
        top = GAP + i * (ROW_HEIGHT + GAP)
        name = layout_text(
            template.name,
            (GAP, top, label_w - GAP, top + 60),
            TextStyle(min_size=16, max_size=34, weight="bold", valign="top"),
        )
        draw_layout(sheet, name, "#212529")
        ident = layout_text(
            template.id, (GAP, top + 64, label_w - GAP, top + 100), TextStyle(min_size=12, max_size=24, valign="top")
        )
        draw_layout(sheet, ident, "#495057")
        x = label_w
        for thumb in thumbs:
            sheet.paste(thumb, (x, top + (ROW_HEIGHT - thumb.height) // 2))
            x += thumb.width + GAP
    return sheet
