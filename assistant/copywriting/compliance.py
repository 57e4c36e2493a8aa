"""Keeping copy legal and true.

* 广告法: absolute and medical terms are rewritten or removed, and every change is
  reported in plain words, so the UI can say what was changed and why.
* Fact guard: every number, place, certification and concrete quality (核小, 皮薄) in the
  copy must come from the brief, and no health claim is made at all. A sentence that
  breaks this is dropped, and the drop is reported too. A claim she made in other words
  (没打农药 for 不打农药) is hers, never called invented.

Every check reads the text folded: full width as ASCII (NFKC: "100％" and "１００%" are "100%")
and Traditional characters as Simplified (國家級 is 国家级).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from assistant.contracts import Change
from assistant.language import lexicon
from assistant.language.facts import find_price, invented_places, negated_at, numbers_in, positions_of
from assistant.language.text import sentences
from assistant.language.words import words


@functools.lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern, str, str]]:
    rules = []
    for term, replacement in lexicon.ad_terms():
        if term.startswith("re:"):
            rules.append((re.compile(term[3:]), replacement, term[3:]))
        else:
            rules.append((re.compile(re.escape(term)), replacement, term))
    # Longer literal terms first, so "全网最低" is handled before "最".
    rules.sort(key=lambda r: -len(r[2]) if not r[2].startswith("最(") else 0)
    return rules


def fold_width(text: str) -> str:
    """``text`` with full-width letters, digits and signs as their ASCII selves (NFKC),
    Traditional characters as Simplified (國家級 is 国家级), and Chinese punctuation kept:
    for matching only, never for printing."""
    return "".join(ch if ch in _CJK_PUNCTUATION else _fold_char(ch) for ch in text)


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and "\u4e00" <= folded <= "\u9fff":
        folded = _to_simplified().convert(folded)
    return folded


@functools.lru_cache(maxsize=1)
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


# NFKC would turn these into ASCII too; they are how Chinese is written, not a disguise.
_CJK_PUNCTUATION = set("，。！？：；（）、“”‘’《》【】～")


def _folded_with_index(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, where it came from in ``text``."""
    folded, index = [], []
    for i, ch in enumerate(text):
        part = fold_width(ch)
        folded.append(part)
        index.extend([i] * len(part))
    return "".join(folded), index


def forbidden_terms(text: str) -> list[str]:
    """The forbidden terms found in ``text``, in any width (for checks and evaluation)."""
    folded = fold_width(text)
    return [m.group(0) for pattern, _, _ in _rules() for m in pattern.finditer(folded)]


def clean_ad_terms(text: str, field: str) -> tuple[str, list[Change]]:
    """Rewrite or remove each forbidden term, matched in any width, and say what changed."""
    changes: list[Change] = []
    folded, index = _folded_with_index(text)
    for pattern, replacement, _ in _rules():
        pieces, last = [], 0
        for m in pattern.finditer(folded):
            start, end = index[m.start()], index[m.end() - 1] + 1
            if start < last:
                continue  # one original character folded into several, already replaced
            # Report the word around the term ("最甜" → "很甜"), which reads better than "最" → "很".
            context_after = text[end : end + 1] if replacement and m.group(0) == "最" else ""
            changes.append(Change(field, text[start:end] + context_after, replacement + context_after, "广告法"))
            pieces += [text[last:start], replacement]
            last = end
        if pieces:  # fold again only when the text changed
            text = "".join(pieces) + text[last:]
            folded, index = _folded_with_index(text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), changes


def claims_in(text: str) -> list[str]:
    """The claims ``text`` makes that a seller may make (no health claim): 不打蜡, 皮薄, 包邮."""
    folded = fold_width(text)
    return [term for term, kind, _ in lexicon.claims() if kind not in ("功效", "口感") and term in folded]


@functools.lru_cache(maxsize=1)
def _groups() -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for term, _, group in lexicon.claims():
        groups.setdefault(group, []).append(term)
    return {group: tuple(terms) for group, terms in groups.items()}


def said_herself(term: str, source: str) -> bool:
    """True when the seller made the claim ``term`` makes, in these or other words of its group."""
    group = next((g for t, _, g in lexicon.claims() if t == term), term)
    source = fold_width(source)
    plain = _DEGREE.sub("", source)  # "核很小" says 核小, "皮特别薄" says 皮薄
    words_of_group = _groups().get(group, (term,))
    if group in lexicon.tastes():
        words_of_group += (group,)  # she said 糯: 软糯 and 糯叽叽 are hers too
    return any(_asserted(word, source) or _asserted(word, plain) for word in words_of_group)


def _asserted(word: str, source: str) -> bool:
    """True when ``source`` says ``word`` at least once without a negation just before it
    ("不包邮" and "没有温泉" are not her claims). A word that is itself a negation (没打农药)
    is never negated this way."""
    return any(not negated_at(source, at) for at in positions_of(word, source))


# A word made only of taste characters, perhaps with a doubled ending: 香甜, 甜甜, 香喷喷.
_SENSE_WORD = re.compile(r"^(?P<senses>[^\W\d_]+?)(?:(?P<tail>[\u4e00-\u9fff])(?P=tail))?$")


def invented_sense(text: str, source: str) -> str | None:
    """The first taste character (香 in 大甜又香) that ``text`` states as a word and the
    seller never said; None when every one is hers. 香菇 and 甜瓜 are names, not claims."""
    senses, source = lexicon.tastes(), fold_width(source)
    for word in words(_DEGREE.sub("，", text)):  # 很甜 is 甜 said strongly
        m = _SENSE_WORD.match(word)
        if m and set(m["senses"]) <= senses:
            for ch in m["senses"]:
                if ch not in source:
                    return ch
    return None


_DEGREE = re.compile(r"(?<=[\u4e00-\u9fff])(?:特别|非常|十分|超级|很|超|贼|挺|真|也|都)(?=[\u4e00-\u9fff])")


def problem(text: str, source: str, allowed: set[str]) -> tuple[str, str] | None:
    """Why ``text`` may not be printed, as (reason, word), or None when it is true to the brief.

    ``source`` is everything the seller said or typed; ``allowed`` the numbers in it.
    """
    invented = numbers_in(text, per_one=False) - allowed
    if invented:
        return "事实", sorted(invented)[0]
    price = wrong_price(text, source)
    if price:
        return "事实", price
    # 一个大院子 is a yard, not the 个大 (big fruit) she never claimed.
    folded = masked = re.sub(r"(?<=[一两二三四五六七八九十几\d])个大", "个，", fold_width(text))
    for term, kind, _ in lexicon.claims():
        if kind != "口感" and term in folded and _as_a_word(term, folded):
            if kind != "功效" and not _asserted(term, folded):
                continue  # the copy says 不包邮 as she did: no promise, whoever says it
            if kind == "功效" or not said_herself(term, source):
                return kind, term
            masked = masked.replace(term, "，")  # 软糯 for her 粉糯 is hers, whole
    sense = invented_sense(masked, source)
    if sense:
        return "品质", sense
    places = invented_places(text, source)
    if places:
        return "地名", sorted(places)[0]
    fed = invented_feed(folded, source)
    if fed:
        return "品质", fed
    variety = invented_variety(folded, source)
    if variety:
        return "品质", variety
    return None


def _as_a_word(term: str, text: str) -> bool:
    """Whether ``term`` ends where a word ends in ``text``, not inside the next word (去火 in
    去火车站接你 ends inside 火车站). Its start is not asked: 樱桃核小 may be cut 樱桃核|小."""
    starts = _word_starts(text)
    return any(at + len(term) in starts for at in positions_of(term, text))


@functools.lru_cache(maxsize=256)
def _word_starts(text: str) -> frozenset[int]:
    from assistant.language.words import word_starts

    return frozenset(word_starts(text))


def wrong_price(text: str, source: str) -> str | None:
    """A price in ``text`` whose amount she never gave as an amount: her 一块五一斤 written
    一块一斤 (copy_eval, 2026-12-04). Its 1 is in her words, but only as the 一 of 一斤."""
    amounts = _her_amounts(source)
    for clause in re.split(r"[，,。！!？?；;\n]", text):
        if not re.search(r"[元块¥￥蚊]", clause):
            continue  # no money said: 一箱20个 is a count
        price = find_price(clause)
        amount = re.match(r"\d+(?:\.\d+)?", price or "")
        if amount and not numbers_in(amount.group(0)) <= amounts:
            return price
    return None


@functools.lru_cache(maxsize=64)
def _her_amounts(source: str) -> frozenset[str]:
    return frozenset(numbers_in(source, per_one=False))


_FED_ON = re.compile(r"吃([\u4e00-\u9fff]{1,8}?)长大")


def invented_feed(text: str, source: str) -> str | None:
    """What the goods are said to be raised on (吃鱼虾长大) when she never named it."""
    for m in _FED_ON.finditer(text):
        if any(food not in source for food in re.split(r"[和与跟、及]|还有", m.group(1)) if food):
            return m.group(0)
    return None


@functools.lru_cache(maxsize=64)
def _her_product(source: str) -> str:
    """find_product once per brief: the guard asks for every sentence of every text."""
    from assistant.language.facts import find_product

    return find_product(source)


def invented_variety(text: str, source: str) -> str | None:
    """Another kind of what she sells, named in ``text`` and never by her: 百花蜜 for her
    枣花蜜, her 鸭蛋 made 海鸭蛋, or 鸡苗 for her 土鸡. Her 鸭蛋，咸的 may be called 咸鸭蛋:
    she said 咸."""
    hers = _her_product(source)
    if len(hers) < 2 or lexicon.product_category(hers) == "homestay":
        return None  # a 樱桃园's 采摘园 is the same stay, not another kind of it
    for name in lexicon.known_products():
        # Made from hers, not hers: 鸡苗 or 鸡蛋 for her 土鸡 (copy_eval, 2026-12-04). 李子 for her
        # 青脆李 is the fruit's everyday name.
        made_from = name[0] == hers[-1] and name[1:] not in ("子", "儿")
        if len(name) >= 2 and made_from and name in text and name not in source and hers not in name:
            return name
        if (
            len(name) >= 3
            and name[-1] == hers[-1]
            and name in text
            and name not in source
            and name[:-1] not in source  # 明前茶 for her 明前的高山绿茶: she said 明前
            and name not in hers
            and (hers not in name or not set(name.replace(hers, "", 1)) <= set(source))
        ):
            return name
    return None


def guard_facts(text: str, source: str, allowed: set[str], field: str) -> tuple[str, list[Change]]:
    """Drop each sentence with an invented number, place or certification, or a health claim.

    Line breaks are kept, so a note with paragraphs keeps its shape.
    """
    kept, changes = [], []
    for sentence in sentences(text):
        found = problem(sentence, source, allowed)
        if found:
            changes.append(Change(field, sentence.strip(), "", found[0], found[1]))
            if sentence.endswith("\n"):
                kept.append("\n")
        else:
            kept.append(sentence)
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip(), changes
