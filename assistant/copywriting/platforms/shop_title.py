"""淘宝/拼多多 shop title: at most 30 characters of her own keywords, no contact, no price."""

from __future__ import annotations

import re

from assistant.contracts import Brief, Copy
from assistant.copywriting.platforms import Finished, Platform, register_platform
from assistant.copywriting.platforms.common import best_clauses, clean_model_text, product_name
from assistant.language.facts import cn_numerals_to_digits, find_contact, find_price, numbers_in
from assistant.language.text import han_count
from assistant.language.words import cut_between_words, word_starts
from assistant.language.words import words as cut_words  # `words` is finish's list of keywords

KEYWORD_MAX_CHARS = 8  # a search word, not a sentence: 推开窗就能看到梯田 is not typed into a search
_SHOP_TITLE_CHARS = "装新鲜现摘挖货农家手工特产当季整箱盒礼斤公克个只袋"  # what titles may add: 5斤装, 新鲜, 礼盒
_CONTACT_WORD = re.compile(r"微信|电话|联系|加我|私信|手机|\d{7,}")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_FLUFF = re.compile(r"[啦呀哦吧呢哈嘛哟]|正品|爆款|网红|必买|秒杀|热卖")


def finish(raw: str, brief: Brief, copy: Copy) -> Finished:
    changes: list = []
    line = next((line for line in clean_model_text(raw, brief, PLATFORM.id, changes).splitlines() if line.strip()), "")
    words = [w for w in re.split(r"[\s，,。！!？?、；;：:|/（）()【】\[\]“”\"'·…—-]+", _FLUFF.sub("", line)) if w]
    # Shops forbid contacts in titles, and the price has its own field.
    words = [
        w
        for w in words
        if len(w) >= 2
        and not _CONTACT_WORD.search(w)
        and not any(contact and contact in w for contact in (brief.contact, find_contact(brief.source)))
        and not find_price(w)
    ]
    # A shop title is the seller's own keywords. A word with characters she never said
    # is the model garbling hers (汁多 → 汇汁多, 包邮 → 面包邮), not a better keyword.
    said = set(brief.source) | set(_SHOP_TITLE_CHARS)
    words = [w for w in words if all(ch in said for ch in w if "\u4e00" <= ch <= "\u9fff")]
    # Her characters in an order she never said them are not her keyword either (软了再吃 →
    # 软吃一箱, 秋天采的 → 秋采泡发率高): single characters must stand as she put them.
    words = [w for w in words if _in_her_order(w, brief.source)]
    source = "model" if not changes else "model (repaired)"
    product = product_name(brief)
    words = _with_its_noun(words, product, brief.source)
    if not words:
        words, source = fallback_words(brief), "fallback"
    if not any(product in w for w in words):
        words.insert(0, product)
    words = _distinct(words)
    if len("".join(words)) < 12:  # too thin to be found in a search: add the facts
        for extra in fallback_words(brief):
            # Skip what a word already says: "水蜜桃今年熟了" after "水蜜桃", "5斤一箱" after "5斤装".
            if not any(extra in w or w in extra or numbers_in(extra) & numbers_in(w) for w in words):
                words.append(extra)
    words = _distinct(words)
    while len(" ".join(words)) > PLATFORM.max_chars and len(words) > 1:
        words.pop()
    # One run of keywords longer than the limit is cut after a whole word, never inside one.
    return Finished(cut_between_words(" ".join(words), PLATFORM.max_chars), source, changes)


def _in_her_order(keyword: str, source: str) -> bool:
    """Whether each pair of neighbouring words in ``keyword`` is two whole words (沙地 山药)
    or stands together in her words (手工 炒 in 手工炒的)."""
    heard = cn_numerals_to_digits(source) + " " + source
    parts = cut_words(keyword)
    for a, b in zip(parts, parts[1:]):
        both_han = _HAN.fullmatch(a) and _HAN.fullmatch(b)
        if both_han and (len(a) < 2 or len(b) < 2) and a + b not in heard:
            return False
    return True


def _with_its_noun(words: list[str], product: str, source: str) -> list[str]:
    """A keyword she said just before the product's name is a description cut from its noun
    (明前的高山 from her 明前的高山绿茶): it gets the noun back, and then the name alone goes."""
    completed = [
        w + product if product not in w and not w.endswith("的") and w + product in source else w for w in words
    ]  # "新疆的" before 红枣 is only a place, which _distinct weighs against 新疆红枣
    if completed == words:
        return words
    return [w for w in completed if w != product]


def _distinct(words: list[str]) -> list[str]:
    """Each keyword once: a later one that says an earlier one again goes ("5斤" after
    "五斤装", "新疆的" after "新疆红枣"), since a title's 30 characters are for search words."""
    kept: list[str] = []
    for word in words:
        numbers, bare = numbers_in(word), word.rstrip("的")
        again = any(
            word == other or (numbers and numbers <= numbers_in(other)) or (len(bare) >= 2 and bare in other)
            for other in kept
        ) or _made_of(word, kept)
        if not again:
            kept.append(word)
    return kept


def _made_of(word: str, kept: list[str]) -> bool:
    """Whether ``word`` only joins keywords already there: 顺丰包邮 after 顺丰 and 包邮."""
    rest = word
    for other in kept:
        rest = rest.replace(other, "")
    return rest != word and han_count(rest) < 2


def vary(title: str, brief: Brief, attempt: int) -> str:
    """The same keywords in another order (the product stays first, where search weighs it
    most), with her other phrases brought in where there is room."""
    words = title.split()
    if not words:
        return title
    head, rest = words[:1], words[1:]
    extra = [w for w in fallback_words(brief) if w not in words and not any(w in x or x in w for x in words)]
    rest = rest + extra
    if rest:
        turn = attempt % len(rest) or 1
        rest = rest[turn:] + rest[:turn]
    varied = head + rest
    while len(" ".join(varied)) > PLATFORM.max_chars and len(varied) > 1:
        varied.pop()
    return cut_between_words(" ".join(varied), PLATFORM.max_chars)


def fallback_words(brief: Brief) -> list[str]:
    """Keywords from the facts, then the seller's short phrases ("又大又甜", "含早餐")."""
    facts, product = brief.facts, product_name(brief)
    words = [product, facts.variety, facts.place, facts.harvest, facts.weight, facts.shipping.replace("、", " ")]
    # Her clauses that sell first (never a contact, a price or her story's opening), each
    # without its opening and the product's name: 我家的杏子又大又甜 → 又大又甜.
    phrases = [_without(product, _keyword_of(c)) for c in best_clauses(brief)]
    phrases = [p for p in phrases if 2 <= len(p) <= KEYWORD_MAX_CHARS and not re.match(r"^[我你他她咱]", p)]
    return [w for w in " ".join(words).split() if w] + phrases


# What opens a clause but is no keyword: 这些是 (her Cantonese 呢啲系), 是, 我们家的, 我做的是. Taken off
# whole, never a character at a time: "这" cut from 这些是我自己种的 left 些是我自己种的 (session 8).
_CLAUSE_OPENING = re.compile(
    r"^(?:(?:这些|那些|这个|那个|这|那)(?:就是|都是|是)?|就是|都是|是)?(?:我们家|我家|咱家|我们|咱们|我|咱)?"
    r"(?:(?:做|卖|种|养)的(?:就)?是)?的?"
)


def _keyword_of(phrase: str) -> str:
    """``phrase`` without its opening (这些是我自己种的 → 自己种的), where that leaves a whole word."""
    opening = _CLAUSE_OPENING.match(phrase).end()
    return phrase[opening:] if opening in word_starts(phrase) else phrase


def _without(product: str, phrase: str) -> str:
    """``phrase`` without the product name at its start or end, where that leaves whole words
    ("杏子又大又甜" → "又大又甜"); a phrase with the name inside stays as it is: cutting it
    out of "村里的老葡萄树" would leave "村里的老 树"."""
    if len(phrase) <= len(product) + 1:
        return phrase
    if phrase.startswith(product) and len(product) in word_starts(phrase):
        return phrase[len(product) :]
    if phrase.endswith(product) and len(phrase) - len(product) in word_starts(phrase):
        return phrase[: -len(product)]
    return phrase


PLATFORM = register_platform(
    Platform(
        "shop_title",
        "淘宝/拼多多标题",
        finish,
        max_tokens=60,
        min_chars=4,
        max_chars=30,
        repeat_penalty=1.0,
        vary=vary,
    )
)
