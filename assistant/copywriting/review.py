"""The faults a reader sees in a text, found in code: counted on every text, and used to
choose between candidates.

A blind reader graded Mulan's copy and named eight faults that stop a seller posting a text
as it is (issue 28). Each is one check here, on the finished text and the brief's reading:

1. ``pasted``: her keyword listing or her words handed back as the text;
2. ``invented``: a fact she never gave (the guard's view) or another product's name;
3. ``weak_point``: a poster point that does not sell: an ask, a negative, padding, the price,
   the same fact twice; or no point where she gave some;
4. ``fragment``: a piece of her sentence left dangling (是山上采的, a script ending 我们家的梨。);
5. ``wrong_product``: the title does not name what she sells;
6. ``changed_terms``: her price's 起 or her shipping condition (买两袋包邮) lost;
7. ``wrong_person``: her goods called 你家的;
8. ``broken``: 「？。」, an empty section, markup, English, a post with no body.

A fault is never printed on purpose: the copywriter picks the candidate with the fewest, and
the rule-based text when every model candidate has one it cannot mend.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from assistant.contracts import Brief
from assistant.copywriting import compliance
from assistant.language import lexicon
from assistant.language.facts import cn_numerals_to_digits, find_price, numbers_in, places_in
from assistant.language.reading import LISTING, POST
from assistant.language.text import EMOJI, han_count, sentences

# What each fault is called where she or a trainer sees it.
FAULTS = {
    "pasted": "照搬了原话",
    "invented": "写了没说过的事",
    "weak_point": "卖点不像卖点",
    "fragment": "半句话",
    "wrong_product": "产品名不对",
    "changed_terms": "价格或包邮条件变了",
    "wrong_person": "人称不对",
    "broken": "格式有毛病",
}
# Faults that make a text wrong, not only weak: a candidate with one loses to any without.
SEVERE = frozenset({"invented", "wrong_product", "changed_terms", "wrong_person", "broken", "pasted"})


@dataclass(frozen=True)
class Fault:
    kind: str  # a key of FAULTS
    where: str  # the platform, or the poster's field ("poster.slogan")
    text: str  # the piece at fault
    mild: bool = False  # a reader's B, not C, though of a severe kind (a post too thin to say much)

    @property
    def zh(self) -> str:
        return f"{FAULTS[self.kind]}：{self.text}"


def weight(faults: list[Fault]) -> int:
    """How bad a candidate is: a severe fault outweighs any number of weak ones."""
    return sum(10 if f.kind in SEVERE and not f.mild else 1 for f in faults)


# What the rule-based text costs against the model's: it is her words laid out, which a reader
# grades below a model text with a weak fault (a fragment, a point that does not sell), and
# above one with a severe fault (an invented fact, a changed price).
FALLBACK_WEIGHT = 5


# --------------------------------------------------------------------------- the checks

# Characters of her listing, in her order, that make a text hers pasted: a title may name
# 阿克苏冰糖心苹果 as her listing does, but not carry on into 新疆丑苹果10斤装. (A shop title
# is made of her keywords, and is never called pasted.)
_PASTE_RUN = 13
# Her spoken words in the text unchanged for this many characters: her sentence handed back
# (中华蜂的一年只割一次，一斤八十八两斤起卖包邮), not her phrase quoted (炒出来又香又糯).
_SENTENCE_RUN = 12


def pasted(text: str, brief: Brief, whole: bool = False) -> bool:
    """Her keyword listing in the text as she pasted it: a run of thirteen or more of its
    characters in her order (枸杞宁夏中宁头茬红枸杞干货), its spaces and brackets aside (莫干山民宿
    竹林山景大床房 含双早). With ``whole`` (a shop title, which is made of her keywords), only
    all of one of its lines as she pasted it. Her spoken words may be quoted, but not a run of
    twelve with a number said as words in it (一斤八十八两斤起卖包邮): her sentence handed back."""
    listing = brief.reading.input == LISTING
    if (not listing and whole) or brief.reading.input == POST:
        return False  # a post of her own may keep its sentences; reads_back() catches it whole
    size = _PASTE_RUN if listing else _SENTENCE_RUN
    flat = _bare(text)
    for line in brief.spoken_text.splitlines():
        hers = _bare(line)
        runs = [hers] if whole else [hers[i : i + size] for i in range(len(hers) - size + 1)]
        if any(han_count(run) >= 8 and run in flat and (listing or _SAID_NUMBER.search(run)) for run in runs):
            return True
    return False


# A number said as words with its unit (八十八, 两斤起): in her sentence handed back, not rewritten.
_SAID_NUMBER = re.compile(
    rf"[{lexicon.numeral_chars('十百千万')}]{{2,}}(?:块|元|{lexicon.unit_pattern()})"
    rf"|[{lexicon.numeral_chars('十百千万', without='一')}](?:块|元|{lexicon.unit_pattern()})"
)


def _bare(text: str) -> str:
    """``text`` without spaces, brackets and emoji; its punctuation and line breaks kept: her
    listing laid out with commas (没有籽，皮薄，甜) or on lines of its own is written, not pasted."""
    return re.sub(r"[ \t\u3000【】\[\]]+", "", EMOJI.sub("", text))


def invented(text: str, brief: Brief) -> str:
    """What ``text`` states that she did not: the guard's reason, or another product's name."""
    for sentence in sentences(text) or [text]:
        found = compliance.problem(sentence, brief.source, brief.allowed_numbers())
        if found:
            return found[1]
    return other_product(text, brief)


def other_product(text: str, brief: Brief) -> str:
    """A known product named in ``text`` that is not hers and that she never named: 枣子 on
    her peaches. A part or a longer name of hers (桃 for 水蜜桃, 红心猕猴桃) is hers."""
    hers = brief.reading.product or brief.product
    source = brief.source
    for name in lexicon.known_products():
        if len(name) < 2 or name not in text or name in source:
            continue
        if hers and (name in hers or hers in name or name[-1] == hers[-1]):
            continue
        kinds = {lexicon.product_category(name), lexicon.product_category(hers)} if hers else set()
        if hers and set(name) & set(hers) and (len(kinds) == 1 or "" in kinds):
            continue  # the everyday name of her kind: 杏子 for her 小白杏, 柚子 for 蜜柚
        if all(ch in source for ch in name):
            continue  # her own words put together: 散养鸡 for her 鸡在山上散养, 剪纸 for 红纸剪的
        if lexicon.product_category(name) == "homestay":
            continue  # 房间, 客房: what any homestay text speaks of
        return name
    return ""


# What runs the goods down (知道的人不多); 没有籽 and 不怎么苦 sell, and stay.
_NEGATIVE = re.compile(r"不多|不够|没啥|一般般|比较少|不知道|没人|很少|不一定")
_DANGLING_START = re.compile(r"^(?:是|的|了|和|跟|就|也|都|还|而且|但是|所以|因为|然后)")
_ONLY_THE_GOODS = re.compile(
    r"^(?:这是|这就是|就是)?(?:我们家|我家|咱家|俺家|自家|我们)的?(?P<rest>[\u4e00-\u9fff]{1,6})[。！!]?$"
)


def fragment(piece: str, brief: Brief, opening: bool = True) -> bool:
    """A piece of her sentence, not a line of copy: it opens like the middle of a sentence
    (是山上采的, 的很甜; only for a piece that stands alone or opens a text: inside a post 还有
    小黄鱼 follows on) or says only whose the goods are (a script ending 我们家的梨。)."""
    bare = piece.strip(" \n，,。！!？?～~")
    if not bare:
        return False
    if opening and _DANGLING_START.match(bare) and not re.match(r"^(?:都是|也是|还是|就是)[\u4e00-\u9fff]{2}", bare):
        return True
    m = _ONLY_THE_GOODS.match(bare)
    return bool(m and m["rest"] in (brief.reading.product, brief.product))


def asks_for_action(point: str) -> bool:
    return any(word in point for word in lexicon.asks())


def weak_points(points: list[str], brief: Brief) -> list[str]:
    """The poster points that do not sell, and "" for a missing point where she gave some."""
    weak, seen_numbers, seen = [], [], []
    price_numbers = numbers_in(brief.effective_price)
    for point in points:
        numbers = numbers_in(point)
        if (
            asks_for_action(point)
            or _NEGATIVE.search(point)
            or point in lexicon.padding()
            or (price_numbers and numbers_in(find_price(point) or "") & price_numbers)
            or (numbers and numbers in seen_numbers)
            or point in seen
        ):
            weak.append(point)
        seen_numbers.append(numbers) if numbers else None
        seen.append(point)
    reading = brief.reading
    if not points and (reading.selling or reading.story or reading.place or reading.pack):
        weak.append("")
    return weak


def lost_terms(text: str, brief: Brief) -> str:
    """Her price's 起 or her shipping condition, where ``text`` gives the price or the
    shipping without it: what was lost, or ""."""
    reading = brief.reading
    if reading.price_note.startswith("起") and reading.price:
        amount = re.match(r"\d+(?:\.\d+)?", reading.price)
        if amount and amount.group(0) in text:
            after = text[text.find(amount.group(0)) :][:12]
            if "起" not in after:
                return "起"
    terms = reading.shipping
    if _CONDITION.search(terms) and not terms.startswith("不"):
        offer = next((w for w in ("包邮", "免运费", "免邮") if w in terms), "")
        if offer and offer in text and terms not in text and not _condition_said(terms, text):
            return terms
    if reading.shipping.startswith("不") and re.search(r"(?<!不)包邮", text):
        return reading.shipping
    return ""


_CONDITION = re.compile(rf"买|满|拍|够|以上|起|\d|[{lexicon.numeral_chars('十百')}]")


def _condition_said(terms: str, text: str) -> bool:
    """Her condition in other words: 满99元包邮 for 满99包邮, 两袋包邮 for 买两袋包邮."""
    numbers = numbers_in(terms)
    return bool(numbers) and any(numbers <= numbers_in(s) and "包邮" in s for s in re.split(r"[，,。！!？?\n]", text))


_WRONG_PERSON = re.compile(r"(?:你家|你们家|您家|你们)的?")


def wrong_person(text: str, brief: Brief) -> str:
    """Her goods called the reader's: 你家的板栗 in her own script."""
    product = brief.reading.product or brief.product
    for m in _WRONG_PERSON.finditer(text):
        after = text[m.end() : m.end() + 8]
        if (product and after.startswith(product[:2])) or after.startswith(("民宿", "院子", "果园", "地里", "山上")):
            return m.group(0) + after[: len(product) or 2]
    return ""


_BROKEN_MARKS = re.compile(r"[？?！!]。|。[。，,]|，[。，]|[：:]\s*(?:\n|$)|```|\{\s*\"|\*\*|#{2,}|\\n")
_ENGLISH = re.compile(r"(?<![A-Za-z0-9_@.-])[A-Za-z]{4,}(?![A-Za-z0-9_@.-])")


def broken(text: str, brief: Brief) -> str:
    """What is wrong with the form: doubled marks (？。), an empty section (做法：), markup, English."""
    m = _BROKEN_MARKS.search(text)
    if m:
        return m.group(0).strip() or "空的段落"
    for word in _ENGLISH.findall(text):
        if word.lower() not in brief.source.lower():
            return word
    return ""


# --------------------------------------------------------------------------- per text


# A shop keyword cut from her sentence (今年收了好几, 定西的, 好多价格好商量): no one searches for it.
_KEYWORD_CUT = re.compile(r"[了几吗呢吧啊]$|^[的了是就也都还]|价格|商量|要的|想要|联系|问我|[我你他她俺咱]")


def _only_a_place(keyword: str) -> bool:
    """定西的, 山东的: a place with 的, cut from her sentence."""
    return keyword.endswith("的") and bool(places_in(keyword[:-1])) and han_count(keyword) <= 4


def _common_faults(text: str, where: str, brief: Brief) -> list[Fault]:
    """The faults any text or poster field can have: pasted, invented, wrong person, broken."""
    checks = (
        ("pasted", text[:20] if pasted(text, brief, whole=where == "shop_title") else ""),
        ("invented", invented(text, brief)),
        ("wrong_person", wrong_person(text, brief)),
        ("broken", broken(text, brief)),
    )
    return [Fault(kind, where, found) for kind, found in checks if found]


def review_text(platform: str, text: str, brief: Brief) -> list[Fault]:
    """Every fault of one platform's finished text."""
    if not text.strip():
        return [Fault("broken", platform, "没有内容")]
    faults = _common_faults(text, platform, brief)
    parts = [s for s in sentences(text) if s.strip()]
    for i, sentence in enumerate(parts):
        if fragment(sentence, brief, opening=i == 0) or (i == len(parts) - 1 and fragment(sentence, brief, False)):
            faults.append(Fault("fragment", platform, sentence.strip()))
            break
    lost = lost_terms(text, brief)
    if lost:
        faults.append(Fault("changed_terms", platform, lost))
    shape = _shape(platform, text)
    if shape and not any(f.kind == "broken" for f in faults):
        faults.append(Fault("broken", platform, shape, mild=shape == THIN))
    if platform == "shop_title":
        if not _names_product(text, brief):
            faults.append(Fault("wrong_product", platform, text[:12]))
        cut = next((w for w in text.split() if _KEYWORD_CUT.search(w) or _only_a_place(w)), "")
        if cut:
            faults.append(Fault("fragment", platform, cut))
    return faults


# A post shorter than this says too little to post (a blind reader: "correct but thin").
THIN_CHARS = {"moments": 20, "xiaohongshu": 30, "video": 45, "homestay": 80}
THIN = "太短，没说什么"


def _shape(platform: str, text: str) -> str:
    """A post that is only its closing line or too thin to post, a note with no body, a script
    that says the same words line after line."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if han_count("".join(lines)) < THIN_CHARS.get(platform, 0):
        return THIN
    if platform == "moments":
        body = [line for line in lines if not any(w in line for w in lexicon.asks()) and han_count(line) >= 4]
        if not body:
            return "只有结尾一句"
    if platform == "xiaohongshu":
        body = [line for line in lines[1:] if not line.lstrip().startswith("#")]
        if not body or han_count("".join(body)) < 15:
            return "正文是空的"
    return _repeated("\n".join(lines[1:] if platform == "xiaohongshu" else lines))  # a note's title names it too


def _repeated(text: str) -> str:
    """A run of four or more characters said in three sentences or more (陕西富平吊柿饼 line
    after line): a list, not a text."""
    parts = [re.sub(r"\W", "", s) for s in sentences(text) if s.strip()]
    for part in parts:
        for i in range(len(part) - 3):
            run = part[i : i + 4]
            if sum(run in p for p in parts) >= 3:
                return f"「{run}」说了三遍"
    return ""


def _names_product(text: str, brief: Brief) -> bool:
    """Whether ``text`` names what she sells: its name, or its characters in order (清远鸡 in
    广东清远走地鸡), or for a long name two of them together (翘嘴 for 翘嘴鱼)."""
    product = brief.reading.product or brief.product
    if not product or product in text:
        return True
    head = product[0] if product[-1] in "子儿" and len(product) == 2 else product[-1]
    if head in text:
        return True  # 麻鸭 for her 鸭子, 富平尖柿 for 柿子
    rest = iter(text)
    if all(ch in rest for ch in product):
        return True
    return len(product) >= 3 and any(product[i : i + 2] in text for i in range(len(product) - 1))


def review_poster(title: str, slogan: str, points: list[str], brief: Brief) -> list[Fault]:
    """Every fault of the poster text: its title, slogan and points."""
    faults = []
    for name, piece in (("title", title), ("slogan", slogan), *((f"point{i + 1}", p) for i, p in enumerate(points))):
        if not piece:
            continue
        faults += _common_faults(piece, f"poster.{name}", brief)
        if name != "title" and fragment(piece, brief):
            faults.append(Fault("fragment", f"poster.{name}", piece))
    if not brief.reading.is_homestay and not _names_product(title, brief) and not _names_product(slogan, brief):
        faults.append(Fault("wrong_product", "poster.title", title))
    faults += [Fault("weak_point", "poster.points", p or "没有卖点") for p in weak_points(points, brief)]
    return faults


# --------------------------------------------------------------------------- mending

_DOUBLED_MARKS = (
    (re.compile(r"([？?！!])[。.]"), r"\1"),
    (re.compile(r"[。，,]{2,}"), "。"),
    (re.compile(r"。(?=[，,])[，,]"), "。"),
)
_EMPTY_SECTION = re.compile(r"^[^\n：:]{1,8}[：:]\s*$", re.M)


def mend(text: str, brief: Brief) -> str:
    """What can be put right without changing what a text says: her goods called 你家的 are
    我家的, doubled marks (？。) are one, an empty section (做法：) goes, a price that lost its
    起 gets it back, and a bare 包邮 says her condition (买两袋包邮). (``in_digits`` writes her
    numbers in digits, once a text is chosen: before, her words must still read as hers.)"""
    product = brief.reading.product or brief.product
    if product:
        text = re.sub(rf"(?:你们家|你家|您家)的?(?={re.escape(product[:2])})", "我家的", text)
    for pattern, replacement in _DOUBLED_MARKS:
        text = pattern.sub(replacement, text)
    text = _EMPTY_SECTION.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _with_terms(text, brief).replace("起起", "起")


_NUMERAL = lexicon.numeral_chars("十百千万")
# A number said as words before what it counts or costs: 八十八块, 一百二一箱, 五斤 (not 一斤: "a").
_NOT_ONE = lexicon.numeral_chars("十百千万", without="一")
_WORDS_NUMBER = re.compile(
    rf"(?<![{_NUMERAL}块毛])"
    rf"(?:[{_NUMERAL}]*[十百千](?:[{_NUMERAL}]*[{_NOT_ONE}])?|[{lexicon.numeral_chars(without='一两')}])"
    rf"(?=块|元|一?(?:{lexicon.unit_pattern()}))"
)


def in_digits(text: str) -> str:
    """Her numbers said as words, written as a post writes them: 五斤包邮 → 5斤包邮, 一百二一箱
    → 120一箱. Names with a numeral in them (三黄鸡, 九斤黄, 五常) and 一 as "a" stay as they are."""
    names = [n for n in (*lexicon.known_products(), *lexicon.places()) if re.search(f"[{_NUMERAL}]", n) and n in text]
    masked = text
    for i, name in enumerate(names):
        masked = masked.replace(name, f"\x01{i}\x01")
    masked = _WORDS_NUMBER.sub(lambda m: cn_numerals_to_digits(m.group(0)), masked)
    return re.sub("\x01(\\d+)\x01", lambda m: names[int(m.group(1))], masked)


def mend_piece(piece: str, brief: Brief) -> str:
    """A slogan or point mended, without the word that leaves it dangling (是山上采的 → 山上采的)."""
    piece = mend(piece, brief)
    if _DANGLING_START.match(piece) and not re.match(r"^(?:都是|也是|还是|就是)[\u4e00-\u9fff]{2}", piece):
        piece = _DANGLING_START.sub("", piece)
    return piece if han_count(piece) >= 2 else ""


def _with_terms(text: str, brief: Brief) -> str:
    reading = brief.reading
    if reading.price_note.startswith("起") and reading.price:
        amount = re.match(r"\d+(?:\.\d+)?", reading.price).group(0)
        unit = re.escape(reading.price[len(amount) :])
        # 9.9元/斤 or 9.9元 or 9.9块, not already followed by 起.
        text = re.sub(
            rf"(?<![\d.]){re.escape(amount)}\s*(?:{unit}|元(?:/[\u4e00-\u9fff]{{1,2}})?|块(?:钱)?)(?![\d.起])",
            lambda m: m.group(0) + "起",
            text,
            count=1,
        )
    terms = reading.shipping
    if _CONDITION.search(terms) and terms.endswith("包邮") and terms not in text and not _condition_said(terms, text):
        text = re.sub(r"(?<![不满买])包邮", terms, text, count=1)
    return text


# --------------------------------------------------------------------------- the example's words

_COPY_RUN = 4  # Chinese characters of the worked example, in its order, that are its words


def copied_from(text: str, example: str, brief: Brief) -> str:
    """A run of the worked example's own words in ``text`` that she never said (月住有优惠 from
    a homestay example, on a 渔家乐 that said nothing of it): the 1.5B model copies the
    example's facts along with its form. Phrasing many examples share (想要的评论区留言, 你吃过吗,
    包邮到家) is anyone's: only a run rare in the library is the example's own."""
    if not example:
        return ""
    source = re.sub(r"[^\u4e00-\u9fff]", "", brief.source)
    shown = re.sub(r"[^\u4e00-\u9fff]", "", example)
    common = _common_runs()
    for part in re.split(r"[^\u4e00-\u9fff]+", text):
        for i in range(len(part) - _COPY_RUN + 1):
            run = part[i : i + _COPY_RUN]
            if run in shown and run not in source and run not in common:
                return run
    return ""


# A run in the texts of this many examples or more is common phrasing, not one seller's fact.
_COMMON_IN = 4


@functools.lru_cache(maxsize=1)
def _common_runs() -> frozenset[str]:
    from assistant.copywriting.examples import library  # the library's texts are the evidence

    seen: dict[str, set[str]] = {}
    for example in library():
        for text in example.texts.values():
            flat = json.dumps(text, ensure_ascii=False) if isinstance(text, dict) else text
            for part in re.split(r"[^\u4e00-\u9fff]+", flat):
                for i in range(len(part) - _COPY_RUN + 1):
                    seen.setdefault(part[i : i + _COPY_RUN], set()).add(example.id)
    runs = {run for run, ids in seen.items() if len(ids) >= _COMMON_IN}
    return frozenset(runs | {line[i : i + _COPY_RUN] for line in lexicon.stock_lines() for i in range(len(line))})


def without_copied(text: str, example: str, brief: Brief) -> str:
    """``text`` without the sentences that carry the example's words (``copied_from``)."""
    if not example:
        return text
    kept = [s for s in sentences(text) if not copied_from(s, example, brief)]
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip()
