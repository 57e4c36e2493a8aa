"""What every platform's finisher shares: tidying the model's text, the checks, and the
seller's own words for rule-based text."""

from __future__ import annotations

import re

from assistant.contracts import Brief
from assistant.copywriting import compliance, review
from assistant.language import lexicon
from assistant.language.facts import cn_numerals_to_digits, find_contact, find_price, numbers_in
from assistant.language.lexicon import numeral_chars, selling_words
from assistant.language.reading import LISTING
from assistant.language.text import EMOJI, collapse_loops, drop_repeated_sentences, han_count, remove_fillers
from assistant.language.words import words

_SCAFFOLD = re.compile(r"^\s*(?:卖家资料|-\s*卖家原话|-\s*(?:产品|价格|风格|联系方式)：|```).*$", re.M)
_LABEL = re.compile(r"^\s*(?:朋友圈|口播稿|口播|脚本|标题|正文|笔记|商品标题|民宿介绍|文案)\s*[:：]\s*", re.M)
CALLS_TO_ACTION = re.compile("|".join(lexicon.asks()))


def leaks_prompt(text: str, system: str) -> bool:
    """True when the output repeats the instructions (a hostile transcript asked for them).

    Only runs of Chinese are compared: JSON keys like "selling_points" are in both on purpose.
    """
    flat = re.sub(r"\s+", "", text)
    for run in re.findall(r"[\u4e00-\u9fff，。、；：“”（）]{12,}", system):
        if any(run[i : i + 12] in flat for i in range(0, len(run) - 11, 4)):
            return True
    return False


def clean_model_text(text: str, brief: Brief, platform: str, changes: list) -> str:
    text = _LABEL.sub("", _SCAFFOLD.sub("", text)).strip().strip('"“”')
    text = drop_repeated_sentences(collapse_loops(remove_fillers(text)))
    # Facts first: a health claim takes its whole sentence with it, where the 广告法 pass
    # would only cut the word and leave "吃了能。".
    text, fact_changes = compliance.guard_facts(text, brief.source, brief.allowed_numbers(), platform)
    changes.extend(fact_changes)
    text, ad_changes = compliance.clean_ad_terms(text, platform)
    changes.extend(ad_changes)
    text = number_written(price_with_its_unit(price_as_she_said(text, brief), brief), brief).strip()
    return review.mend(text, brief)


_PRICE_PARTS = re.compile(r"^(\d+(?:\.\d+)?)元/(\d*)([\u4e00-\u9fff]+)$")


def price_with_its_unit(text: str, brief: Brief) -> str:
    """Her price said without what it is for (包早餐，180元～ for 180元/晚; 120元 for a chicken
    at 120元/只) gets its unit back, unless the words just before say it (10斤装68元)."""
    parts = _PRICE_PARTS.match(brief.effective_price or "")
    if not parts:
        return text
    amount, count, unit = parts.groups()

    def mend(m: re.Match) -> str:
        before = text[max(0, m.start() - 6) : m.start()]
        return m.group(0) if unit[-1] in before else f"{amount}元/{count}{unit}"

    bare = rf"(?<![\d.]){re.escape(amount)}\s*元(?!\s*(?:/|一|每|\d|{re.escape(unit)}))"
    return re.sub(bare, mend, text, count=1)


# A phone number as she said it, digit by digit: 一五九三三四五六七八九, 幺三九….
_SPOKEN_DIGITS = re.compile(rf"[{numeral_chars(phone=True)}]{{7,}}")
_DIGIT_OF = {ch: str(value) for ch, value in lexicon.digit_values(phone=True).items()}


def number_written(text: str, brief: Brief) -> str:
    """Her phone number as she said it (一五九三三四五六七八九) written in digits, as a
    buyer dials it: the copy reuses her words, and nobody dials characters."""

    def written(m: re.Match) -> str:
        digits = "".join(_DIGIT_OF[ch] for ch in m.group(0))
        return digits if digits in find_contact(brief.source) + " " + brief.contact else m.group(0)

    return _SPOKEN_DIGITS.sub(written, text)


_NUMERALS = f"0-9.{numeral_chars('十百千万')}点"  # what a written or spoken number is made of
_PER_UNIT = re.compile(r"^(\d+(?:\.\d+)?)元/([\u4e00-\u9fff])$")


def price_as_she_said(text: str, brief: Brief) -> str:
    """Her 三百八一条 (380 yuan a scarf) written as 三百八条 (380 scarves): the "一" of "a"
    dropped turns her price into a count. The guard cannot see it, since 380 is her number;
    here it gets its 一 back, unless she said that count herself."""
    per_unit = _PER_UNIT.match(brief.effective_price or "")
    if not per_unit:
        return text
    amount, unit = per_unit.groups()
    heard = cn_numerals_to_digits(brief.source)
    if re.search(rf"(?<![\d.]){re.escape(amount)}{unit}", heard):
        return text  # "十五斤": she said that amount of it herself

    def mend(m: re.Match) -> str:
        run = m.group(1)
        if cn_numerals_to_digits(run + unit) != amount + unit:
            return m.group(0)
        if run[-1].isdigit():
            return f"{run}元/{unit}"
        return f"{run}一{unit}" if f"{run}一{unit}" in brief.source else f"{run}块一{unit}"

    # Not before 装 (15斤装 is a pack size, a different fault) nor inside a longer number.
    return re.sub(rf"(?<![{_NUMERALS}元块])([{_NUMERALS}]+){unit}(?!装)", mend, text)


_PRICE_WORDS = set(numeral_chars("十百千万") + "块元钱毛角每装" + "".join(lexicon.units()))


def only_a_price(text: str) -> bool:
    """Whether ``text`` says nothing but a price (一斤十五块, 15元/斤)."""
    rest = [ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in _PRICE_WORDS]
    return find_price(text) is not None and len(rest) < 2


def price_missing(text: str, price: str) -> bool:
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


# Characters that make a clause a sentence; a long run without any is a keyword string
# pasted from a shop ("山东大葱新鲜5斤时令蔬菜东北香葱包邮蘸酱"), not something she said.
_SPOKEN = re.compile(r"[的了是很都也我你他她在有就又吗呢吧啊着过得地这那要可会能还最太真好]")


def is_keyword_string(clause: str) -> bool:
    return han_count(clause) >= 10 and not _SPOKEN.search(clause)


def spoken_clauses(brief: Brief) -> list[str]:
    """Her clauses fit to be said or posted as sentences: keyword strings left out (their
    facts come through ``facts_line``), and her product's own name at the start kept."""
    return [c for c in seller_clauses(brief) if not is_keyword_string(c)]


# Where a clause of hers splits further: a bracketed tag (【新鲜采摘】), an emoji, or a space
# between two keywords ("古树春茶 越陈越香"). A number with its unit ("3斤装 29.9元") stays whole.
_PIECE_BREAK = re.compile(rf"[【】\[\]（）()]+|{EMOJI.pattern}+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_CONTACT_CLAUSE = re.compile(r"微信|电话|手机|加我|私信|联系|订房|预订|\d{7,}")
# Shipping has its own line in every text (运费 in the prompt, the price line of a post): it
# is kept in her clauses where there is room, never chosen over what she says of the goods.
_SHIPPING_WORD = re.compile("|".join(lexicon.shipping_words()))
# A price said without 块 at the end of a clause: 小孩的八十, 两斤的一百五.
_BARE_AMOUNT = re.compile(rf"(?<![\d{numeral_chars('十百千')}])[\d{numeral_chars('十百千')}.]{{2,}}$")
# How a story starts rather than a selling point: 我做的是, 我们是海边渔民, 我在秦岭山里.
_NARRATIVE = re.compile(r"^(?:我们|我|咱们|咱)(?:家)?(?:做的是|卖的是|是|在|这边是|这边)")


def key_clauses(brief: Brief, budget: int) -> list[str]:
    """Her clauses for a short text, within ``budget`` Chinese characters: all of them when
    they fit; from a long text, the ones that sell (皮薄多汁, 不打蜡不染色, a claim of hers)
    before her story (我们是海边渔民), kept in her order. Contacts, prices and bare names are
    left out: each text gives those a line of its own."""
    pieces = _printable_pieces(brief)
    if sum(han_count(p) for p in pieces) <= budget:
        return pieces
    chosen, used = set(), 0
    for i in _best_first(pieces):
        if used + han_count(pieces[i]) <= budget:
            chosen.add(i)
            used += han_count(pieces[i])
    return [pieces[i] for i in sorted(chosen)]


def her_points(brief: Brief, budget: int) -> list[str]:
    """What she said that sells, for a rule-based text, within ``budget`` characters: her
    clauses (``key_clauses``); from speech written without a pause, or a listing, the reading's
    selling words and story, which are cut where she would have paused."""
    clauses = key_clauses(brief, budget)
    if clauses and brief.reading.input != LISTING and not any(is_keyword_string(c) for c in clauses):
        return clauses
    allowed, points, used = brief.allowed_numbers(), [], 0
    for phrase in (*brief.reading.selling, brief.reading.story):
        if not phrase or phrase in points or compliance.problem(phrase, brief.source, allowed):
            continue
        if used + han_count(phrase) <= budget:
            points.append(compliance.clean_ad_terms(phrase, "")[0])
            used += han_count(phrase)
    return points


def where_from(brief: Brief) -> str:
    """Her place as a name is said before the goods: 新疆库车, not 新疆、库车."""
    return brief.reading.place.replace("、", "")


def best_clauses(brief: Brief) -> list[str]:
    """The same clauses as :func:`key_clauses`, those that sell first (for a poster's points)."""
    pieces = _printable_pieces(brief)
    return [pieces[i] for i in _best_first(pieces)]


def _best_first(pieces: list[str]) -> list[int]:
    return sorted(range(len(pieces)), key=lambda i: (-_selling_score(pieces[i]), i))


def _printable_pieces(brief: Brief) -> list[str]:
    product, allowed = product_name(brief), brief.allowed_numbers()
    pieces = [p.strip() for c in re.split(r"[，,。！!？?；;、\n]+", brief.spoken_text) for p in _PIECE_BREAK.split(c)]
    return [
        compliance.clean_ad_terms(p, "")[0]
        for p in pieces
        if han_count(p) >= 2
        and p != product
        and not is_keyword_string(p)  # its facts come through facts_line
        and not _CONTACT_CLAUSE.search(cn_numerals_to_digits(p))
        and not find_price(p)
        and not _BARE_AMOUNT.search(p)
        and not compliance.problem(p, brief.source, allowed)
    ]


def _selling_score(clause: str) -> int:
    """How much a clause tells a buyer: her selling words (现摘, 皮薄) and claims (不打蜡, 自然熟)
    count, a story's opening and a long clause count against it."""
    said = [w for w in words(clause) if w in selling_words() and not _SHIPPING_WORD.search(w)]
    claims = [c for c in compliance.claims_in(clause) if not _SHIPPING_WORD.search(c)]
    tastes = [w for w in words(clause) if w in lexicon.tastes()]
    score = 2 * len(said) + 2 * len(claims) + len(tastes)
    if _NARRATIVE.match(clause):
        score -= 2
    if han_count(clause) > 14:
        score -= 1
    return score


def facts_line(brief: Brief, named: bool = True) -> str:
    """What the facts say in one line, for briefs given as keywords: "山东的大葱，新鲜，包邮"
    (``named=False``: without the product, for a script whose hook has just named it)."""
    facts, name = brief.facts, product_name(brief)
    where = f"{facts.place}的" if facts.place and facts.place not in name else ""
    kind = facts.variety if facts.variety and facts.variety not in name else ""
    shipping = facts.shipping.replace("、", "")
    selling = [w for w in dict.fromkeys(words(brief.spoken_text)) if w in selling_words() and w not in shipping]
    parts = [f"{where}{kind}{name}" if named else "", *selling[:3], facts.weight, facts.harvest, shipping]
    return "，".join(p for p in parts if p)


def product_name(brief: Brief) -> str:
    """What she sells: typed, else named in her words (``facts.find_product``)."""
    return brief.product or brief.facts.product or "自家好物"


def opening(brief: Brief) -> str:
    """A short first line: a hook for a script, a greeting for a post."""
    name = product_name(brief)
    return f"欢迎来{name}住几天！" if brief.is_homestay else f"{name}上新啦！"


def call_to_action(brief: Brief) -> str:
    return "想要的朋友评论区留言，或者私信我！"
