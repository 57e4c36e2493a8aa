"""Evaluation helpers shared by the tests and bench/: character error rate."""

from __future__ import annotations

import re

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
    """Spaces and punctuation do not count: corpus labels put spaces between words."""
    return _NOT_A_CHARACTER.sub("", text)


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate after removing spaces and punctuation from both sides."""
    ref = strip_for_cer(reference)
    return edit_distance(ref, strip_for_cer(hypothesis)) / max(len(ref), 1)
