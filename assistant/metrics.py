"""Evaluation helpers shared by the tests and bench/: character error rate."""

from __future__ import annotations

import re

from assistant.language.facts import cn_numerals_to_digits

_NOT_A_CHARACTER = re.compile(r"[\W_]+", re.UNICODE)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def strip_for_cer(text: str) -> str:
    """Spaces and punctuation do not count (corpus labels put spaces between words), and
    numbers are compared as digits (七点半 = 7点半), the way the copy stage reads them."""
    return _NOT_A_CHARACTER.sub("", cn_numerals_to_digits(text))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate after removing spaces and punctuation from both sides."""
    ref = strip_for_cer(reference)
    return edit_distance(ref, strip_for_cer(hypothesis)) / max(len(ref), 1)


_BREAK = re.compile(r"[，。！？；：、,.!?;:…]+")


def _breaks(text: str) -> tuple[str, set[int]]:
    """The characters of ``text`` and the positions after which a punctuation mark stands."""
    chars, breaks = "", set()
    for piece in _BREAK.split(text):
        chars += strip_for_cer(piece)
        breaks.add(len(chars))
    breaks.discard(len(chars))  # the final full stop says nothing about reading
    breaks.discard(0)
    return chars, breaks


def _alignment(a: str, b: str) -> dict[int, int]:
    """Map each position in ``b`` to the aligned position in ``a`` (Levenshtein backtrace)."""
    rows = [list(range(len(b) + 1))]
    for i, x in enumerate(a, 1):
        row = [i]
        for j, y in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (x != y)))
        rows.append(row)
    mapping, i, j = {len(b): len(a)}, len(a), len(b)
    while i and j:
        if rows[i][j] == rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]):
            i, j = i - 1, j - 1
            mapping[j] = i
        elif rows[i][j] == rows[i - 1][j] + 1:
            i -= 1
        else:
            j -= 1
            mapping[j] = i
    return mapping


def punctuation_counts(reference: str, hypothesis: str) -> tuple[int, int, int]:
    """(matched, in hypothesis, in reference) sentence/clause breaks, any mark counting.

    A break matches when the hypothesis puts a mark after the character aligned to one
    the reference puts a mark after. Sum the counts over clips for precision and recall.
    """
    ref_chars, ref_breaks = _breaks(reference)
    hyp_chars, hyp_breaks = _breaks(hypothesis)
    mapping = _alignment(ref_chars, hyp_chars)
    matched = sum(1 for j in hyp_breaks if mapping.get(j) in ref_breaks)
    return matched, len(hyp_breaks), len(ref_breaks)
