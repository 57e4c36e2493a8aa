"""Facts a seller states: numbers (spoken or written), prices, places, contacts.

Small local models invent numbers. The fact guard in ``compliance.py`` compares the
numbers in the copy against the numbers in the brief, so both sides are normalised
here the same way: spoken Chinese numerals become digits ("十五块" → "15块").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass

from assistant.language import lexicon
from assistant.language.lexicon import numeral_chars, unit_chars, unit_pattern

_DIGITS = lexicon.digit_values()
_UNITS = lexicon.magnitude_values()
_CN_NUMBER = re.compile(rf"[{numeral_chars('十百千万')}]+(?:点[{numeral_chars(without='两')}]+)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NONZERO = numeral_chars(without="零〇两")  # 一 … 九, as a character class

# What one of a price is for, as a character after 一 ("八十八一斤", "一百二一双").
_PER = unit_chars("per")

# Words where a numeral character is not a quantity ("一定", "一起" …): leave them alone.
# And "一" between a number and a unit is "per", not a digit: "八十八一斤" is 88 a jin, not 881
# jin; and so after 十 or 百, as sellers say prices: "土鸡八十一只" is 80 a chicken, "干巴菌八百一斤"
# 800 a jin (31 jin is said 三十一斤 too, but a seller naming a unit after a number is pricing it).
_NOT_QUANTITY = re.compile(
    r"一(?=[定起样直般些下点共切边天到])|(?<=[统唯万])一|十分(?!钟)|万一|千万(?=[别要不])|零(?=[食钱花碎售星])"
    r"|(?:(?<=周)|(?<=星期))[一二三四五六日天]{1,2}"  # 周四, 周五六, 星期五: days, not numbers
    rf"|(?<=[两二三四五六七八九十百\d])一(?=[{_PER}])"
)
# 一块一块, 一颗一颗: one by one, not a price (一块一 would read as 1.1 yuan).
_ONE_BY_ONE = re.compile(rf"一([^{numeral_chars('十百千万点', phone=True)}\W\d])一\1")
# "一块五" is 1.5 yuan, "两块五毛" 2.5: the 毛 digit after 块 is the decimal.
_YUAN_JIAO = re.compile(
    rf"(\d+|[{numeral_chars('十百千')}]+)块([{_NONZERO}])(?:毛钱?|角|(?![{_PER}]))"
    rf"(?![{numeral_chars('十百千万', without='一')}\d])(?!一(?![{_PER}]))"
)

# 两 after a number is the weight (tea is sold by the 两, 50 g): "二两装" is 2两, not 22, and
# "一两八十" is 80 yuan a 两. "一两百" (one or two hundred) and "一两个" are left as they are.
_LIANG_UNIT = re.compile(
    rf"(?<=[{_NONZERO}十半每\d/])两"
    rf"(?=装|[{numeral_chars('十', without='两')}\d]|[到多左一的重，,。！!？?；;～~、）)\s]|$)"
)
_LIANG_MARK = "\x02"  # stands in for the unit while the numerals around it are converted


def _yuan_jiao(m: re.Match) -> str:
    yuan = m.group(1) if m.group(1).isdigit() else _cn_integer(m.group(1))
    return m.group(0) if yuan is None else f"{yuan}.{_DIGITS[m.group(2)]}元"


def _cn_integer(text: str) -> int | None:
    if all(ch in _DIGITS for ch in text):  # digit by digit: "二零二四"
        return int("".join(str(_DIGITS[ch]) for ch in text)) if len(text) > 1 else _DIGITS[text]
    total, section, number = 0, 0, 0
    last_unit, zero_seen = 1, False
    for ch in text:
        if ch in _DIGITS:
            number = _DIGITS[ch]
            zero_seen = zero_seen or number == 0
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + number) * unit
                section = 0
            else:
                section += (number or 1) * unit
            number, last_unit, zero_seen = 0, unit, False
        else:
            return None
    if number and last_unit >= 100 and not zero_seen and text[-2] in _UNITS:
        # Spoken shorthand: "两百八" is 280, "一千五" is 1500.
        number *= last_unit // 10
    return total + section + number


# A phone number said digit by digit, 幺 for 1: 幺三五零八三二六九七四.
_PHONE_SAID = re.compile(rf"[{numeral_chars(phone=True)}]{{7,}}")
# "三四斤", "两三个": about three or four, not 34 (a range of two neighbouring digits).
_RANGE = re.compile(
    rf"(?<![{numeral_chars('十百千万', phone=True)}\d])([{_NONZERO}两])([{_NONZERO}])"
    rf"(?![{numeral_chars('十百千万')}\d])"
)
# "29块9", "2块5": 29.9 and 2.5 yuan, written the way she says them.
_DIGIT_JIAO = re.compile(rf"(?<![\d.])(\d+)块(\d)(?![\d.])(?!\s*(?:毛|角|{unit_pattern()}))")
# "一米八", "两米三": 1.8 and 2.3 metres, as lengths are said.
_METRES = re.compile(
    rf"(?<![{numeral_chars('十')}\d])([{numeral_chars()}])米([{_NONZERO}])(?![{numeral_chars('十百千万')}\d])"
)


def _phone_digits(m: re.Match) -> str:
    values = lexicon.digit_values(phone=True)
    run = m.group(0)
    if not any(ch in run for ch in "幺") and len(run) < 11:
        return run  # 七八个 are not a phone number; eleven digits or a 幺 are
    return "".join(str(values[ch]) for ch in run)


def _next(m: re.Match) -> bool:
    return _DIGITS[m.group(2)] == _DIGITS[m.group(1)] + 1


@functools.lru_cache(maxsize=1)
def _numbered_names() -> re.Pattern:
    """The products, places and selling words with a numeral in their name, longest first."""
    numeral = f"[{numeral_chars('十百千万')}]"
    names = [w for w in lexicon.segmenter_words() if re.search(numeral, w) and re.sub(numeral, "", w)]
    names += ["五花", "十三香", "八角"]  # 三七 is all numerals: a phone number said in groups has it
    return re.compile("|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)))


class _Run(str):
    """A numeral run handed back to ``convert`` as if matched."""

    def group(self, _: int = 0) -> str:
        return str(self)


def cn_numerals_to_digits(text: str) -> str:
    """Rewrite spoken numbers as digits: "一斤十五块" → "1斤15块", "三点五斤" → "3.5斤"."""
    protected: list[str] = []

    def protect(m: re.Match) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    text = _ONE_BY_ONE.sub(protect, text)
    text = _PHONE_SAID.sub(_phone_digits, text)
    text = _RANGE.sub(lambda m: f"{_DIGITS[m.group(1)]}到{_DIGITS[m.group(2)]}" if _next(m) else m.group(0), text)
    text = _DIGIT_JIAO.sub(r"\1.\2元", text)
    text = _METRES.sub(lambda m: f"{_DIGITS[m.group(1)]}.{_DIGITS[m.group(2)]}米", text)
    text = _numbered_names().sub(protect, text)  # 五花肉, 三黄鸡, 千岛湖: names, not numbers
    text = _YUAN_JIAO.sub(_yuan_jiao, text)
    text = _LIANG_UNIT.sub(_LIANG_MARK, text)
    text = _NOT_QUANTITY.sub(protect, text)

    def convert(m: re.Match) -> str:
        if all(ch in "百千万" for ch in m.group(0)):
            return m.group(0)  # a bare unit is a word, not a number: 万荣, 百合, 千层饼
        run = m.group(0)
        after_magnitude = re.search(rf"[十百千万][{_NONZERO}两](?=[{''.join(_DIGITS)}])", run)
        if after_magnitude and "点" not in run:
            # "一百八两个人": two numbers said together, 180 and 2, not 102.
            cut = after_magnitude.end()
            return f"{convert(_Run(run[:cut]))}，{convert(_Run(run[cut:]))}"
        if len(run) > 1 and all(ch in _DIGITS for ch in run):
            return "".join(str(_DIGITS[ch]) for ch in run)  # digit by digit, its zeros kept: 零八七三
        whole, _, frac = run.partition("点")
        value = _cn_integer(whole)
        if value is None:
            return m.group(0)
        if frac:
            return f"{value}.{''.join(str(_DIGITS[c]) for c in frac)}"
        return str(value)

    text = _CN_NUMBER.sub(convert, text)
    text = re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)
    return text.replace(_LIANG_MARK, "两")


# 一 with no numeral beside it: "a" (一口, 一只), not the number one.
_LONE_ONE = re.compile(
    rf"(?<![{numeral_chars('十百千万点', phone=True)}\d.])一"
    rf"(?![{numeral_chars('十百千万点', phone=True)}\d块元毛角米])"
    rf"|(?<![{numeral_chars('十百千万点', phone=True)}\d.])一(?=块(?!钱)[\u4e00-\u9fff])(?!块[{numeral_chars()}])"
)


def numbers_in(text: str, per_one: bool = True) -> set[str]:
    """Every number in ``text``, spoken or written, as a canonical digit string; without
    ``per_one``, not the 1 of "一只" (a, per), which states nothing she could have left out."""
    found = set()
    text = unicodedata.normalize("NFKC", text)  # "１５元" is 15 yuan
    # A thousands comma goes ("1,200元"); a comma between two numbers stays ("xie_88，88元":
    # NFKC makes the Chinese comma a plain one, and 88 and 88 are not 8888).
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    if not per_one:
        text = _LONE_ONE.sub("", text)
    text = cn_numerals_to_digits(text)
    if not per_one:
        # The 1 of 1斤 or 1只 says "a" or "per", not a fact: "80元一只" is her "八十一只".
        text = re.sub(rf"(?<![\d.])1(?=[{_PER}])", "", text)
    for raw in _NUMBER.findall(text):
        found.add(_canonical(raw))
    return found


def _canonical(raw: str) -> str:
    if "." in raw:
        raw = raw.rstrip("0").rstrip(".")
    return raw.lstrip("0") or "0"


_PRICE_UNITS = unit_pattern("price")
# After 一斤 a number in any unit is a count (一斤15个, 一箱2箱起), and so is 十几 (一条十几斤).
_ALL_UNIT_CHARS = unit_chars()
_PRICE = re.compile(
    r"(?:[¥￥]\s*\d+(?:\.\d+)?(?:\s*元)?|\d+(?:\.\d+)?\s*(?:元|块钱|块|蚊))"
    rf"(?:\s*(?:/|一|每|1)\s*(?:{_PRICE_UNITS}|斤装))?"
    rf"|(?:一|每|1)\s*(?:{_PRICE_UNITS})\s*[，,]?\s*\d+(?:\.\d+)?\s*(?:元|块钱|块)"
    # Spoken without 块: "八十八一斤", "一斤十五，包邮" (a count after the number is not a price: 一斤15个).
    rf"|(?<![\d.])\d+(?:\.\d+)?(?:一|每)(?:{_PRICE_UNITS})(?![\d.]|[{_ALL_UNIT_CHARS}])"
    # … nor a year or a date: "357克一饼 2019年压制 … 一饼三百八" (the long texts of 2026-12-04).
    rf"|(?:一|每|1)(?:{_PRICE_UNITS})\s*[，,]?\s*\d+(?:\.\d+)?(?![\d.{_ALL_UNIT_CHARS}块元毛年月日号岁起多来几\-~～到])"
)


_COUNTED = unit_pattern("pack")
# "五斤装六十九" (a pack, then its price) and "十块钱两个" (a price for more than one).
_PACK_PRICE = re.compile(
    rf"(\d+)\s*({_COUNTED})装的?(?:瓶子|罐子|盒子|袋子|瓶|罐|盒|袋)?\s*[，,]?\s*(?:只要|要|卖)?\s*(\d+(?:\.\d+)?)(?:\s*(?:元|块钱|块))?"
    rf"(?![\d.]|\s*(?:{_COUNTED}|{_PRICE_UNITS}))"  # "五斤装一箱六十块": the 一 is a count
)
# "5斤25元": a count, then what that many cost (元 said: "一斤15个" is a count of apples).
_COUNT_THEN_PRICE = re.compile(
    rf"(?<![\d.])(\d+)\s*({_COUNTED})装?的?\s*[，,]?\s*(\d+(?:\.\d+)?)\s*(?:元|块钱|块)"
    rf"(?!\s*(?:/|一|每|1)\s*(?:{_PRICE_UNITS}))"  # 一串两斤，二十五块一斤: 25 a jin, not 25 for two
)
# "268/晚", "88/人": a price written with its unit and no 元.
_SLASH_PRICE = re.compile(rf"(?<![\d./])(\d+(?:\.\d+)?)\s*/\s*({_PRICE_UNITS})(?![\u4e00-\u9fff]*?[元块])")
_PRICE_FOR_SOME = re.compile(
    rf"(\d+(?:\.\d+)?)\s*(?:元|块钱|块|蚊)\s*(?:/|每)?\s*(\d+)\s*({_COUNTED})(?![\u4e00-\u9fff]*装)"
)


# "一箱十二个，三十五块": what one box holds, then the box's price.
_BOX_THEN_PRICE = re.compile(
    rf"(?:一|每|1)\s*({_PRICE_UNITS})\s*\d+\s*(?:{_COUNTED})\s*[，,]?\s*(\d+(?:\.\d+)?)\s*(?:元|块钱|块)"
)


def _per(amount: str, count: str, unit: str) -> str:
    return f"{amount}元/{unit}" if count == "1" else f"{amount}元/{count}{unit}"


# "两个人三百八": what that many people pay together (one person: "一个人六十").
_PEOPLE_PRICE = re.compile(
    r"(?<![\d.])(\d+)\s*个?(人|位)\s*[，,]?\s*(?:只要|要)?\s*(\d+(?:\.\d+)?)(?:\s*(?:元|块钱|块))?(?![\d.])"
    rf"(?![{_ALL_UNIT_CHARS}])"  # 两个人一晚: the 1 is a night
)


_A_PIECE = re.compile(rf"(?<![\d.])1块(?=[\u4e00-\u9fff])(?![钱包{numeral_chars('十百千万')}每])")


def find_price(text: str) -> str | None:
    """The first price in ``text``, normalised: "一斤十五块" → "15元/斤", "十块钱两个" →
    "10元/2个", "五斤装六十九" → "69元/5斤", "一个人六十" → "60元/人"."""
    found = prices_in(text)
    return found[0][2] if found else None


def prices_in(text: str) -> list[tuple[int, int, str, str]]:
    """Every price in ``text``, in order and not overlapping: (start, end, price, the words
    before it). Start and end are in ``text`` with its numbers as digits."""
    found = []  # (where it starts, longest first, the price, where it ends)
    digits = _digits_for_prices(text)

    def add(m: re.Match, price: str) -> None:
        found.append((m.start(), -len(m.group(0)), price, m.end()))

    for m in _PEOPLE_PRICE.finditer(digits):
        add(m, _per(m.group(3), m.group(1), m.group(2)))
    for m in _PACK_PRICE.finditer(digits):
        add(m, _per(m.group(3), m.group(1), m.group(2)))
    for m in _PRICE_FOR_SOME.finditer(digits):
        add(m, _per(m.group(1), m.group(2), m.group(3)))
    for m in _COUNT_THEN_PRICE.finditer(digits):
        add(m, _per(m.group(3), m.group(1), m.group(2)))
    for m in _BOX_THEN_PRICE.finditer(digits):
        add(m, f"{m.group(2)}元/{m.group(1)}")
    for m in _SLASH_PRICE.finditer(digits):
        add(m, f"{m.group(1)}元/{m.group(2)}")
    for m in _PRICE.finditer(digits):
        add(m, _plain_price(m.group(0)))
    kept, end = [], 0
    for start, _, price, stop in sorted(found):
        if start >= end:
            kept.append((start, stop, price, digits[end:start]))
            end = stop
    return kept


def _digits_for_prices(text: str) -> str:
    digits = re.sub(r"(?<=[一1每])\s*个(?=[人位])", "", cn_numerals_to_digits(text))
    # 一块方巾, 一块草坪: a piece of something, not one yuan.
    digits = _A_PIECE.sub("\x03", digits)
    # How homestays say it: "一个大人一天一百二" is 120 a person, "一晚上两百" 200 a night.
    digits = re.sub(r"(?<=[一1每])\s*个?(?:大人|成人)", "人", digits)
    digits = re.sub(r"(?<=[一1每][人位])\s*(?:[一1每])?天", "", digits)
    return re.sub(r"(?<=[一1每]晚)上", "", digits)


def _plain_price(raw: str) -> str:
    amount = re.search(r"[¥￥]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:元|块|蚊)", raw)
    if amount:
        amount = amount.group(1) or amount.group(2)
    else:  # "88一斤", "一斤15": the number that is not the "一" of the unit
        amount = _NUMBER.findall(re.sub(rf"^(?:一|每|1)(?={_PRICE_UNITS})", "", raw))[0]
    unit = re.search(rf"(?:/|一|每|1)\s*({_PRICE_UNITS})", raw)
    return f"{amount}元/{unit.group(1)}" if unit else f"{amount}元"


_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)


def contact_kind(contact: str) -> str:
    """ "phone", "url" or "wechat" for a contact the seller typed."""
    text = contact.strip()
    if _URL.fullmatch(text) or _URL.match(text):
        return "url"
    if _PHONE.fullmatch(re.sub(r"[\s-]", "", text)):
        return "phone"
    return "wechat"


# A WeChat ID as said or typed after 微信: 6-20 letters, digits, _ and -, starting with a letter.
_SAID_WECHAT = re.compile(
    r"(?:微信号?|vx|VX|wx|WX|V信)\s*(?:号|是|：|:|\s)*([A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
)


def find_contact(text: str) -> str:
    """A phone number or WeChat ID she said or typed ("电话一三九…", "微信号xingzi_88"), or ""."""
    digits = cn_numerals_to_digits(unicodedata.normalize("NFKC", text))
    wechat = _SAID_WECHAT.search(digits)
    phone = _PHONE.search(re.sub(r"(?<=\d)[\s-]+(?=\d)", "", digits))
    if wechat and (not phone or wechat.start() < phone.start()):
        return wechat.group(1)
    return phone.group(0) if phone else ""


# What each kind of contact is called where it is printed or told to the model.
CONTACT_LABELS = {"phone": "电话", "url": "网址", "wechat": "微信号"}


def contact_label(contact: str) -> str:
    """ "微信号", "电话" or "网址" for a contact the seller typed."""
    return CONTACT_LABELS[contact_kind(contact)]


# --------------------------------------------------------------------------- places

# No 区, 寨 or 屯: they end too many ordinary phrases (评论区, 传自寨) for too few real places.
_PLACE_SUFFIXED = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:省|市|县|镇|乡|村)")
# What speech puts before a place that is not part of its name ("我们村", "在县城", "从镇上").
_NOT_NAME = re.compile(
    r"^(?:[我你他她咱]们?|大家|自家|家|在|从|到|去|来|自|于|位于|产|出|是|的|就|都|也|和|跟|这|那|本|每|全|各|老|城|乡下)+"
)


# Particles, pronouns and everyday verbs: a run holding one is a phrase ("吃过村", "卖的镇"), not
# a place's name.
_NOT_IN_NAMES = re.compile(r"[的了过着吃喝买卖是在我你他她咱们这那个把被给都也就还很又呢吗啊呀嘛想要说]")


def _tails(name: str) -> list[str]:
    """ "静谧的古镇" → ["静谧的古镇", "谧的古镇", "的古镇", "古镇"]: the place is its shortest tail."""
    return [name[i:] for i in range(len(name) - 1)]


def places_in(text: str) -> set[str]:
    """Place names in ``text``: known regions and origins, and names ending in 省/市/县/镇/乡/村."""
    found = {name for name in lexicon.places() if name in text}
    for m in _PLACE_SUFFIXED.finditer(text):
        name = _NOT_NAME.sub("", m.group(0))
        known_tail = next((tail for tail in _tails(name)[1:] if tail in found), None)
        if known_tail:
            continue  # "冬天来雪乡" ends in the known 雪乡: that is the place, not the phrase before it
        if _NOT_IN_NAMES.search(name):
            continue  # "吃过村里的": speech, not a name
        if len(name) >= 2 and not any(tail in lexicon.not_places() for tail in _tails(name)):
            found.add(name)
    # "陕西万荣县" holds "陕西": keep the longest name only.
    return {name for name in found if not any(name != other and name in other for other in found)}


def invented_places(text: str, source: str) -> set[str]:
    """Places in ``text`` that ``source`` (the brief) never mentions."""
    known = set(lexicon.places())
    return {
        p for p in places_in(text) if (p not in source if p in known else not any(tail in source for tail in _tails(p)))
    }


# --------------------------------------------------------------------------- all facts


# A weight is a pack size ("5斤装", "一箱10斤", "净重500克"), not the unit of a price ("一斤15块").
_WEIGHTS = unit_pattern(kinds=("weight",))
_PIECES = unit_pattern(kinds=("piece",))
_CONTAINERS = unit_pattern(kinds=("container",))
_WEIGHT = re.compile(
    rf"\d+(?:\.\d+)?(?:{_WEIGHTS})装|(?:一|每|1)(?:{_CONTAINERS})\d+(?:\.\d+)?(?:{_WEIGHTS}|{_PIECES})"
    rf"|\d+(?:\.\d+)?(?:{_WEIGHTS}|{_PIECES})(?:一|每|1)(?:{_CONTAINERS})|净重\d+(?:\.\d+)?(?:{_WEIGHTS})"
)
_VARIETY = re.compile(
    r"品种(?:是|叫|为)([\u4e00-\u9fffA-Za-z0-9]{2,8}?)(?=[，,。！!的]|$)"
    r"|(?:是|种的|种)?([\u4e00-\u9fff]{2,4}?)品种"
)
_HARVEST = re.compile(
    rf"(?:\d{{1,2}}|[{_NONZERO}十]{{1,2}})月(?:份|初|中|底|中旬|下旬|上旬)?(?:开始)?(?:上市|成熟|采摘|摘|收|熟)?|刚摘的?|现摘|现挖|现采|今年新[\u4e00-\u9fff]{{0,2}}|新鲜采摘|当天(?:摘|采|挖|发货)"
)
# Only where no negation comes before (negated_at): her 不包邮 is no shipping offer (it put
# 包邮 in a kiwi's shop title, session 8).
_SHIPPING = re.compile("|".join(lexicon.shipping_words(offers=True)))

# What turns the word after it into its opposite: 不包邮, 没有温泉, 不能退. One rule for the
# facts and the copy's guard, so the two never disagree about what she offered.
_NEGATION = re.compile(r"(?:不是|不|没有|没|无|非|不能|不会|不带)$")


def negated_at(text: str, start: int) -> bool:
    """True when the word that starts at ``start`` in ``text`` follows a negation (不|包邮)."""
    return bool(_NEGATION.search(text[max(0, start - 2) : start]))


@dataclass
class Facts:
    """What the copy may state. Empty strings are facts the seller did not give."""

    product: str = ""
    price: str = ""
    weight: str = ""
    place: str = ""
    variety: str = ""
    harvest: str = ""
    shipping: str = ""
    contact: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


# "我家的X又…", "自家种的X，…": the thing she sells, when it is not in products.txt.
_MY_PRODUCT = re.compile(
    r"(?:我家|我们家|咱家|自家|家里)(?:的|种的|养的|做的|产的|自己种的|自己做的)?([\u4e00-\u9fff]{1,6}?)"
    r"(?:又|很|特别|都|是|，|,|。|有|今年|现在|熟|上市)"
)


# A clause about what it eats or is made with ("吃虫子和玉米", "用的自家种的朝天椒") names no product.
_FEED_CLAUSE = re.compile(r"(?:^|[，,。！!？?；;\s])(?:吃|喂|用)[^，,。！!？?；;\s]*$")


# Names of a kind rather than of a thing: she often says one first and then what it is.
_GENERIC_PRODUCTS = frozenset({"野生菌", "野菜", "干货", "杂粮", "特产", "土特产", "房间", "客房"})


def positions_of(word: str, text: str) -> list[int]:
    """Where ``word`` starts in ``text``, each occurrence after the last one's end. By str.find,
    not re.finditer(re.escape(word)): a regex per word of a thousand-word list churns re's
    pattern cache, and then every regex in the process is compiled again (indexing the example
    library took 20 s instead of 2)."""
    found, at = [], text.find(word) if word else -1
    while at >= 0:
        found.append(at)
        at = text.find(word, at + len(word))
    return found


def find_product(text: str) -> str:
    """What she sells: the stay she offers if she names one (民宿, 农家乐, 采摘园), else the first
    product of ``data/products.tsv`` she names (with a variety
    named just before it: 阳光玫瑰葡萄), else the X of "我家的X又…", else ""."""
    found: list[tuple[int, int, str]] = []
    for name in lexicon.known_products():
        for at in positions_of(name, text):
            if not _FEED_CLAUSE.search(text[:at]):
                found.append((at, -len(name), name))
    venues = [f for f in found if lexicon.product_category(f[2]) == "homestay"]
    if venues:
        # The stay she offers, named anywhere: a 草莓采摘园 sells the visit, not the berries;
        # 窑洞民宿 is one name.
        at, _, name = min(venues)
        after = next((n for a, _, n in sorted(venues) if a == at + len(name)), "")
        return name + after
    if found:
        at, _, name = min(found)
        if name in _GENERIC_PRODUCTS or len(name) == 1:
            # "我们水库的鱼，花鲢", "那个梨啊，我们这边的酥梨": the kind first, then what it is.
            named = [f for f in sorted(found) if f[0] > at and f[2] not in _GENERIC_PRODUCTS and len(f[2]) > 1]
            if named:
                at, _, name = named[0]
        end = at + len(name)
        # A variety before its fruit is one name (阳光玫瑰 + 葡萄); two of a kind are two (南姜, 蓝姜),
        # and a variety after the fruit is not part of its name (荔枝 妃子笑).
        after = next((n for a, _, n in sorted(found) if a == end and n[-1] != name[-1] and len(n) <= 2), "")
        return name + after
    m = _MY_PRODUCT.search(text)
    return m.group(1) if m else ""


def understand(transcript: str) -> Facts:
    """What ② proposes from her words: product, price as the poster shows it, weight, place,
    variety, harvest, shipping and contact; "" for what she did not say."""
    heard = _fix_mishearings(transcript)
    return extract_facts(heard, product=find_product(heard), contact=find_contact(heard))


def _fix_mishearings(text: str) -> str:
    from assistant.language.text import fix_mishearings  # text.py imports this module

    return fix_mishearings(text)


def _names_product(place: str, product: str) -> bool:
    return place == product or (product.startswith(place) and len(product) == len(place) + 1)


def extract_facts(transcript: str, product: str = "", price: str = "", contact: str = "") -> Facts:
    """The facts in a seller's words and fields; typed fields win over the transcript."""
    text = cn_numerals_to_digits(transcript)
    weight = _WEIGHT.search(text)
    variety = _VARIETY.search(transcript)
    harvest = _HARVEST.search(transcript)
    # 龙井 is a village and a tea: when it is what she sells, it is not where it is from.
    # 普洱 of 普洱茶 too: a place that is her product's name with its kind after it.
    places = sorted((p for p in places_in(transcript) if not _names_product(p, product)), key=transcript.find)
    return Facts(
        product=product,
        price=price or find_price(transcript) or "",
        weight=re.sub(r"(?<![\d.])1(?=[箱盒袋筐件])", "一", weight.group(0)) if weight else "",
        place="、".join(places[:2]),
        variety=(variety.group(1) or variety.group(2)) if variety else "",
        harvest=harvest.group(0) if harvest else "",
        shipping="、".join(
            dict.fromkeys(m.group(0) for m in _SHIPPING.finditer(transcript) if not negated_at(transcript, m.start()))
        ),
        contact=contact,
    )
