"""Where a seller posts, and each platform's rules, enforced in code after generation.

A small model gets the form roughly right; these rules make it exactly right. Each
finisher takes the model's text and returns text that obeys its platform's length and
shape, with every number, place and claim checked against the brief. When nothing
usable is left, a rule-based version built only from the seller's own words stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import compliance
from .brief import Brief
from .facts import find_price, numbers_in
from .text import (EMOJI, collapse_loops, drop_repeated_sentences, fit_length, fit_post, remove_fillers, sentences,
                   visible_length)

SPEECH_CHARS_PER_SECOND = 4.5  # a seller reading her script aloud, measured Mandarin pace


@dataclass(frozen=True)
class Platform:
    """One kind of copy.

    Attributes:
        id: the key in ``Copy.posts`` and the prompt file name (``prompts/<id>.md``).
        label: the name sellers know it by, shown in the UI.
        max_tokens: generation budget; a little over the longest good answer, so a loop stops early.
        min_chars, max_chars: the length rule, in visible characters.
        repeat_penalty: llama.cpp's penalty also hits the brief's own words in the prompt;
            a shop title is made of those words, and with 1.1 the model swaps them for
            look-alikes (汁多 → 汇汁多, 咬 → 咯), so it gets none. Loops are cut in code.
    """

    id: str
    label: str
    max_tokens: int
    min_chars: int = 0
    max_chars: int = 0
    repeat_penalty: float = 1.1


PLATFORMS: dict[str, Platform] = {p.id: p for p in (
    Platform("poster", "海报文字", 200),
    Platform("moments", "朋友圈", 240, 10, 150),
    Platform("video", "抖音/快手口播", 240, round(15 * SPEECH_CHARS_PER_SECOND), round(30 * SPEECH_CHARS_PER_SECOND)),
    Platform("xiaohongshu", "小红书", 420, 30, 300),
    Platform("shop_title", "淘宝/拼多多标题", 60, 4, 30, repeat_penalty=1.0),
    Platform("homestay", "民宿介绍", 380, 30, 250),
)}
TEXT_PLATFORMS = tuple(p for p in PLATFORMS if p != "poster")


def default_platforms(brief: Brief) -> tuple[str, ...]:
    """Everything a seller of this brief would post: the homestay text only for homestays."""
    return tuple(p for p in PLATFORMS if p != "homestay" or brief.is_homestay)


@dataclass
class Finished:
    text: str
    source: str  # "model", "model (repaired)" or "fallback"
    changes: list[compliance.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- shared clean-up

_SCAFFOLD = re.compile(r"^\s*(?:卖家资料|-\s*卖家原话|-\s*(?:产品|价格|风格|联系方式)：|```).*$", re.M)
_LABEL = re.compile(r"^\s*(?:朋友圈|口播稿|口播|脚本|标题|正文|笔记|商品标题|民宿介绍|文案)\s*[:：]\s*", re.M)
_CTA = re.compile(r"评论|留言|关注|私信|下单|点击|点赞|链接|联系|加我|加微信|微信|打电话|电话|预订|来买|快来|赶紧|抢|收藏|小黄车")


def leaks_prompt(text: str, system: str) -> bool:
    """True when the output repeats the instructions (a hostile transcript asked for them).

    Only runs of Chinese are compared: JSON keys like "selling_points" are in both on purpose.
    """
    flat = re.sub(r"\s+", "", text)
    for run in re.findall(r"[\u4e00-\u9fff，。、；：“”（）]{12,}", system):
        if any(run[i:i + 12] in flat for i in range(0, len(run) - 11, 4)):
            return True
    return False


def _clean(text: str, brief: Brief, platform: str, changes: list) -> str:
    text = _LABEL.sub("", _SCAFFOLD.sub("", text)).strip().strip('"“”')
    text = drop_repeated_sentences(collapse_loops(remove_fillers(text)))
    # Facts first: a health claim takes its whole sentence with it, where the 广告法 pass
    # would only cut the word and leave "吃了能。".
    text, fact_changes = compliance.guard_facts(text, brief.source, brief.allowed_numbers(), platform)
    changes.extend(fact_changes)
    text, ad_changes = compliance.clean_ad_terms(text, platform)
    changes.extend(ad_changes)
    return text.strip()


def _price_missing(text: str, price: str) -> bool:
    return bool(price) and not numbers_in(price) <= numbers_in(text)


def seller_clauses(brief: Brief) -> list[str]:
    """The seller's own clauses for rule-based text: fillers removed, price clauses left
    out, and what even she may not print (a health claim, 最甜) left out or rewritten."""
    clauses = [c.strip() for c in re.split(r"[，,。！!？?；;\n]+", brief.spoken_text) if c.strip()]
    allowed = brief.allowed_numbers()
    kept = []
    for clause in clauses:
        if find_price(clause) or compliance.problem(clause, brief.source, allowed):
            continue
        kept.append(compliance.clean_ad_terms(clause, "")[0])
    return [c for c in kept if c]


def product_name(brief: Brief) -> str:
    if brief.product:
        return brief.product
    m = re.search(r"(?:我家|我们家|自家|家里)(?:的|种的|养的|做的|产的)?([\u4e00-\u9fff]{1,6}?)"
                  r"(?:又|很|特别|都|是|，|,|。|有|今年|现在|熟)", brief.transcript)
    return m.group(1) if m else "自家好物"


# --------------------------------------------------------------------------- one finisher per platform


def finish_moments(raw: str, brief: Brief) -> Finished:
    changes: list = []
    # A Moments post may have line breaks; only spaces inside a line are tidied.
    lines = (" ".join(line.split()) for line in _clean(raw, brief, "moments", changes).splitlines())
    text = "\n".join(line for line in lines if line)
    source = "model" if not changes else "model (repaired)"
    if visible_length(text) < PLATFORMS["moments"].min_chars:
        text, source = fallback_moments(brief), "fallback"
    price = brief.effective_price
    if _price_missing(text, price):
        # The price is the one fact a buyer needs; never let the post lose it.
        text = fit_post(text, 150 - len(price) - 4).rstrip("。！!") + f"，{price}。"
    if brief.contact and brief.contact not in text:
        tail = f"联系：{brief.contact}。"
        text = fit_post(text, 150 - len(tail)) + tail
    return Finished(fit_post(text, 150), source, changes)


def fallback_moments(brief: Brief) -> str:
    product = product_name(brief)
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    clauses = [own.sub("", c).strip() or c for c in seller_clauses(brief)]
    body = "，".join(clauses) if clauses else product
    price = f"，{brief.effective_price}" if brief.effective_price else ""
    contact = f"，联系我：{brief.contact}" if brief.contact else ""
    greeting = opening(brief) if brief.is_homestay else f"我家的{product}上新啦！"
    return fit_post(f"{greeting}{body}{price}{contact}。", 150)


# Lines that make a short script long enough to say without claiming anything.
NEUTRAL_LINES = ("喜欢的朋友可以先买一点尝尝。", "有什么想问的，都可以问我。", "点个关注，下次上新早知道。")
NEUTRAL_LINES_HOMESTAY = ("想出来走走的朋友，欢迎来住几天。", "有什么想问的，都可以问我。", "点个关注，看看我们这里的四季。")


def opening(brief: Brief) -> str:
    """A short first line: a hook for a script, a greeting for a post."""
    name = product_name(brief)
    return f"欢迎来{name}住几天！" if brief.is_homestay else f"{name}上新啦！"


def _call_to_action(brief: Brief) -> str:
    return "想要的朋友评论区留言，或者私信我！"


def finish_video(raw: str, brief: Brief) -> Finished:
    platform = PLATFORMS["video"]
    changes: list = []
    text = _clean(raw, brief, "video", changes)
    # A script line without an end mark still ends a sentence: "你吃过杏子吗\n我家的…".
    text = re.sub(r"([吗呢])?(?<![。！？!?…，,；;：:])\n+", lambda m: (m.group(1) + "？") if m.group(1) else "。", text)
    text = text.replace("\n", "")
    lines = [s.strip() for s in sentences(text) if s.strip(" \n，,")]
    source = "model" if not changes else "model (repaired)"
    notes: list[str] = []
    if len(lines) < 2:
        lines, source = fallback_video_lines(brief), "fallback"
    if len(lines[0]) > 20:
        lines.insert(0, opening(brief))
        notes.append("video: 开头加了一句短的")
    if not _CTA.search(lines[-1]):
        lines.append(_call_to_action(brief))
        notes.append("video: 结尾加了一句叫大家行动的话")
    price = brief.effective_price
    if _price_missing("".join(lines), price):
        lines.insert(len(lines) - 1, f"现在{price}。")
    # Too long to say in 30 s: drop sentences from the middle, never the hook or the ask.
    while visible_length("".join(lines)) > platform.max_chars and len(lines) > 3:
        middle = [i for i in range(1, len(lines) - 1) if not numbers_in(lines[i]) or not price]
        lines.pop(middle[-1] if middle else len(lines) - 2)
    # Too short to fill 15 s: add the seller's own words, which are true by definition,
    # then sentences that state nothing about the product.
    neutral = NEUTRAL_LINES_HOMESTAY if brief.is_homestay else NEUTRAL_LINES
    extra = [c + "。" for c in seller_clauses(brief) if c not in "".join(lines)] + list(neutral)
    while visible_length("".join(lines)) < platform.min_chars and extra:
        lines.insert(len(lines) - 1, extra.pop(0))
    return Finished("\n".join(lines), source, changes, notes)


def fallback_video_lines(brief: Brief) -> list[str]:
    lines = [opening(brief)] + [c + "。" for c in seller_clauses(brief)[:4]]
    if brief.effective_price:
        lines.append(f"现在{brief.effective_price}。")
    return lines + [_call_to_action(brief)]


_TAG = re.compile(r"#\s*([^\s#，,。！!？?]{1,12})")


def finish_xiaohongshu(raw: str, brief: Brief, hashtags: list[str] = ()) -> Finished:
    platform = PLATFORMS["xiaohongshu"]
    changes: list = []
    tags = [t for t in dict.fromkeys(_TAG.findall(raw)) if not compliance.problem(t, brief.source, brief.allowed_numbers())]
    body = _TAG.sub("", raw)
    text = _clean(body, brief, "xiaohongshu", changes)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    source = "model" if not changes else "model (repaired)"
    notes: list[str] = []
    if len(lines) < 2 or visible_length("".join(lines[1:])) < 8:
        lines, source = fallback_xiaohongshu_lines(brief), "fallback"
    title, paragraphs = fit_length(lines[0], 20), lines[1:]
    if not EMOJI.search(title):
        title = "🌾" + fit_length(title, 19)
    for extra in [*hashtags, product_name(brief), "农家好物", "助农"]:
        if len(tags) >= 3:
            break
        extra = extra.replace(" ", "")
        if extra and extra not in tags:
            tags.append(extra)
    tag_line = " ".join(f"#{t}" for t in tags[:5])
    price = brief.effective_price
    if _price_missing(title + "".join(paragraphs), price):
        paragraphs.append(f"💰{price}" + (f"，私信我或加微信 {brief.contact}。" if brief.contact else "，想要的私信我。"))

    def assemble() -> str:
        return "\n\n".join([title, *paragraphs, tag_line])

    while visible_length(assemble()) > platform.max_chars and len(paragraphs) > 1:
        paragraphs.pop(-2 if len(paragraphs) > 1 else -1)
        notes.append("xiaohongshu: 太长，删了一段")
    return Finished(assemble(), source, changes, notes)


def fallback_xiaohongshu_lines(brief: Brief) -> list[str]:
    product = product_name(brief)
    clauses = seller_clauses(brief)
    title = f"🌾{brief.facts.place}{product}" if brief.facts.place else f"🌾自家的{product}"
    paragraphs = ["🌱" + "，".join(clauses[i:i + 2]) + "。" for i in range(0, min(len(clauses), 4), 2)]
    return [title, *(paragraphs or [f"🌱我家的{product}，欢迎来问。"])]


_SHOP_TITLE_CHARS = "装新鲜现摘挖货农家手工特产当季整箱盒礼斤公克个只袋"  # what titles may add: 5斤装, 新鲜, 礼盒
_CONTACT_WORD = re.compile(r"微信|电话|联系|加我|私信|手机|\d{7,}")
_FLUFF = re.compile(r"[啦呀哦吧呢哈嘛哟]|正品|爆款|网红|必买|秒杀|热卖")


def finish_shop_title(raw: str, brief: Brief) -> Finished:
    platform = PLATFORMS["shop_title"]
    changes: list = []
    line = next((l for l in _clean(raw, brief, "shop_title", changes).splitlines() if l.strip()), "")
    words = [w for w in re.split(r"[\s，,。！!？?、；;：:|/（）()【】\[\]“”\"'·…—-]+", _FLUFF.sub("", line)) if w]
    # Shops forbid contacts in titles, and the price has its own field.
    words = [w for w in words if len(w) >= 2 and not _CONTACT_WORD.search(w)
             and not (brief.contact and brief.contact in w) and not find_price(w)]
    # A shop title is the seller's own keywords. A word with characters she never said
    # is the model garbling hers (汁多 → 汇汁多, 包邮 → 面包邮), not a better keyword.
    said = set(brief.source) | set(_SHOP_TITLE_CHARS)
    words = [w for w in words if all(ch in said for ch in w if "\u4e00" <= ch <= "\u9fff")]
    source = "model" if not changes else "model (repaired)"
    product = product_name(brief)
    if not words:
        words, source = fallback_shop_words(brief), "fallback"
    if not any(product in w for w in words):
        words.insert(0, product)
    if len("".join(words)) < 12:  # too thin to be found in a search: add the facts
        for extra in fallback_shop_words(brief):
            # Skip what a word already says: "水蜜桃今年熟了" after "水蜜桃", "5斤一箱" after "5斤装".
            if not any(extra in w or w in extra or numbers_in(extra) & numbers_in(w) for w in words):
                words.append(extra)
    words = list(dict.fromkeys(words))
    while len(" ".join(words)) > platform.max_chars and len(words) > 1:
        words.pop()
    title = " ".join(words)
    return Finished(title[:platform.max_chars].strip(), source, changes)


def fallback_shop_words(brief: Brief) -> list[str]:
    """Keywords from the facts, then the seller's short phrases ("又大又甜", "含早餐")."""
    facts, product = brief.facts, product_name(brief)
    words = [product, facts.variety, facts.place, facts.harvest, facts.weight, facts.shipping.replace("、", " ")]
    phrases = [re.sub(r"^(?:我们家|我家|咱家|自家|我们|咱们)的?", "", c) for c in seller_clauses(brief)]
    phrases = [p.replace(product, "") if len(p) > len(product) + 1 else p for p in phrases]  # 杏子又大又甜 → 又大又甜
    phrases = [re.sub(r"^(?:这个|那个|这|那)", "", p) for p in phrases]
    phrases = [p for p in phrases if 2 <= len(p) <= 10 and not re.match(r"^[我你他她咱]", p)]
    return [w for w in " ".join(words).split() if w] + phrases


def finish_homestay(raw: str, brief: Brief) -> Finished:
    platform = PLATFORMS["homestay"]
    changes: list = []
    text = _clean(raw, brief, "homestay", changes)
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    source = "model" if not changes else "model (repaired)"
    if visible_length("".join(paragraphs)) < platform.min_chars:
        paragraphs, source = fallback_homestay_paragraphs(brief), "fallback"
    booking = []
    if _price_missing("".join(paragraphs), brief.effective_price):
        booking.append(brief.effective_price)
    if brief.contact and brief.contact not in "".join(paragraphs):
        booking.append(f"预订请联系 {brief.contact}")
    if booking:
        paragraphs.append("，".join(booking) + "。")
    while visible_length("".join(paragraphs)) > platform.max_chars and len(paragraphs) > 2:
        paragraphs.pop(-2)  # keep the opening and the booking paragraph
    text = "\n\n".join(paragraphs)
    if visible_length(text) > platform.max_chars:
        text = fit_post(text, platform.max_chars)
    return Finished(text, source, changes)


def fallback_homestay_paragraphs(brief: Brief) -> list[str]:
    clauses = seller_clauses(brief)
    name = product_name(brief)
    return [f"欢迎来{name}住几天。", "，".join(clauses) + "。" if clauses else "这里安静干净，适合放松。"]


FINISHERS = {
    "moments": finish_moments,
    "video": finish_video,
    "shop_title": finish_shop_title,
    "homestay": finish_homestay,
}


def finish(platform: str, raw: str, brief: Brief, hashtags: list[str] = ()) -> Finished:
    if platform == "xiaohongshu":
        return finish_xiaohongshu(raw, brief, list(hashtags))
    return FINISHERS[platform](raw, brief)


def follows_rules(platform: str, text: str) -> bool:
    """The length rule of ``platform`` (what bench/copy_eval.py reports)."""
    spec = PLATFORMS[platform]
    return spec.min_chars <= visible_length(text) <= spec.max_chars
