"""The poster text: a title of at most 12 characters, a slogan of at most 20, up to three
selling points of at most 10 each (never padded with stock phrases beside hers, nor with
what the title or slogan already says), and a few hashtags. The model writes them as one
JSON object."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from assistant.contracts import Brief, Change, Copy
from assistant.copywriting import compliance, review
from assistant.copywriting.lenient_json import parse_json_object
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import best_clauses, only_a_price, product_name, seller_clauses
from assistant.language.facts import numbers_in
from assistant.language.reading import LISTING, is_keyword_string
from assistant.language.text import fit_length, han_count

LIMITS = {"title": 12, "slogan": 20, "selling_point": 10, "hashtag": 10}
N_SELLING_POINTS = 3
MAX_HASHTAGS = 5


def _phrases(limit: int, most: int) -> dict:
    return {"type": "array", "items": _phrase(limit), "maxItems": most}


def _phrase(limit: int) -> dict:
    # Twice the limit: enough to stop a loop, never so tight that decoding cuts her phrase
    # mid-word (fit_length shortens it at a clause afterwards). At least two characters: an
    # empty point says nothing.
    return {"type": "string", "minLength": 2, "maxLength": 2 * limit}


# The answer's shape, enforced while the model decodes where the back-end can (a llama.cpp
# grammar, a server's response_format): left free, the 1.5B model fences the object, adds a
# line after it, writes the points as one string or drops a key, and each costs a field to
# the rule-based draft. The keys come in this order, the order the worked example shows.
SCHEMA = json.dumps(
    {
        "type": "object",
        "properties": {
            "title": _phrase(LIMITS["title"]),
            "slogan": _phrase(LIMITS["slogan"]),
            # Two more points than the poster shows: the finisher drops those the slogan already
            # says or that repeat the price, and a fourth (免费停车) then takes their place.
            "selling_points": _phrases(LIMITS["selling_point"], N_SELLING_POINTS + 2),
            "hashtags": _phrases(LIMITS["hashtag"], MAX_HASHTAGS),
        },
        "required": ["title", "slogan", "selling_points", "hashtags"],
        "additionalProperties": False,
    },
    ensure_ascii=False,
)


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[、，,;；\n]+", value)
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, (str, int, float))]


def poster_draft(brief: Brief) -> dict:
    """Poster text made only from the seller's own words and fields."""
    product = product_name(brief)
    reading = brief.reading
    clauses = [c for c in _her_clauses(brief) if not is_keyword_string(c)]
    if reading.input == LISTING or not clauses:
        # A listing's keywords are not a slogan: her selling words are (头茬, 颗粒大).
        clauses = [c for c in reading.selling if 2 <= han_count(c) <= LIMITS["selling_point"]] or clauses
    where = reading.place.split("、")[0]
    slogan = fit_length(
        clauses[0] if clauses else f"{where}的{product}" if where else f"自家的{product}", LIMITS["slogan"]
    )
    points = [c for c in clauses[1:] if 2 <= len(c) <= LIMITS["selling_point"]][:N_SELLING_POINTS]
    # Short of three, her facts fill in (顺丰包邮, 5斤装, 现摘); stock phrases (欢迎咨询) only
    # when there is nothing else: they say nothing a buyer can hold her to, nor anything at all.
    facts = brief.facts
    for fact in (facts.shipping.replace("、", ""), facts.weight, facts.harvest, facts.variety, facts.place):
        fact = fit_length(fact, LIMITS["selling_point"])
        if len(points) < N_SELLING_POINTS and len(fact) >= 2 and not _repeats_a_point(fact, points):
            points.append(fact)
    return {
        "title": fit_length(f"{product}上新啦" if len(product) <= 8 else product, LIMITS["title"]),
        "slogan": slogan,
        "selling_points": [fit_length(p, LIMITS["selling_point"]) for p in points],
        "hashtags": [fit_length(product, LIMITS["hashtag"]), "农家好物", "助农"],
    }


# Beyond this many characters her words are a story, and its first clause (我做的是手工布鞋,
# 今年的新米下来了) is seldom her best point: the clauses that sell come first instead.
LONG_TEXT_CHARS = 40


def _her_clauses(brief: Brief) -> list[str]:
    """Her printable clauses with the product's name taken off their start (杏子又大又甜 → 又大又甜)."""
    product = product_name(brief)
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    long = han_count(brief.spoken_text) > LONG_TEXT_CHARS
    clauses = best_clauses(brief) if long else seller_clauses(brief)
    return [own.sub("", c).strip() or c for c in clauses]


@dataclass
class PosterText:
    title: str
    slogan: str
    selling_points: list[str]
    hashtags: list[str]
    finished: Finished


_WHOSE = re.compile(r"我们家|我们|我家|咱家|俺家|自家|的")


def _core(text: str) -> str:
    """What a phrase says, without whose it is: 我们山里的土蜂蜜 and 山里土蜂蜜 say the same."""
    return _WHOSE.sub("", text).lstrip("有是很都还也") or text


def _repeats_a_point(text: str, points: list[str]) -> bool:
    """ "汁多" next to "汁多味美", "有六个房间" next to "六个房间", or "吃虫子玉米" next to
    "吃虫子和玉米": one says the other (its characters, in order, are in the other); and
    "5斤一袋" next to "五斤一袋": the same numbers are the same fact."""
    core, numbers = _core(text), numbers_in(text, per_one=False)
    return any(
        _within(core, _core(p)) or _within(_core(p), core) or (numbers and numbers == numbers_in(p, per_one=False))
        for p in points
    )


def _says_only(text: str, shown: list[str]) -> bool:
    """Whether a point says nothing the title or slogan above it does not (山里土蜂蜜 under the
    title 我们山里的土蜂蜜). One way only: 杏子又大又甜 under the title 自家杏子 says more."""
    return any(_within(_core(text), _core(s)) or _reordered(_core(text), s) for s in shown if s)


_LINKING = set("在是的了有很都还也和就")


def _reordered(short: str, long: str) -> bool:
    """Whether ``short`` only says ``long``'s words in another order: 渔家乐在海边 under the title
    海边渔家乐. Linking characters (在, 是, 的) say nothing of their own."""
    content = [ch for ch in short if "\u4e00" <= ch <= "\u9fff" and ch not in _LINKING]
    return len(content) >= 2 and set(content) <= set(long)


def _within(short: str, long: str) -> bool:
    """Whether ``short`` is in ``long``, whole or with at most a third of its characters left out."""
    if not short or short in long:
        return bool(short)
    rest = iter(long)
    return all(ch in rest for ch in short) and len(short) * 3 >= len(long) * 2


def finish_poster(parsed: dict | None, repaired: bool, brief: Brief) -> PosterText:
    """Hold each field to its rules; take what is missing or wrong from the draft."""
    draft = poster_draft(brief)
    notes: list[str] = []
    changes: list[Change] = []
    parsed = parsed or {}
    used_model = 0

    def acceptable(text: str, name: str) -> str:
        """The text after the 广告法 pass, or "" if it states something the brief does not."""
        text, ad_changes = compliance.clean_ad_terms(text, name)
        changes.extend(ad_changes)
        kept = []
        for clause in re.split(r"(?<=[，,、])", text):  # "一斤十五块，包邮，品质保证": only the last clause goes
            found = compliance.problem(clause, brief.source, brief.allowed_numbers())
            if found:
                changes.append(Change(name, clause.strip("，,、 "), "", found[0], found[1]))
            else:
                kept.append(clause)
        return "".join(kept).strip("，,、 ")

    def single(name: str, limit: int) -> str:
        nonlocal used_model
        value = parsed.get(name)
        if isinstance(value, str) and value.strip():
            text = fit_length(acceptable(value, name), limit)
            if text:
                used_model += 1
                return text
        notes.append(f"{name}: 用了根据原话整理的版本")
        return draft[name]

    # A poster title is one phrase; "自家杏子，又大又甜" reads as two, so the comma becomes a space.
    parsed["title"] = re.sub(r"\s*[，,、]\s*", " ", parsed["title"]) if isinstance(parsed.get("title"), str) else None
    title = single("title", LIMITS["title"])
    slogan = single("slogan", LIMITS["slogan"])
    hers = _her_clauses(brief)  # the guard runs on each clause: once here, not per use
    if only_a_price(slogan) and brief.effective_price and hers:
        slogan = draft["slogan"]  # the badge already says ¥15/斤; the slogan says what she said of it
        notes.append("slogan: 口号只是价格，价格已经在价签上，换成了你的原话")
    price_numbers = numbers_in(brief.effective_price)

    points: list[str] = []
    shown = [title, slogan]
    said_above: list[str] = []  # points that only repeat the title or slogan: the last resort
    for item in _as_list(parsed.get("selling_points")):
        text = fit_length(acceptable(item, "selling_points"), LIMITS["selling_point"])
        repeats_price = price_numbers and numbers_in(text) & price_numbers  # the price has its own badge
        if not text or repeats_price or _repeats_a_point(text, points) or review.weak_points([text], brief):
            continue
        if _says_only(text, shown):
            said_above.append(text)
            notes.append("selling_points: 卖点和标题或口号说的一样，去掉了")
            continue
        points.append(text)
    if points:
        used_model += 1
    # Her first clause (又大又甜) is the draft's slogan; when the model's slogan is another,
    # it is still her best point, and must not be lost with the model point it was rewritten into.
    lead = [c for c in hers[:1] if 2 <= len(c) <= LIMITS["selling_point"]]
    for extra in lead + draft["selling_points"]:
        if len(points) >= N_SELLING_POINTS:
            break
        if _says_only(extra, shown):
            said_above.append(extra)
        elif not _repeats_a_point(extra, points):
            points.append(extra)
            notes.append("selling_points: 卖点不够三个，用原话补上")
    # Else, with none left, the poster has no points: its slogan already says them (皮薄肉香，
    # 一斤二十五块 over a lone 皮薄肉香 read twice), and the layout leaves the space to the photo.

    hashtags: list[str] = []
    for item in _as_list(parsed.get("hashtags")):
        tag = fit_length(acceptable(item.replace("#", ""), "hashtags"), LIMITS["hashtag"]).replace(" ", "")
        if tag and tag not in hashtags:
            hashtags.append(tag)
    if hashtags:
        used_model += 1
    else:
        hashtags = draft["hashtags"]

    source = "fallback" if used_model == 0 else "model (repaired)" if repaired or notes else "model"
    return PosterText(
        title,
        slogan,
        points[:N_SELLING_POINTS],
        hashtags[:MAX_HASHTAGS],
        Finished("", source, changes, list(dict.fromkeys(notes))),
    )


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    parsed, repaired = parse_json_object(raw) if raw else (None, True)
    poster = finish_poster(parsed, repaired, brief)
    done = poster.finished
    done.fields = {
        "title": poster.title,
        "slogan": poster.slogan,
        "selling_points": poster.selling_points,
        "hashtags": poster.hashtags,
    }
    return done


def follows_rules(copy: Copy) -> bool:
    """Every field within its limit, at most three points and a few hashtags (what bench/copy_eval.py reports)."""
    return (
        0 < len(copy.title) <= LIMITS["title"]
        and 0 < len(copy.slogan) <= LIMITS["slogan"]
        and len(copy.selling_points) <= N_SELLING_POINTS  # fewer than three beats padding; none
        # beats a point the slogan already says
        and all(0 < len(p) <= LIMITS["selling_point"] for p in copy.selling_points)
        and 1 <= len(copy.hashtags) <= MAX_HASHTAGS
    )


PLATFORM = register_platform(Platform("poster", "海报文字", finish, max_tokens=200, is_post=False, json_schema=SCHEMA))
