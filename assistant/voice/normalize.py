"""Copy as a seller would say it: the text a voice reads aloud.

Copy is written for the eye: "15元/斤", "¥38.8", "13912340001", "#杏子", emoji. Read
literally, a voice says nonsense or skips the numbers that matter most. This turns
every number, unit, price, phone number, ID, date and time into the words a person
would say, drops what is only decoration, and cuts the result into sentences so that
playback can start with the first one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from assistant.datafiles import longest_first, table_rows
from assistant.language.text import EMOJI

_DATA = Path(__file__).with_name("data")
_DIGIT = "零一二三四五六七八九"
_DIGIT_ON_PHONE = "零幺二三四五六七八九"  # 幺 for 1: 一 and 七 sound alike over a phone line
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")

# Measure words after which 2 is read 两 (两斤, 两个, 两点), not 二.
_MEASURE = "斤两个只箱盒袋件瓶罐包份块元毛角次天年月周位间晚人张条棵颗串双对把本口斤亩米克公里千升点" + "种样"


def integer_reading(number: int) -> str:
    """10 → 十, 15 → 十五, 105 → 一百零五, 2024 → 两千零二十四 … as Mandarin counts them."""
    if number == 0:
        return "零"
    groups = []
    while number:
        groups.append(number % 10000)
        number //= 10000
    words = ""
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        if words and (zero_pending or group < 1000):
            words += "零"
        words += _group_reading(group) + _BIG_UNITS[index]
        zero_pending = False
    # 一十五 is said 十五 at the start of a number.
    return words[1:] if words.startswith("一十") else words


def _group_reading(group: int) -> str:
    digits = f"{group:04d}"
    out, zero = "", False
    for position, ch in enumerate(digits):
        value = int(ch)
        unit = _SMALL_UNITS[3 - position]
        if value == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGIT[value] + unit
    return out


def number_reading(text: str, before: str = "") -> str:
    """ "15" → 十五, "2.5" → 二点五, "2" before a measure word → 两."""
    whole, _, fraction = text.partition(".")
    value = int(whole) if whole else 0
    if value == 2 and not fraction and before[:1] in _MEASURE:
        words = "两"
    else:
        words = integer_reading(value)
        # 两百/两千 read better than 二百/二千 at the head of a count.
        if value >= 200 and words.startswith("二") and words[1:2] in ("百", "千", "万"):
            words = "两" + words[1:]
    if fraction:
        words += "点" + "".join(_DIGIT[int(d)] for d in fraction)
    return words


def digits_reading(text: str, phone: bool = False) -> str:
    table = _DIGIT_ON_PHONE if phone else _DIGIT
    return "".join(table[int(d)] for d in text if d.isdigit())


@lru_cache(maxsize=1)
def _letters() -> dict[str, str]:
    return dict(table_rows(_DATA / "letters.tsv", 2))


def spelled(word: str) -> str:
    """An ID letter by letter and digit by digit, as she would read it out: "xingzi_88" →
    艾克斯 艾 … 下划线 八八. The voice knows no Latin letters, so each has its Chinese name."""
    names = _letters()
    parts = []
    for ch in word:
        if ch.isdigit():
            parts.append(_DIGIT_ON_PHONE[int(ch)])
        elif ch.lower() in names:
            parts.append(names[ch.lower()])
        elif ch == "_":
            parts.append("下划线")
        elif ch == "-":
            parts.append("杠")
        elif ch == ".":
            parts.append("点")
        elif ch == "@":
            parts.append("艾特")
    return "，".join(parts) if len(parts) > 12 else "".join(parts)  # a breath now and then in a long ID


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[re.Pattern, str], ...]:
    """Latin words and symbols with a Chinese reading (kg → 公斤, Wi-Fi → 无线网)."""
    pairs = longest_first(table_rows(_DATA / "words.tsv", 2))
    return tuple((re.compile(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", re.I), said) for w, said in pairs)


_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-(\d{7,8})(?!\d)")
_LONG_DIGITS = re.compile(r"\d{7,}")  # an ID or account number, not a count
_ID = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_.-]{3,24}[A-Za-z0-9](?![A-Za-z0-9_])")
_YUAN_SIGN = re.compile(r"[¥￥](\d+)(?:\.(\d)(\d)?)?")
_PRICE_PER = re.compile(r"(\d+(?:\.\d+)?)\s*(元|块钱|块)\s*[/／每]\s*([\u4e00-\u9fff])")
_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*[-~～至到]\s*(\d+(?:\.\d+)?)(?=\s*[\u4e00-\u9fff%])")
_TIME = re.compile(r"(?<!\d)(\d{1,2})[:：](\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_HASHTAG = re.compile(r"#\s*([^\s#]+)")
_DECORATION = re.compile(r"[#＃•·●○◆◇■□▪▫★☆✓✔※→←↑↓►▶◀【】\[\]<>《》「」『』“”\"'‘’（）()*_=+^`|｜~～…—]+")
_PAUSE = re.compile(r"\s*[，,、：:；;/／]\s*")


def _money(m: re.Match) -> str:
    yuan, jiao, fen = m.group(1), m.group(2), m.group(3)
    words = number_reading(yuan, "块") + "块"
    if jiao and jiao != "0":
        words += _DIGIT[int(jiao)] if not fen or fen == "0" else _DIGIT[int(jiao)] + "毛"
    if fen and fen != "0":
        words += ("零" if jiao == "0" else "") + _DIGIT[int(fen)]
    return words


def for_speech(text: str) -> str:
    """The whole text as it should be said, with its sentence ends kept."""
    text = text.replace("\u3000", " ")
    text = EMOJI.sub("", text)
    text = re.sub("[\ufe0f\u200d]", "", text)  # emoji joiners and presentation selectors
    text = _HASHTAG.sub(lambda m: m.group(1) + "，", text)
    text = _PHONE.sub(lambda m: "，" + digits_reading("".join(m.groups()), phone=True) + "，", text)
    text = _LANDLINE.sub(lambda m: digits_reading(m.group(1), True) + "，" + digits_reading(m.group(2), True), text)
    text = _YUAN_SIGN.sub(_money, text)
    text = _PRICE_PER.sub(lambda m: f"{number_reading(m.group(1), m.group(2))}{m.group(2)}一{m.group(3)}", text)
    text = _TIME.sub(lambda m: f"{number_reading(m.group(1))}点{_minutes(m.group(2))}", text)
    text = _YEAR.sub(lambda m: digits_reading(m.group(1)) + "年", text)
    text = _PERCENT.sub(lambda m: "百分之" + number_reading(m.group(1)), text)
    text = _RANGE.sub(lambda m: f"{m.group(1)}到{m.group(2)}", text)
    for pattern, said in _words():
        text = pattern.sub(said, text)
    text = _ID.sub(lambda m: "，" + spelled(m.group(0)) + "，", text)
    text = _LONG_DIGITS.sub(lambda m: digits_reading(m.group(0)), text)
    text = _NUMBER.sub(lambda m: number_reading(m.group(0), text[m.end() : m.end() + 1]), text)
    text = re.sub(r"[A-Za-z]+", lambda m: spelled(m.group(0)), text)  # any letter left: say its name
    text = _DECORATION.sub("，", text)
    text = _PAUSE.sub("，", text)
    text = re.sub(r"\s*\n+\s*", "。", text)
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"，*([。！？!?])[，。]*", r"\1", text)
    text = re.sub(r"，{2,}", "，", text).strip("，")
    return text


def _minutes(mm: str) -> str:
    if mm == "00":
        return ""
    if mm == "30":
        return "半"
    return ("零" if mm[0] == "0" else "") + number_reading(mm.lstrip("0")) + "分"


def sentences_for_speech(text: str, max_chars: int = 40) -> list[str]:
    """The text as said, cut into sentences, and long ones at a comma, so that the first
    sound comes quickly and every piece is short enough for the voice to keep its pitch."""
    pieces = []
    for sentence in re.findall(r"[^。！？!?]+[。！？!?]?", for_speech(text)):
        sentence = sentence.strip("，")
        while len(sentence) > max_chars:
            cut = sentence.rfind("，", 0, max_chars)
            if cut <= 0:
                cut = max_chars
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].lstrip("，")
        if sentence.strip("。！？!?"):
            pieces.append(sentence)
    return pieces
