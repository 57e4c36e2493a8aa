"""民宿介绍: a few paragraphs about the place, with the price and how to book."""

from __future__ import annotations

from assistant.contracts import Brief, Copy
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import clean_model_text, price_missing, product_name, seller_clauses
from assistant.language.text import fit_post, visible_length


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    text = clean_model_text(raw, brief, PLATFORM.id, changes)
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    source = "model" if not changes else "model (repaired)"
    if visible_length("".join(paragraphs)) < PLATFORM.min_chars:
        paragraphs, source = fallback_paragraphs(brief), "fallback"
    booking = []
    if price_missing("".join(paragraphs), brief.effective_price):
        booking.append(brief.effective_price)
    if brief.contact and brief.contact not in "".join(paragraphs):
        booking.append(f"预订请联系 {brief.contact}")
    if booking:
        paragraphs.append("，".join(booking) + "。")
    while visible_length("".join(paragraphs)) > PLATFORM.max_chars and len(paragraphs) > 2:
        paragraphs.pop(-2)  # keep the opening and the booking paragraph
    text = "\n\n".join(paragraphs)
    if visible_length(text) > PLATFORM.max_chars:
        text = fit_post(text, PLATFORM.max_chars)
    return Finished(text, source, changes)


def fallback_paragraphs(brief: Brief) -> list[str]:
    clauses = seller_clauses(brief)
    name = product_name(brief)
    return [f"欢迎来{name}住几天。", "，".join(clauses) + "。" if clauses else "这里安静干净，适合放松。"]


PLATFORM = register_platform(
    Platform("homestay", "民宿介绍", finish, max_tokens=380, min_chars=30, max_chars=250, only_for_homestays=True)
)
