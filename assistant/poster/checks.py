"""What to look at before 做海报: a short list, each with a one-tap fix, never a block.

A poster without a price, a way to reach her or a photo still gets made (she may want it
that way), but she is told first. So is a title word she never said, and a character a
buyer reads as dirt or illness (泄, 毒, 病 …), which speech recognition puts on food posters.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.contracts import Brief, Copy
from assistant.datafiles import table_rows
from assistant.language.lexicon import selling_words
from assistant.language.words import words

_UNFIT_FILE = Path(__file__).with_name("data") / "unfit_on_food.tsv"


@dataclass(frozen=True)
class Doubt:
    """One thing to look at.

    Attributes:
        kind: "price", "contact", "photo", "unfit" or "unsaid".
        zh: what she reads (and hears), one line.
        fix: "check" (go back to ② and fill it in) or "title" (use her product as the title).
    """

    kind: str
    zh: str
    fix: str


@functools.lru_cache(maxsize=1)
def _unfit() -> dict[str, tuple[str, ...]]:
    return {char: tuple(exceptions.split()) for char, exceptions in table_rows(_UNFIT_FILE, 2, header=True)}


def unfit_characters(text: str) -> list[str]:
    """The characters of ``text`` unfit on a food poster, outside their innocent words."""
    found = []
    for char, exceptions in _unfit().items():
        innocent = text
        for word in exceptions:
            innocent = innocent.replace(word, "")
        if char in innocent and char not in found:
            found.append(char)
    return found


def unsaid_title_words(title: str, brief: Brief) -> list[str]:
    """Words of two or more characters in the title that are neither in her words nor the
    common selling words (新鲜, 包邮, 上市 …)."""
    said, common = brief.source, selling_words()
    return [
        w
        for w in dict.fromkeys(words(title))
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w) and w not in said and w not in common
    ]


def before_poster(brief: Brief, copy: Copy) -> list[Doubt]:
    """What she should look at before the posters are made, most important first."""
    doubts = []
    for part, text in (("标题", copy.title), ("口号", copy.slogan), ("卖点", "、".join(copy.selling_points))):
        bad = unfit_characters(text)
        if bad:
            shown = "、".join(f"「{c}」" for c in bad)
            doubts.append(Doubt("unfit", f"{part}里有{shown}字，印在吃的东西上不好看，可能是听错了。", "title"))
    if not brief.effective_price and not brief.is_homestay:
        doubts.append(Doubt("price", "还没有价格：海报上不会有价钱。", "check"))
    if not (brief.contact or brief.qr):
        doubts.append(Doubt("contact", "还没有微信号、电话或二维码：买的人找不到你。", "check"))
    if not brief.photo:
        doubts.append(Doubt("photo", "还没有照片：海报上会画一块颜色代替。", "check"))
    unsaid = unsaid_title_words(copy.title, brief)
    if unsaid:
        doubts.append(Doubt("unsaid", f"标题里的「{'」「'.join(unsaid)}」你没说过，看看对不对。", "title"))
    return doubts


def safe_title(brief: Brief, copy: Copy) -> str:
    """A title made of her own words only: the name of what she sells (the title as it is
    when there is none)."""
    product = brief.product or copy.facts.get("product", "") or brief.facts.product
    return product or copy.title
