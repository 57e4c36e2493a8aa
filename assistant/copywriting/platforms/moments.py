"""朋友圈: at most 150 characters, warm, first person, with her price and contact."""

from __future__ import annotations

import re

from assistant.contracts import Brief, Copy
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import (
    clean_model_text,
    opening,
    price_missing,
    product_name,
    seller_clauses,
)
from assistant.language.text import fit_post, visible_length

MAX_CHARS = 150


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    # A Moments post may have line breaks; only spaces inside a line are tidied.
    lines = (" ".join(line.split()) for line in clean_model_text(raw, brief, PLATFORM.id, changes).splitlines())
    text = "\n".join(line for line in lines if line)
    source = "model" if not changes else "model (repaired)"
    if visible_length(text) < PLATFORM.min_chars:
        text, source = fallback(brief), "fallback"
    price = brief.effective_price
    if price_missing(text, price):
        # The price is the one fact a buyer needs; never let the post lose it.
        text = fit_post(text, MAX_CHARS - len(price) - 4).rstrip("。！!") + f"，{price}。"
    if brief.contact and brief.contact not in text:
        tail = f"联系：{brief.contact}。"
        text = fit_post(text, MAX_CHARS - len(tail)) + tail
    return Finished(fit_post(text, MAX_CHARS), source, changes)


def fallback(brief: Brief) -> str:
    """A post made only of the seller's own words, price and contact."""
    product = product_name(brief)
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    clauses = [own.sub("", c).strip() or c for c in seller_clauses(brief)]
    body = "，".join(clauses) if clauses else product
    price = f"，{brief.effective_price}" if brief.effective_price else ""
    contact = f"，联系我：{brief.contact}" if brief.contact else ""
    greeting = opening(brief) if brief.is_homestay else f"我家的{product}上新啦！"
    return fit_post(f"{greeting}{body}{price}{contact}。", MAX_CHARS)


PLATFORM = register_platform(Platform("moments", "朋友圈", finish, max_tokens=240, min_chars=10, max_chars=MAX_CHARS))
