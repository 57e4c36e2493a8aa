"""Keeping copy legal and true.

* 广告法: absolute and medical terms are rewritten or removed, and every change is
  reported in plain words, so the UI can say what was changed and why.
* Fact guard: every number in the copy must come from the brief. A sentence with an
  invented number is dropped, and the drop is reported too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .facts import numbers_in

_TERMS_FILE = Path(__file__).with_name("data") / "ad_terms.tsv"


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    reason: str  # "广告法" or "事实"

    def explain(self) -> str:
        if self.reason == "广告法":
            if self.after:
                return f"为了符合广告法，已把「{self.before}」改为「{self.after}」"
            return f"为了符合广告法，已删去「{self.before}」"
        return f"「{self.before}」里的数字在原话里没有，已删去"


@functools.lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern, str, str]]:
    rules = []
    for line in _TERMS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("term\t"):
            continue
        term, _, replacement = line.partition("\t")
        if term.startswith("re:"):
            rules.append((re.compile(term[3:]), replacement, term[3:]))
        else:
            rules.append((re.compile(re.escape(term)), replacement, term))
    # Longer literal terms first, so "全网最低" is handled before "最".
    rules.sort(key=lambda r: -len(r[2]) if not r[2].startswith("最(") else 0)
    return rules


def forbidden_terms(text: str) -> list[str]:
    """The forbidden terms found in ``text`` (for checks and evaluation)."""
    return [m.group(0) for pattern, _, _ in _rules() for m in pattern.finditer(text)]


def clean_ad_terms(text: str, field: str) -> tuple[str, list[Change]]:
    changes: list[Change] = []
    for pattern, replacement, _ in _rules():
        def swap(m: re.Match) -> str:
            # Report the word around the term ("最甜" → "很甜"), which reads better than "最" → "很".
            start, end = m.span()
            context_after = m.string[end:end + 1] if replacement and m.group(0) == "最" else ""
            changes.append(Change(field, m.group(0) + context_after, replacement + context_after, "广告法"))
            return replacement

        text = pattern.sub(swap, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), changes


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")


def guard_numbers(text: str, allowed: set[str], field: str) -> tuple[str, list[Change]]:
    """Drop each sentence holding a number that the brief does not have."""
    kept, changes = [], []
    for sentence in _SENTENCE.findall(text):
        invented = numbers_in(sentence) - allowed
        if invented:
            changes.append(Change(field, sentence.strip(), "", "事实"))
        else:
            kept.append(sentence)
    return "".join(kept).strip(), changes


def has_invented_numbers(text: str, allowed: set[str]) -> bool:
    return bool(numbers_in(text) - allowed)
