"""朋友圈: at most 150 characters, warm, first person, with her price and contact."""

from __future__ import annotations

import re

from assistant.contracts import Brief, Copy
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import (
    clean_model_text,
    facts_line,
    her_points,
    only_a_price,
    price_missing,
    product_name,
    where_from,
)
from assistant.language.facts import numbers_in
from assistant.language.lexicon import stock_lines
from assistant.language.text import fit_post, reads_back, sentences, visible_length

MAX_CHARS = 150
# Of a long text, the prompt quotes her clauses that sell, this many characters of them: with
# all of it, the 1.5B model posted her whole text back (the long texts of 2026-12-04).
QUOTED_CHARS = 36


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    # A Moments post may have line breaks; only spaces inside a line are tidied.
    lines = (" ".join(line.split()) for line in clean_model_text(raw, brief, PLATFORM.id, changes).splitlines())
    text = "\n".join(_price_once([line for line in lines if line]))
    source = "model" if not changes else "model (repaired)"
    notes: list[str] = []
    if visible_length(text) < PLATFORM.min_chars:
        text, source = fallback(brief), "fallback"
    elif reads_back(text, brief.spoken_text):
        text, source = fallback(brief), "fallback"  # her words back, verbatim: a post laid out for her
        notes.append("moments: 模型只是照抄了原话，换成了整理过的版本")
    price = brief.effective_price
    if price_missing(text, price):
        # The price is the one fact a buyer needs; never let the post lose it.
        text = _with_price(fit_post(text, MAX_CHARS - len(price) - 4), price)
    if brief.contact and brief.contact not in text:
        tail = f"联系：{brief.contact}"  # a line of its own, not glued after 我给你留着😊
        text = fit_post(text, MAX_CHARS - len(tail) - 1) + "\n" + tail
    return Finished(fit_post(text, MAX_CHARS), source, changes, notes)


def _price_once(lines: list[str]) -> list[str]:
    """Without a line that only says a price a line above has said (「三百六一斤。」 then
    「360元～」, copy_eval 2026-12-04): she reads it once, where she said it."""
    kept: list[str] = []
    for line in lines:
        said = numbers_in(line) and numbers_in(line) <= numbers_in("".join(kept))
        if not (kept and said and only_a_price(line)):
            kept.append(line)
    return kept


def _with_price(text: str, price: str) -> str:
    """``text`` with her price said before its closing ask (想要的给我留言…), or at its end."""
    parts = sentences(text)
    stock = stock_lines()
    closing = len(parts)
    while closing > 0 and any(p in parts[closing - 1] for p in stock):
        closing -= 1
    head = "".join(parts[:closing]).rstrip()
    tail = "".join(parts[closing:]).strip()
    if not head:
        return f"{price}。{tail}"
    head = head.rstrip("。！!，,～~") + f"，{price}。"
    return f"{head}\n{tail}" if tail else head


def fallback(brief: Brief) -> str:
    """A post laid out from the seller's own words: a greeting, what she said about it (a
    keyword string becomes the facts it holds), then the price and how to reach her, each on
    its own line, where a reader who reads slowly finds them."""
    product = product_name(brief)
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    clauses = [own.sub("", c).strip(" ，,") or c for c in her_points(brief, QUOTED_CHARS)]
    if not clauses:
        clauses = [facts_line(brief)]
    body = "，".join(c for c in clauses if c) or product
    where = where_from(brief)
    named = f"{where}的{product}" if where and where not in product else f"我家的{product}"
    greeting = f"{named}，欢迎来住！" if brief.is_homestay else f"{named}上新啦！"
    lines = [greeting, f"{body}。"]
    if brief.effective_price:
        shipping = brief.reading.shipping if brief.reading.shipping not in body else ""
        lines.append(f"💰 {brief.price_shown}" + (f"，{shipping}" if shipping else ""))
    lines.append(f"想要的联系我：{brief.contact}" if brief.contact else "想要的给我留言～")
    return fit_post("\n".join(lines), MAX_CHARS)


PLATFORM = register_platform(
    Platform("moments", "朋友圈", finish, max_tokens=240, min_chars=10, max_chars=MAX_CHARS, quoted_chars=QUOTED_CHARS)
)
