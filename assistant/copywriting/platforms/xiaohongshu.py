"""小红书 note: a title line with an emoji, short paragraphs, 3–5 tags."""

from __future__ import annotations

import re

from assistant.contracts import Brief, Copy
from assistant.copywriting import compliance
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import (
    clean_model_text,
    facts_line,
    price_missing,
    product_name,
    seller_clauses,
    spoken_clauses,
)
from assistant.language.text import EMOJI, fit_length, visible_length

TITLE_MAX_CHARS = 20
MIN_TAGS, MAX_TAGS = 3, 5
_TAG = re.compile(r"#\s*([^\s#，,。！!？?]{1,12})")


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    allowed = brief.allowed_numbers()
    tags = [t for t in dict.fromkeys(_TAG.findall(raw)) if not compliance.problem(t, brief.source, allowed)]
    text = clean_model_text(_TAG.sub("", raw), brief, PLATFORM.id, changes)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    source = "model" if not changes else "model (repaired)"
    notes: list[str] = []
    if len(lines) < 2 or visible_length("".join(lines[1:])) < 8:
        lines, source = fallback_lines(brief), "fallback"
    title, paragraphs = fit_length(lines[0], TITLE_MAX_CHARS), lines[1:]
    if not EMOJI.search(title):
        title = "🌾" + fit_length(title, TITLE_MAX_CHARS - 1)
    # The poster's hashtags are written first and suit the note too.
    for extra in [*copy.hashtags, product_name(brief), "农家好物", "助农"]:
        if len(tags) >= MIN_TAGS:
            break
        extra = extra.replace(" ", "")
        if extra and extra not in tags:
            tags.append(extra)
    tag_line = " ".join(f"#{t}" for t in tags[:MAX_TAGS])
    price = brief.effective_price
    if price_missing(title + "".join(paragraphs), price):
        paragraphs.append(
            f"💰{price}" + (f"，私信我或加微信 {brief.contact}。" if brief.contact else "，想要的私信我。")
        )

    def assemble() -> str:
        return "\n\n".join([title, *paragraphs, tag_line])

    while visible_length(assemble()) > PLATFORM.max_chars and len(paragraphs) > 1:
        paragraphs.pop(-2 if len(paragraphs) > 1 else -1)
        notes.append("xiaohongshu: 太长，删了一段")
    return Finished(assemble(), source, changes, notes)


def fallback_lines(brief: Brief) -> list[str]:
    product = product_name(brief)
    # Her sentences, never a keyword listing laid out as a paragraph: its facts in a line instead.
    clauses = spoken_clauses(brief)
    if len(clauses) < len(seller_clauses(brief)):
        clauses = [facts_line(brief), *clauses]
    title = f"🌾{brief.facts.place}{product}" if brief.facts.place else f"🌾自家的{product}"
    paragraphs = ["🌱" + "，".join(clauses[i : i + 2]) + "。" for i in range(0, min(len(clauses), 4), 2)]
    return [title, *(paragraphs or [f"🌱我家的{product}，欢迎来问。"])]


# Of a long text, the clauses that sell: a note has room for more of them than a Moments post,
# but given all of a long text the model laid it out as it was (echo 60% on 2026-12-04's texts).
QUOTED_CHARS = 60

PLATFORM = register_platform(
    Platform("xiaohongshu", "小红书", finish, max_tokens=420, min_chars=30, max_chars=300, quoted_chars=QUOTED_CHARS)
)
