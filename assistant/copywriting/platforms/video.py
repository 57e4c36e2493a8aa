"""抖音/快手 口播脚本: 15–30 s of speech, a hook first, an ask last, her price in between."""

from __future__ import annotations

import re

from assistant.contracts import Brief, Copy
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import (
    CALLS_TO_ACTION,
    call_to_action,
    clean_model_text,
    facts_line,
    is_keyword_string,
    key_clauses,
    opening,
    price_missing,
    product_name,
    spoken_clauses,
)
from assistant.language.facts import numbers_in
from assistant.language.reading import LISTING
from assistant.language.text import reads_back, sentences, visible_length
from assistant.language.words import is_food

SPEECH_CHARS_PER_SECOND = 4.5  # a seller reading her script aloud, measured Mandarin pace
HOOK_MAX_CHARS = 20
QUOTED_CHARS = 40  # of a long text, her clauses that sell: a 30 s script has room for three or four

# Lines that make a short script long enough to say without claiming anything.
NEUTRAL_LINES = ("喜欢的朋友可以先买一点尝尝。", "有什么想问的，都可以问我。", "点个关注，下次上新早知道。")
NEUTRAL_LINES_HOMESTAY = (
    "想出来走走的朋友，欢迎来住几天。",
    "有什么想问的，都可以问我。",
    "点个关注，看看我们这里的四季。",
)


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    text = clean_model_text(raw, brief, PLATFORM.id, changes)
    # A script line without an end mark still ends a sentence: "你吃过杏子吗\n我家的…".
    text = re.sub(r"([吗呢])?(?<![。！？!?…，,；;：:])\n+", lambda m: (m.group(1) + "？") if m.group(1) else "。", text)
    text = text.replace("\n", "")
    lines = [s.strip() for s in sentences(text) if s.strip(" \n，,")]
    source = "model" if not changes else "model (repaired)"
    notes: list[str] = []
    if len(lines) < 2:
        lines, source = fallback_lines(brief), "fallback"
    elif reads_back("".join(lines), brief.spoken_text):
        # Her words read back with a greeting glued on: a script for the ear instead.
        lines, source = fallback_lines(brief), "fallback"
        notes.append("video: 模型只是照抄了原话，换成了按口播写的版本")
    if len(lines[0]) > HOOK_MAX_CHARS:
        lines.insert(0, opening(brief))
        notes.append("video: 开头加了一句短的")
    if not CALLS_TO_ACTION.search(lines[-1]):
        lines.append(call_to_action(brief))
        notes.append("video: 结尾加了一句叫大家行动的话")
    price = brief.effective_price
    if price_missing("".join(lines), price):
        lines.insert(len(lines) - 1, f"现在{spoken_price(brief.price_shown)}。")
    # Too long to say in 30 s: drop sentences from the middle, never the hook or the ask.
    while visible_length("".join(lines)) > PLATFORM.max_chars and len(lines) > 3:
        middle = [i for i in range(1, len(lines) - 1) if not numbers_in(lines[i]) or not price]
        lines.pop(middle[-1] if middle else len(lines) - 2)
    # Too short to fill 15 s: add the seller's own words, which are true by definition,
    # then sentences that state nothing about the product.
    # 先买一点尝尝 only for what is eaten: a reader laughed at it on baskets and a 渔家乐.
    if brief.is_homestay or brief.reading.category == "homestay":
        neutral = NEUTRAL_LINES_HOMESTAY
    else:
        neutral = NEUTRAL_LINES if is_food(product_name(brief)) else NEUTRAL_LINES[1:]
    said_already = re.sub(r"\W", "", "".join(lines))  # 秋风起，蟹脚痒！ has said 秋风起蟹脚痒
    extra = [c + "。" for c in spoken_clauses(brief) if re.sub(r"\W", "", c) not in said_already] + list(neutral)
    while visible_length("".join(lines)) < PLATFORM.min_chars and extra:
        lines.insert(len(lines) - 1, extra.pop(0))
    return Finished("\n".join(lines), source, changes, notes)


def hook(brief: Brief) -> str:
    """A first line that makes a scroller stop: a question about her product where the facts
    give one, never a claim she did not make."""
    if brief.is_homestay:
        return opening(brief)
    facts, name = brief.facts, product_name(brief)
    tried = "吃过" if is_food(name) else "见过"
    if facts.place and facts.place not in name:
        return f"{facts.place}的{name}，你{tried}吗？"
    if facts.variety and facts.variety not in name:
        return f"{facts.variety}{name}，你{tried}吗？"
    if re.search(r"上市|熟了|下来了|挖出来|摘|新茶|出锅|上新", brief.spoken_text):
        return f"今年的{name}来啦！"
    return f"想买{name}的朋友，看过来！"


def fallback_lines(brief: Brief) -> list[str]:
    """A script for the ear: the hook, her own words two clauses to a sentence (a keyword
    listing becomes its selling words), the price said as she would say it, and the ask."""
    reading = brief.reading
    said = key_clauses(brief, QUOTED_CHARS)[:4]
    if reading.input == LISTING or any(
        is_keyword_string(c) for c in re.split(r"[，,。！!？?；;\s]+", brief.spoken_text)
    ):
        said = [c for c in reading.selling if not is_keyword_string(c)][:4]
        said.insert(0, f"我家的{product_name(brief)}，{facts_line(brief, named=False)}".rstrip("，"))
    lines = [hook(brief)] + ["，".join(said[i : i + 2]) + "。" for i in range(0, len(said), 2)]
    if brief.effective_price:
        lines.append(f"现在{spoken_price(brief.price_shown)}。")
    return lines + [call_to_action(brief)]


def spoken_price(price: str) -> str:
    """A price as a seller says it to her phone: 15元/斤 → 15块钱一斤, 380元/2人 → 2人380块钱."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)元(?:/(\d*)([\u4e00-\u9fff]+?))?(起)?", price)
    if not m:
        return price
    amount, count, unit, start = m.groups()
    if not unit:
        return f"{amount}块钱{start or ''}"
    if count:
        return f"{count}{unit}{amount}块钱{start or ''}"
    return f"{amount}块钱一{unit}{start or ''}"


# Other asks for 换一个: a script that ends the same way each time sounds canned.
ASKS = ("想要的朋友评论区留言，或者私信我！", "喜欢的话点个关注，评论区告诉我！", "想要的私信我，我给你留着！")
ASKS_HOMESTAY = (
    "想来住的朋友评论区留言，或者私信我！",
    "喜欢的话点个关注，评论区告诉我！",
    "想订房的私信我，我给你留着！",
)


def vary(script: str, brief: Brief, attempt: int) -> str:
    """The same script with another hook and another ask, for when 换一个 samples the
    script she already has: her facts stay, the first and last lines she hears change."""
    lines = [line for line in script.splitlines() if line.strip()]
    if len(lines) < 2:
        return script
    name = product_name(brief)
    hooks = [hook(brief), opening(brief)]
    if brief.is_homestay:
        hooks += [f"周末不知道去哪儿？来{name}看看！"]
    else:
        hooks += [f"想买{name}的朋友，看过来！", f"今天给大家说说我家的{name}！"]
    hooks = [h for h in dict.fromkeys(hooks) if h != lines[0]]
    asks = [a for a in (ASKS_HOMESTAY if brief.is_homestay else ASKS) if a != lines[-1]]
    # The first line goes only when it is a hook (a short question or call, no facts in it).
    is_hook = len(lines[0]) <= HOOK_MAX_CHARS and lines[0][-1] in "？！?!" and not numbers_in(lines[0])
    head = lines[1:] if is_hook else lines
    body = head[:-1] if CALLS_TO_ACTION.search(head[-1]) else head
    varied = [hooks[attempt % len(hooks)], *body, asks[attempt % len(asks)]]
    while visible_length("".join(varied)) > PLATFORM.max_chars and len(varied) > 3:
        plain = [i for i in range(1, len(varied) - 1) if not numbers_in(varied[i])]  # keep the price line
        varied.pop(plain[-1] if plain else len(varied) - 2)
    return "\n".join(varied)


PLATFORM = register_platform(
    Platform(
        "video",
        "抖音/快手口播",
        finish,
        max_tokens=240,
        min_chars=round(15 * SPEECH_CHARS_PER_SECOND),
        max_chars=round(30 * SPEECH_CHARS_PER_SECOND),
        vary=vary,
        quoted_chars=QUOTED_CHARS,
    )
)
