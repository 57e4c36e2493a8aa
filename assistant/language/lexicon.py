"""Every word list the rules use, read once from ``data/`` by this one module.

A rule that keeps a list of its own drifts from its twin elsewhere (units were written four
times, the numerals in ten patterns, the shipping words in four sources that disagreed). So
each list is a data file here, and the patterns the rules match with are built from it:
``unit_pattern("price")`` is the alternation of every unit a price may be by.

The files are small; each is read the first time it is asked for, then kept.
"""

from __future__ import annotations

import functools
from pathlib import Path

from assistant.datafiles import longest_first, table_rows

DATA = Path(__file__).with_name("data")


def _words(name: str) -> list[str]:
    """The words of a plain word file: whitespace-separated, ``#`` comments skipped."""
    return [w for (line,) in table_rows(DATA / name, 1) for w in line.split()]


# --------------------------------------------------------------------------- numerals


@functools.lru_cache(maxsize=1)
def _numerals() -> tuple[tuple[str, int, str], ...]:
    return tuple((char, int(value), kind) for char, value, kind in table_rows(DATA / "numerals.tsv", 3, header=True))


def digit_values(phone: bool = False) -> dict[str, int]:
    """零→0 … 九→9 (两 is 2); with ``phone``, also 幺 (1 in a number said digit by digit)."""
    kinds = ("digit", "phone") if phone else ("digit",)
    return {char: value for char, value, kind in _numerals() if kind in kinds}


def magnitude_values() -> dict[str, int]:
    """十→10, 百→100, 千→1000, 万→10000."""
    return {char: value for char, value, kind in _numerals() if kind == "magnitude"}


def numeral_chars(magnitudes: str = "", without: str = "", phone: bool = False) -> str:
    """The digit characters, for a character class: ``numeral_chars("十百千万")`` is every
    character of a spoken number; ``without="两"`` leaves out 两 (after 点, 两 is no digit)."""
    chars = "".join(digit_values(phone)) + "".join(m for m in magnitude_values() if m in magnitudes)
    return "".join(ch for ch in chars if ch not in without)


# --------------------------------------------------------------------------- units


@functools.lru_cache(maxsize=1)
def _units() -> tuple[tuple[str, str, frozenset[str]], ...]:
    return tuple(
        (unit, kind, frozenset(roles.split())) for unit, kind, roles in table_rows(DATA / "units.tsv", 3, header=True)
    )


def units(role: str = "", kinds: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The units with ``role`` (price, per, pack) and of ``kinds``, longest first."""
    found = [u for u, kind, roles in _units() if (not role or role in roles) and (not kinds or kind in kinds)]
    return tuple(sorted(found, key=len, reverse=True))


def unit_pattern(role: str = "", kinds: tuple[str, ...] = ()) -> str:
    """``units(role, kinds)`` as a regex alternation, longest first: "公斤|千克|斤|…"."""
    return "|".join(units(role, kinds))


def unit_chars(role: str = "", kinds: tuple[str, ...] = ()) -> str:
    """The one-character units with ``role``, for a character class."""
    return "".join(u for u in units(role, kinds) if len(u) == 1)


# --------------------------------------------------------------------------- shipping


@functools.lru_cache(maxsize=1)
def _shipping() -> tuple[tuple[str, bool, str], ...]:
    rows = table_rows(DATA / "shipping.tsv", 3, header=True)
    return tuple(sorted(((w, fact == "y", promise) for w, fact, promise in rows), key=lambda r: -len(r[0])))


def shipping_words(offers: bool = False) -> tuple[str, ...]:
    """Every word about sending the goods, longest first; with ``offers``, only those that
    offer a way of getting them (包邮, 顺丰, 自提), not 发货 or 运费."""
    return tuple(w for w, fact, _ in _shipping() if fact or not offers)


def shipping_promises() -> tuple[tuple[str, str], ...]:
    """(word, promise) for each delivery promise a copy may make only when she did (包邮, 免邮 → 包邮)."""
    return tuple((w, promise) for w, _, promise in _shipping() if promise)


# --------------------------------------------------------------------------- claims


@functools.lru_cache(maxsize=1)
def claims() -> tuple[tuple[str, str, str], ...]:
    """(term, kind, group) rows of ``claims.tsv`` and the delivery promises of ``shipping.tsv``
    (kind 承诺), longest term first; a term without a group is its own."""
    rows = [(term, kind, group or term) for term, kind, group in table_rows(DATA / "claims.tsv", 3, header=True)]
    rows += [(word, "承诺", promise) for word, promise in shipping_promises()]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@functools.lru_cache(maxsize=1)
def tastes() -> frozenset[str]:
    """The characters that say how goods taste or feel (香, 甜, 脆): ``claims.tsv``'s 口感 rows."""
    return frozenset(term for term, kind, _ in claims() if kind == "口感")


@functools.lru_cache(maxsize=1)
def ad_terms() -> tuple[tuple[str, str], ...]:
    """(term, replacement) rows of ``ad_terms.tsv``: the 广告法's absolute terms; ``re:`` marks a pattern."""
    return tuple(table_rows(DATA / "ad_terms.tsv", 2, header=True))


# --------------------------------------------------------------------------- products and places


@functools.lru_cache(maxsize=1)
def _products() -> dict[str, str]:
    """Product name → category, from ``products.tsv``."""
    found: dict[str, str] = {}
    for category, names in table_rows(DATA / "products.tsv", 2, header=True):
        for name in names.split():
            found.setdefault(name, category)
    return found


def known_products() -> tuple[str, ...]:
    """What sellers offer, longest first."""
    return tuple(sorted(_products(), key=len, reverse=True))


def product_category(name: str) -> str:
    """The category of a known product, or of the known product ``name`` ends with
    (红心猕猴桃 is fruit); "" when none."""
    products = _products()
    if name in products:
        return products[name]
    tail = next((p for p in known_products() if name.endswith(p)), "")
    return products.get(tail, "")


@functools.lru_cache(maxsize=1)
def varieties() -> tuple[tuple[str, str], ...]:
    """(kind, variety) from ``varieties.tsv``, the longest variety first: ("苹果", "冰糖心")."""
    rows = [
        (kind, name) for kind, names in table_rows(DATA / "varieties.tsv", 2, header=True) for name in names.split()
    ]
    return tuple(sorted(rows, key=lambda row: -len(row[1])))


# The categories whose goods are eaten or drunk: a script may ask "你吃过…吗？".
FOOD_CATEGORIES = frozenset(
    {"fruit", "nut", "vegetable", "mushroom", "grain", "honey", "tea", "eggs", "meat", "seafood", "food"}
)


@functools.lru_cache(maxsize=1)
def selling_words() -> frozenset[str]:
    """Common selling words (新鲜, 现摘, 散养 …), shipping words not among them."""
    return frozenset(_words("selling.txt"))


@functools.lru_cache(maxsize=1)
def places() -> tuple[str, ...]:
    """Place names known without a 省/市/县 suffix, longest first."""
    return tuple(sorted(set(_words("places.txt")), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Words that end like a place's name and are none (超市, 县城, 老乡)."""
    return frozenset(_words("not_places.txt"))


def segmenter_words() -> list[str]:
    """What the segmenter must keep whole: products, places, selling and shipping words."""
    return [*known_products(), *places(), *selling_words(), *shipping_words()]


# --------------------------------------------------------------------------- phrases


@functools.lru_cache(maxsize=1)
def stock_lines() -> tuple[str, ...]:
    """Lines any seller's post may open or end with, that say nothing of her goods."""
    return tuple(line for (line,) in table_rows(DATA / "stock_lines.txt", 1))


@functools.lru_cache(maxsize=1)
def mishearings() -> tuple[tuple[str, ...], ...]:
    """(heard, meant) for selling words the recogniser gets wrong, longest first."""
    return longest_first(table_rows(DATA / "mishearings.tsv", 2, header=True))


@functools.lru_cache(maxsize=1)
def cantonese() -> tuple[tuple[str, ...], ...]:
    """(Cantonese, written Chinese), longest first."""
    return longest_first(table_rows(DATA / "cantonese.tsv", 2, header=True))


@functools.lru_cache(maxsize=1)
def asks() -> tuple[str, ...]:
    """Words that tell a reader to act (留言, 私信, 欢迎咨询), longest first: an ask ends a post,
    and is never a poster's selling point."""
    return tuple(sorted(set(_words("asks.txt")), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def padding() -> frozenset[str]:
    """Points any seller could print that tell a buyer nothing of hers (口感好, 品质保证)."""
    return frozenset(_words("padding.txt"))
