"""Facts a seller states: numbers (spoken or written), prices, contacts.

Small local models invent numbers. The fact guard in ``compliance.py`` compares the
numbers in the copy against the numbers in the brief, so both sides are normalised
here the same way: spoken Chinese numerals become digits ("十五块" → "15块").
"""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]+(?:点[零〇一二三四五六七八九]+)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Words where a numeral character is not a quantity ("一定", "一起" …): leave them alone.
_NOT_QUANTITY = re.compile(r"一(?=[定起样直般些下点共切边天到])|(?<=[统唯万])一|十分|万一|千万(?=[别要不])")


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


def cn_numerals_to_digits(text: str) -> str:
    """Rewrite spoken numbers as digits: "一斤十五块" → "1斤15块", "三点五斤" → "3.5斤"."""
    protected: list[str] = []

    def protect(m: re.Match) -> str:
        protected.append(m.group(0))
        return f"\x00{len(protected) - 1}\x00"

    text = _NOT_QUANTITY.sub(protect, text)

    def convert(m: re.Match) -> str:
        whole, _, frac = m.group(0).partition("点")
        value = _cn_integer(whole)
        if value is None:
            return m.group(0)
        if frac:
            return f"{value}.{''.join(str(_DIGITS[c]) for c in frac)}"
        return str(value)

    text = _CN_NUMBER.sub(convert, text)
    return re.sub(r"\x00(\d+)\x00", lambda m: protected[int(m.group(1))], text)


def numbers_in(text: str) -> set[str]:
    """Every number in ``text``, spoken or written, as a canonical digit string."""
    found = set()
    for raw in _NUMBER.findall(cn_numerals_to_digits(text.replace(",", "").replace("，", "，"))):
        found.add(_canonical(raw))
    return found


def _canonical(raw: str) -> str:
    if "." in raw:
        raw = raw.rstrip("0").rstrip(".")
    return raw.lstrip("0") or "0"


_PRICE = re.compile(
    r"(?:[¥￥]\s*\d+(?:\.\d+)?(?:\s*元)?|\d+(?:\.\d+)?\s*(?:元|块钱|块))"
    r"(?:\s*(?:/|一|每|1)\s*(?:斤|公斤|千克|箱|盒|个|只|瓶|罐|袋|份|晚|间|件|条|斤装))?"
    r"|(?:一|每|1)\s*(?:斤|公斤|千克|箱|盒|个|只|瓶|罐|袋|份|晚|间|件|条)\s*[，,]?\s*\d+(?:\.\d+)?\s*(?:元|块钱|块)"
)


def find_price(text: str) -> str | None:
    """The first price in ``text``, normalised: "一斤十五块" → "15元/斤"."""
    digits = cn_numerals_to_digits(text)
    m = _PRICE.search(digits)
    if not m:
        return None
    raw = m.group(0)
    amount = re.search(r"[¥￥]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:元|块)", raw)
    amount = amount.group(1) or amount.group(2)
    unit = re.search(r"(?:/|一|每|1)\s*(斤|公斤|千克|箱|盒|个|只|瓶|罐|袋|份|晚|间|件|条)", raw)
    return f"{amount}元/{unit.group(1)}" if unit else f"{amount}元"


_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_URL = re.compile(r"https?://\S+|www\.\S+", re.I)


def contact_kind(contact: str) -> str:
    """"phone", "url" or "wechat" for a contact the seller typed."""
    text = contact.strip()
    if _URL.fullmatch(text) or _URL.match(text):
        return "url"
    if _PHONE.fullmatch(re.sub(r"[\s-]", "", text)):
        return "phone"
    return "wechat"
