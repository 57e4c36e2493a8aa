"""Words in Chinese text: where a line may break, which words a shop title is made of.

Segmentation is jieba's dictionary (no HMM: a word it guesses, like 起蟹 in 秋风起蟹脚痒,
is worse for a line break than no word at all), with our products, places and selling
words added, so 大闸蟹, 南姜 and 包邮 stay whole.
"""

from __future__ import annotations

import functools
import re
import threading

from assistant.language import lexicon

_HAN = re.compile(r"[\u4e00-\u9fff]+")
_lock = threading.Lock()  # jieba builds its prefix dictionary lazily and not thread-safely


def is_food(product: str) -> bool:
    """Whether ``product`` is (or ends with) a food or drink of products.tsv: 红心猕猴桃, 土蜂蜜."""
    return lexicon.product_category(product) in lexicon.FOOD_CATEGORIES


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(60)  # it logs its dictionary loading at INFO to stderr
    tokenizer = jieba.Tokenizer()
    with _lock:
        tokenizer.initialize()
        for word in lexicon.segmenter_words():
            if _HAN.fullmatch(word):
                tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word), 2000))
    return tokenizer


def words(text: str) -> list[str]:
    """``text`` cut into words; what is not Chinese (digits, Latin, punctuation) comes back
    as it was, in the same order, so ``"".join(words(t)) == t``."""
    out: list[str] = []
    last = 0
    for m in _HAN.finditer(text):
        if m.start() > last:
            out.append(text[last : m.start()])
        tokenizer = _tokenizer()
        with _lock:
            out.extend(tokenizer.lcut(m.group(0), HMM=False))
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def word_starts(text: str) -> set[int]:
    """Offsets in ``text`` where a Chinese word starts (and where a run of other text does)."""
    starts, at = set(), 0
    for word in words(text):
        starts.add(at)
        at += len(word)
    starts.add(at)
    return starts


def breaks_inside_words(lines: list[str]) -> int:
    """How many of the breaks between ``lines`` fall inside a word, as the segmenter reads
    the joined text (the figure bench/poster.py and the typesetting tests report)."""
    joined, at, inside = "".join(lines), 0, 0
    starts = word_starts(joined)
    for line in lines[:-1]:
        at += len(line)
        between_han = _HAN.fullmatch(joined[at - 1 : at + 1]) is not None
        if between_han and at not in starts:
            inside += 1
    return inside


def cut_between_words(text: str, limit: int) -> str:
    """The longest head of ``text`` of at most ``limit`` characters that ends between words
    (a whole keyword, never 包邮免); ``text`` itself when it is short enough."""
    if len(text) <= limit:
        return text
    cut = max((at for at in word_starts(text) if 0 < at <= limit), default=limit)
    return text[:cut].rstrip()
