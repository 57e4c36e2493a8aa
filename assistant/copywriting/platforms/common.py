"""What every platform's finisher shares: tidying the model's text, the checks, and the
seller's own words for rule-based text."""

from __future__ import annotations

import re

from assistant.contracts import Brief
from assistant.copywriting import compliance
from assistant.language.facts import cn_numerals_to_digits, find_price, numbers_in
from assistant.language.text import collapse_loops, drop_repeated_sentences, remove_fillers
from assistant.language.words import selling_words, words

_SCAFFOLD = re.compile(r"^\s*(?:卖家资料|-\s*卖家原话|-\s*(?:产品|价格|风格|联系方式)：|```).*$", re.M)
_LABEL = re.compile(r"^\s*(?:朋友圈|口播稿|口播|脚本|标题|正文|笔记|商品标题|民宿介绍|文案)\s*[:：]\s*", re.M)
CALLS_TO_ACTION = re.compile(
    r"评论|留言|关注|私信|下单|点击|点赞|链接|联系|加我|加微信|微信|打电话|电话|预订|来买|快来|赶紧|抢|收藏|小黄车"
)


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
    return price_as_she_said(text, brief).strip()


_NUMERALS = "0-9.零一二两三四五六七八九十百千万点"  # what a written or spoken number is made of
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
    return len(re.findall(r"[\u4e00-\u9fff]", clause)) >= 10 and not _SPOKEN.search(clause)


def spoken_clauses(brief: Brief) -> list[str]:
    """Her clauses fit to be said or posted as sentences: keyword strings left out (their
    facts come through ``facts_line``), and her product's own name at the start kept."""
    return [c for c in seller_clauses(brief) if not is_keyword_string(c)]


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
