"""Keeping copy legal and true.

* 广告法: absolute and medical terms are rewritten or removed, and every change is
  reported in plain words, so the UI can say what was changed and why.
* Fact guard: every number, place and certification in the copy must come from the
  brief, and no health claim is made at all. A sentence that breaks this is dropped,
  and the drop is reported too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from assistant.contracts import Change
from assistant.language.facts import invented_places, numbers_in
from assistant.language.text import sentences

_TERMS_FILE = Path(__file__).with_name("data") / "ad_terms.tsv"
_CLAIMS_FILE = Path(__file__).with_name("data") / "claims.tsv"


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

        def swap(m: re.Match, replacement: str = replacement) -> str:
            # Report the word around the term ("最甜" → "很甜"), which reads better than "最" → "很".
            start, end = m.span()
            context_after = m.string[end : end + 1] if replacement and m.group(0) == "最" else ""
            changes.append(Change(field, m.group(0) + context_after, replacement + context_after, "广告法"))
            return replacement

        text = pattern.sub(swap, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), changes


@functools.lru_cache(maxsize=1)
def _claims() -> list[tuple[str, str]]:
    rows = []
    for line in _CLAIMS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("term\t"):
            term, _, kind = line.partition("\t")
            rows.append((term, kind.strip()))
    return sorted(rows, key=lambda r: -len(r[0]))


def problem(text: str, source: str, allowed: set[str]) -> tuple[str, str] | None:
    """Why ``text`` may not be printed, as (reason, word), or None when it is true to the brief.

    ``source`` is everything the seller said or typed; ``allowed`` the numbers in it.
    """
    invented = numbers_in(text) - allowed
    if invented:
        return "事实", sorted(invented)[0]
    for term, kind in _claims():
        if term in text and (kind == "功效" or term not in source):
            return kind, term
    places = invented_places(text, source)
    if places:
        return "地名", sorted(places)[0]
    return None


def guard_facts(text: str, source: str, allowed: set[str], field: str) -> tuple[str, list[Change]]:
    """Drop each sentence with an invented number, place or certification, or a health claim.

    Line breaks are kept, so a note with paragraphs keeps its shape.
    """
    kept, changes = [], []
    for sentence in sentences(text):
        found = problem(sentence, source, allowed)
        if found:
            changes.append(Change(field, sentence.strip(), "", found[0], found[1]))
            if sentence.endswith("\n"):
                kept.append("\n")
        else:
            kept.append(sentence)
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip(), changes
