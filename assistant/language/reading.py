"""One structured reading of what she said, made once per brief and shared by every text.

A small model given her raw words copies them: a keyword listing pasted from a shop comes
back as her post, and a price's 起 or a 买两袋包邮 is lost on the way. So her words are read
into slots first (the product's plain name, its price with the unit and the conditions, the
pack, the shipping terms, her own selling words), and each platform is written from those.

Every word list the reading uses is in ``data/`` (``lexicon.py``); the numbers and prices come
from ``facts.py``. Nothing here needs a model.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from assistant.language import lexicon
from assistant.language.facts import (
    _digits_for_prices,
    cn_numerals_to_digits,
    extract_facts,
    find_contact,
    find_price,
    find_product,
    negated_at,
    places_in,
    prices_in,
)
from assistant.language.text import EMOJI, han_count
from assistant.language.words import words

# How her words came: said into the phone, pasted from a shop, or a post she already wrote.
SPOKEN, LISTING, POST = "spoken", "listing", "post"
# Beyond this many Chinese characters her words are a text of her own, not a sentence.
POST_CHARS = 50

# Characters that make a clause a sentence; a long run without any is a keyword string
# pasted from a shop ("山东大葱新鲜5斤时令蔬菜东北香葱包邮蘸酱"), not something she said.
_SPOKEN_CHARS = re.compile(r"[的了是很都也我你他她在有就又吗呢吧啊着过得地这那要可会能还最太真好]")
_CLAUSE_BREAK = re.compile(r"[，,。！!？?；;\n]+")
# How speech sounds written down: a pronoun, a filler, a dialect word; a shop's listing has none.
_VOICE = re.compile(r"我|俺|咱|嗯|那个|就是|然后|嘛|噻|嘞|啊|呢|吧|哈|咯|嘅|哋")
_LISTING_MARKS = re.compile(r"[【】\[\]]|(?:[\u4e00-\u9fffA-Za-z0-9]+\s+){3,}[\u4e00-\u9fffA-Za-z0-9]+")
# A stay, not only a meal or a visit: a 农家乐 that only cooks, or a 采摘园, gets no 民宿 text.
_HOMESTAY = re.compile(
    r"民宿|客栈|住宿|客房|房间|入住|一晚|住一晚|晚上|住[一两三\d]|包住|吃住|露营|帐篷|订房|窑洞|木屋|蒙古包|标间|大床"
)


def is_keyword_string(clause: str) -> bool:
    """A run of ten or more Chinese characters with none that makes a sentence."""
    return han_count(clause) >= 10 and not _SPOKEN_CHARS.search(clause)


@dataclass(frozen=True)
class Reading:
    """What she said, slot by slot; "" (or empty) for what she did not say.

    Attributes:
        product: the plain name a buyer calls it: 枸杞, not 枸杞宁夏中宁头茬红枸杞干货.
        category: fruit, vegetable, grain, mushroom, nut, meat, eggs, seafood, honey, tea,
            food (made food), craft, homestay; "" when none is known.
        is_homestay: rooms or stays (民宿, 农家乐 with rooms, 露营): the texts speak of a stay.
        input: "spoken", "listing" (keywords pasted from a shop) or "post" (a text of her own).
        price: her first price as the poster shows it: 15元/斤, 380元/2人.
        price_note: what conditions it: 起 (9.9元起), 含早餐, 小孩半价.
        pack: the pack size: 5斤装, 500g, 一箱12个.
        shipping: her terms as she gave them: 包邮, 买两袋包邮, 不包邮.
        selling: her own selling words, short: 又大又甜, 皮薄, 现摘现发.
        story: how it is grown or made, in her words: 山上散养, 奶奶手工做的.
        suits: who it suits, if she said: 老人小孩, 送礼.
    """

    product: str = ""
    category: str = ""
    is_homestay: bool = False
    input: str = SPOKEN
    variety: str = ""
    place: str = ""
    price: str = ""
    price_note: str = ""
    prices: tuple[str, ...] = field(default_factory=tuple)  # every price with what it is for: 大的80元/个
    pack: str = ""
    shipping: str = ""
    harvest: str = ""
    selling: tuple[str, ...] = field(default_factory=tuple)
    story: str = ""
    suits: str = ""
    contact: str = ""

    def as_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v}

    @property
    def price_said(self) -> str:
        """The price with its condition, as a buyer reads it: 9.9元/斤起."""
        if not self.price:
            return ""
        return self.price + ("起" if self.price_note.startswith("起") else "")


def read(text: str, product: str = "", price: str = "", contact: str = "", typed: bool = False) -> Reading:
    """The reading of her (cleaned) words ``text``; typed fields win over what is heard
    (``typed``: she typed the price, so it is the only one)."""
    product = product or find_product(text)
    price = price or find_price(text) or ""
    facts = extract_facts(text, product, price, contact or find_contact(text))
    category = lexicon.product_category(product) if product else ""
    homestay = category in ("homestay", "room") and bool(_HOMESTAY.search(text + product))
    if category == "room" or homestay:
        category = "homestay"
    notes = price_notes(text, price)
    selling = selling_phrases(text, product, facts.place)
    return Reading(
        product=product,
        category=category,
        is_homestay=homestay,
        input=input_kind(text),
        variety=facts.variety or variety_of(text, product),
        place=facts.place,
        price=price,
        price_note="，".join(notes),
        prices=() if typed else all_prices(text),
        pack=pack_size(text) or facts.weight,
        shipping=shipping_terms(text) or facts.shipping.replace("、", ""),
        harvest=facts.harvest,
        selling=selling,
        story=story_of(text, product, selling),
        suits=suits_of(text),
        contact=facts.contact,
    )


def variety_of(text: str, product: str) -> str:
    """The variety or breed she names of the goods she sells (``data/varieties.tsv``): 冰糖心 of
    her 苹果, 铁棍 of 铁棍山药; "" when she names none or it is all her product's name (槐花蜜).
    A variety counts only for its own kind of goods: 凯特 is a mango's, never her cat's."""
    if not product:
        return ""
    for kind, name in lexicon.varieties():
        if kind in product and name != product and name in text:
            return name
    return ""


def input_kind(text: str) -> str:
    """How her words came: a keyword listing, a post of her own, or spoken."""
    clauses = [c for c in _CLAUSE_BREAK.split(text) if c.strip()]
    keyword_share = sum(han_count(c) for c in clauses if is_keyword_string(c)) / max(1, han_count(text))
    chunks = [c for c in re.split(r"[ \t|/]+", text.strip()) if c]
    short_chunks = len(chunks) >= 4 and sorted(han_count(c) for c in chunks)[len(chunks) // 2] <= 6
    sentences = bool(re.search(r"[。！!？?]", text)) or _VOICE.search(text)
    if keyword_share >= 0.5 or ((short_chunks or _LISTING_MARKS.search(text)) and not sentences):
        return LISTING
    written = "\n" in text.strip() or EMOJI.search(text) or re.search(r"[！!。【]", text)
    if han_count(text) > POST_CHARS and written:
        return POST
    return SPOKEN


# 起 after a price: 9.9元起, 一斤十块起, 39元/盒起.
_FROM = re.compile(r"\d+(?:\.\d+)?\s*(?:元|块钱?)?(?:\s*(?:/|一|每|1)\s*[\u4e00-\u9fff]{1,2})?\s*起(?![来床早])")
_STAY_NOTES = re.compile(
    r"(?:含|包|带|管)(?:早餐|早饭|三餐|一日三餐|晚饭)|吃住全包|包吃住|(?:小孩|儿童|孩子)(?:半价|免费|减半)"
    r"|节假日(?:另算|加价|涨价)|周末(?:另算|加价)|(?:两|2|三|3|四|4)个?人(?:住)?"
)


_COUNT = rf"[{lexicon.numeral_chars('十百千万')}\d.]+"
# The least a buyer must take, as she said it: 五斤起发, 两箱起卖, 10个起订. (A price's own 起,
# 9.9元起, is _FROM's; 三盒起包邮 is her shipping's.) Dropping it sells a jin she will not send.
_LEAST_ORDER = re.compile(
    rf"(?<![块元毛角点.\d]){_COUNT}\s*(?:{lexicon.unit_pattern('pack')})\s*起(?:发|卖|售|订|批|购|拍)?"
    r"(?!\s*(?:就|都|可以)?(?:包邮|免运费|免邮))"
)
# What comes free or on top: 进园不要钱, 小孩免费, 买3送1, and X另算 (the X found by words()).
_FREE = re.compile(
    r"(?:进园|进门|门票|停车|小孩|儿童|孩子)[^，,。！!？?；;\s]{0,10}?(?:不要钱|免费|不收钱|半价)"
    rf"|买\s*{_COUNT}\s*(?:{lexicon.unit_pattern('pack')})?\s*送\s*{_COUNT}\s*(?:{lexicon.unit_pattern('pack')})?"
)
_ON_TOP = re.compile(r"另(?:算|收费|收|付)")


def price_notes(text: str, price: str) -> list[str]:
    """The conditions of her price: 起, the least order, what is free or on top, and for a
    stay what it includes or whom it is for."""
    if not price:
        return []
    digits = cn_numerals_to_digits(text)
    notes = ["起"] if _FROM.search(digits) else []
    found = [m.group(0) for m in _STAY_NOTES.finditer(text)]
    # 一斤起 is the price's 起 (九块九一斤起), never a least order.
    least = [m for m in _LEAST_ORDER.finditer(text) if not re.match(r"[一1]\D", m.group(0))]
    found += [re.sub(r"\s+", "", m.group(0)) for m in (*least, *_FREE.finditer(text))]
    found += [_on_top(text, m.start()) + m.group(0) for m in _ON_TOP.finditer(text) if _on_top(text, m.start())]
    for note in found:
        if re.fullmatch(r"(?:两|2|三|3|四|4)个?人(?:住)?", note) and "人" in price:
            continue  # 380元/2人 says it already
        if note not in notes and not any(note in n for n in notes):
            notes.append(note)
    return notes


def _on_top(text: str, at: int) -> str:
    """What costs extra, the word just before 另算: 烧烤 in 晚上能看星星烧烤另算."""
    clause = re.split(r"[，,。！!？?；;\s]", text[:at])[-1]
    said = [w for w in words(clause) if w.strip()]
    return said[-1] if said and han_count(said[-1]) >= 2 else ""


# What a price is for, said just before it: 大的, 小的, 生的, 3到5钱的 (with its size: "钱的" alone
# says nothing), 平日, 周末, 周日至周四, 标间, 小孩.
_QUALIFIER = re.compile(
    r"(?:(?:(?:\d+(?:\.\d+)?(?:到|至|-|~))?\d+(?:\.\d+)?)?[\u4e00-\u9fff]{1,3}的|平日|平时|周末|节假日|假期|旺季|淡季|周[一二三四五六日天](?:到|至)周[一二三四五六日天]"
    r"|周[一二三四五六日天]{1,2}|标间|单间|大床房|双人间|单人|双人|大人|成人|小孩|儿童|公蟹|母蟹|整只|半只)\s*$"
)
# A bare amount after another price: 小的六十, 周末398 (its unit is the price's before it).
_BARE_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:元|块钱?)?(?![\d.]|[\u4e00-\u9fff]*?[斤两克个只])")


def all_prices(text: str) -> tuple[str, ...]:
    """Every price she gives, each with what it is for when she says so: (大的80元/个, 小的60元/个),
    (平日268元/晚, 周末398元/晚). One price alone is just that price."""
    found = prices_in(text)
    if not found:
        return ()
    digits = _digits_for_prices(text)
    unit = found[0][2].partition("/")[2]
    prices, end = [], 0
    for start, stop, price, before in found:
        prices.append((start, _qualified(before, price)))
        end = stop
    # Amounts said after the last price with a qualifier and no unit: 小的六十.
    for m in _BARE_AMOUNT.finditer(digits, end):
        before = digits[max(end, m.start() - 8) : m.start()]
        qualifier = _QUALIFIER.search(re.split(r"[，,。！!\s]", before)[-1] if before else "")
        if qualifier and unit:
            prices.append((m.start(), f"{qualifier.group(0).strip()}{m.group(1)}元/{unit}"))
    return tuple(p for _, p in sorted(prices)) if len(prices) > 1 else ()


def _qualified(before: str, price: str) -> str:
    m = _QUALIFIER.search(re.split(r"[，,。！!\s]", before)[-1] if before else "")
    return f"{m.group(0).strip()}{price}" if m else price


_PACK = re.compile(
    r"净重\s*\d+(?:\.\d+)?\s*(?:斤|公斤|千克|克|g|kg)"
    r"|\d+(?:\.\d+)?\s*(?:斤|公斤|千克|克|g|kg|G|KG|ml|ML|毫升|L|升)\s*装"
    r"|(?:一|每|1)\s*(?:箱|盒|袋|罐|瓶|筐|件|提)\s*\d+\s*(?:斤|公斤|千克|克|个|只|枚|颗|g|kg)"
    r"|\d+\s*(?:斤|公斤|千克|克|个|只|枚|颗)\s*(?:一|每|1)\s*(?:箱|盒|袋|罐|瓶|筐|件|提)"
    r"|(?<![\d.])\d+(?:\.\d+)?\s*(?:g|kg|G|KG|克|ml|毫升)(?![\u4e00-\u9fff]*?[元块])"
)


def pack_size(text: str) -> str:
    """The pack size she gives, in digits: 5斤装, 一箱12个, 500g."""
    m = _PACK.search(cn_numerals_to_digits(text))
    if not m:
        return ""
    pack = re.sub(r"\s+", "", m.group(0))
    return re.sub(r"^1(?=[箱盒袋罐瓶筐件提])", "一", pack)


# Her shipping terms with their condition: 买两袋包邮, 满99包邮, 两箱包邮, 偏远地区不包邮.
_AMOUNT = rf"[{lexicon.numeral_chars('十百千万')}\d.]+"
_SHIPPING_TERMS = re.compile(
    rf"(?:(?:买|满|拍|够)\s*{_AMOUNT}\s*(?:元|块)?(?:{lexicon.unit_pattern()})?|{_AMOUNT}\s*(?:{lexicon.unit_pattern()}))"
    r"(?:以上|起)?(?:就|才|可以|可|都)?(?:包邮|免运费|免邮)"
    r"|(?:偏远地区?|新疆西藏|港澳台)[^，,。！!？?；;\s]{0,4}?不包邮"
)


def shipping_terms(text: str) -> str:
    """Her shipping offer with its condition, as she put it: 买两袋包邮, 满99包邮, 不包邮;
    "" when she gave none or an unconditional one (``facts.shipping`` has that)."""
    m = _SHIPPING_TERMS.search(text)
    if m:
        return m.group(0)
    for word in lexicon.shipping_words(offers=True):
        at = text.find(word)
        if at >= 0 and negated_at(text, at):
            return "不" + word if not text[at - 2 : at].startswith("不") else text[at - 2 : at] + word
    return ""


# Openings that carry no selling word: 我家的, 我们这的, 这个.
_OPENING = re.compile(
    r"^(?:我们家|我家|咱家|俺家|自家|我们这|我们|咱们|俺们|这个|那个|这些|就是)(?:的|种的|养的|做的)?"
)
_PRICE_OR_CONTACT = re.compile(r"元|块|钱|微信|电话|手机|联系|加我|私信|\d{5,}|[¥￥]")


_ASK_OR_TIME = re.compile(r"要的|想要|订|联系|私信|留言|欢迎|来买|来问|早点|提前|今天|明天|现在|下单|问我|打我")
_NARRATIVE = re.compile(r"^(?:我们|我|咱们|咱|俺们|俺)(?:家)?(?:在|是|这|那)")


def selling_phrases(text: str, product: str, place: str = "") -> tuple[str, ...]:
    """Her own selling words, short, in her order: what she says of the goods (皮薄, 又大又甜,
    手一捏就开), and from a pasted listing its keywords (头茬, 干货). Without her product's bare
    name, the place, the price, the shipping, a contact, an ask or a health claim: each text
    gives those their own line, and a health claim is never printed."""
    found: list[str] = []
    names = tuple(n for n in (product, *place.split("、")) if n)
    for piece in _pieces(text, names):
        for phrase in _listing_words(piece) if is_keyword_string(piece) else [piece]:
            if _PRICE_OR_CONTACT.search(phrase) or _is_shipping(phrase) or _health(phrase):
                continue
            phrase = _bare_phrase(phrase, product)
            if _worth_keeping(phrase, product, place) and phrase not in found:
                found.append(phrase)
    return tuple(found[:8])


def _bare_phrase(phrase: str, product: str) -> str:
    phrase = _OPENING.sub("", phrase)
    if product and phrase.startswith(product) and len(phrase) > len(product):
        phrase = phrase[len(product) :]
    elif product and phrase.endswith(product) and len(phrase) > len(product):
        phrase = phrase[: -len(product)].rstrip("的")  # 东北黑蜂椴树蜜 → 东北黑蜂
    return _OPENING.sub("", phrase.lstrip("的是都很也还就"))


def _worth_keeping(phrase: str, product: str, place: str) -> bool:
    chars = han_count(phrase)
    if chars < 2 and not (chars == 1 and phrase in lexicon.tastes()):
        return False
    if chars > 12 or phrase == product or (place and phrase in place) or phrase in lexicon.places():
        return False
    if _ASK_OR_TIME.search(phrase) or _NARRATIVE.match(phrase) or re.search(r"\d", cn_numerals_to_digits(phrase)):
        return False
    rest = phrase
    for name in (*places_in(phrase), product):
        rest = rest.replace(name, "") if name else rest
    if product and product[:2] in phrase and not _sells(rest):
        return False  # 东阳的竹编篮子: where it is from and its name, not what sells it
    if han_count(rest.rstrip("的")) < 2:
        return False  # 苍溪的, 冻的: a place or one word, not something that sells
    return not any(phrase == name for name in lexicon.known_products())


def _listing_words(piece: str) -> list[str]:
    """A run of keywords pasted from a shop, cut into its words (头茬红枸杞干货 → 头茬, 干货)."""
    from assistant.language.words import words  # words.py reads the lexicon this module uses

    return [w for w in words(piece) if han_count(w) >= 2]


# Where a clause said without a pause splits (speech is often written with no commas at all):
# a filler, a number with its unit, her product's or a place's name.
_SPOKEN_BREAK = re.compile(
    rf"那个|这个|嗯|就是说|然后|噻|嘛|哈"
    rf"|[{lexicon.numeral_chars('十百千万')}\d.]+(?:块钱?|元|毛)?(?:{lexicon.unit_pattern()})(?:装|起)?"
    rf"|[{lexicon.numeral_chars('十百千万')}\d.]{{2,}}(?:块钱?|元|毛)?"
)


def _pieces(text: str, names: tuple[str, ...] = ()) -> list[str]:
    pieces = re.split(r"[，,。！!？?；;、\n【】\[\]（）()~～]+|\s+", text)
    found = []
    for piece in (p.strip() for p in pieces if p.strip()):
        if han_count(piece) <= 8:
            found.append(piece)
            continue
        for name in names:
            piece = piece.replace(name, "，")
        found += [p for p in re.split(r"，", _SPOKEN_BREAK.sub("，", piece)) if p.strip()]
    return found


def _is_shipping(clause: str) -> bool:
    return any(w in clause for w in lexicon.shipping_words())


def _health(clause: str) -> bool:
    return any(term in clause for term, kind, _ in lexicon.claims() if kind == "功效")


def _sells(phrase: str) -> bool:
    """Whether ``phrase`` tells a buyer something: a selling word, a taste or a quality claim."""
    if any(w in phrase for w in lexicon.selling_words()):
        return True
    if any(ch in lexicon.tastes() for ch in phrase):
        return True
    return any(term in phrase for term, kind, _ in lexicon.claims() if kind in ("品质", "认证", "设施"))


_STORY = re.compile(
    r"自己|自家|亲手|手工|奶奶|爷爷|妈|爸|娘|爹|老公|婆婆|外婆|散养|放养|山上|山里|后山|传下来|老手艺|一针一线|多年|几十年"
)


def story_of(text: str, product: str, selling: tuple[str, ...]) -> str:
    """How it is grown or made, in her words (奶奶手工做的, 山上散养的), if she tells it."""
    for clause in _pieces(text):
        if _STORY.search(clause) and not _PRICE_OR_CONTACT.search(clause) and 3 <= han_count(clause) <= 16:
            return _OPENING.sub("", clause) or clause
    return ""


_SUITS = re.compile(
    r"适合[\u4e00-\u9fff]{1,8}|[\u4e00-\u9fff]{0,4}(?:老人|小孩|孩子|宝宝|老少)[\u4e00-\u9fff]{0,2}(?:都|也)(?:能|可以|爱|喜欢)[吃喝用穿]?"
    r"|送礼|带娃|亲子"
)


def suits_of(text: str) -> str:
    """Who it suits, as she said: 适合送礼, 老人小孩都能吃, 带娃."""
    m = _SUITS.search(text)
    return m.group(0) if m else ""
