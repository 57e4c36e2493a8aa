"""The worked-example library, and finding the example closest to her brief.

A small model writes much as the one example it is shown, so the example should be a brief
like hers: the same kind of goods, said the same way (a sentence, a pasted listing, a long
post). The library (``*.jsonl`` beside this file, one entry a line) is written by the team:
each entry is a seller's brief and the texts a good seller-copywriter would post for it.

Retrieval is BM25 over the briefs' words (jieba, with our products and places kept whole),
with a bonus for the same category and the same way of saying it.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.contracts import Brief
from assistant.language.words import words

LIBRARY_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    """One worked example: her brief, and each platform's text for it (the poster's as a dict)."""

    id: str
    category: str
    input: str
    brief: Brief
    texts: dict

    def text(self, platform: str) -> str | dict | None:
        return self.texts.get(platform)


def _example(row: dict) -> Example:
    given = row["brief"]
    brief = Brief(
        given.get("transcript", ""),
        product=given.get("product", ""),
        price=given.get("price", ""),
        contact=given.get("contact", ""),
        style=row.get("style") or given.get("style") or "朴实",
    )
    return Example(row["id"], row.get("category", ""), row.get("input", ""), brief, row["texts"])


@functools.lru_cache(maxsize=4)
def library(folder: Path = LIBRARY_DIR) -> tuple[Example, ...]:
    """Every entry of every ``*.jsonl`` in ``folder``, in file and line order."""
    found = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(_example(json.loads(line)))
    return tuple(found)


# What the same category and the same way of saying it are worth against word overlap: a
# listing of 枸杞 should find a listing of goji or dates before a spoken sentence about goji.
CATEGORY_BONUS = 3.0
INPUT_BONUS = 2.0
SHAPE_BONUS = 2.0  # a price and a contact where she gave them: the model copies an example's
_K1, _B = 1.2, 0.75


def _terms(brief: Brief) -> list[str]:
    reading = brief.reading
    text = " ".join([brief.spoken_text, reading.product, reading.place, reading.variety])
    return [w for w in words(text) if w.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in w)]


class _Index:
    """BM25 over the library's briefs."""

    def __init__(self, examples: tuple[Example, ...]):
        self.examples = examples
        self.docs = [Counter(_terms(e.brief)) for e in examples]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.shapes = [_shape_of(e.brief) for e in examples]  # once: reading a price is not free
        self.average = sum(self.lengths) / max(1, len(self.lengths))
        frequency = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}

    def scores(self, brief: Brief) -> list[float]:
        query = set(_terms(brief))
        reading = brief.reading
        shape = _shape_of(brief)
        found = []
        for example, doc, length, example_shape in zip(self.examples, self.docs, self.lengths, self.shapes):
            score = 0.0
            for term in query & doc.keys():
                tf = doc[term]
                score += self.idf[term] * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / self.average))
            if reading.category and example.category == reading.category:
                score += CATEGORY_BONUS
            if example.input == reading.input or (example.input == "misheard" and reading.input == "spoken"):
                score += INPUT_BONUS
            if example_shape == shape:
                score += SHAPE_BONUS
            found.append(score)
        return found


@functools.lru_cache(maxsize=4)
def _index(folder: Path = LIBRARY_DIR) -> _Index:
    return _Index(library(folder))


def group_of(category: str) -> str:
    """The broad kind of goods an example stands for: a stay, a craft, or goods to eat and use."""
    return category if category in ("homestay", "craft") else "goods"


def way_of_saying(kind: str) -> str:
    return "spoken" if kind in ("misheard", "") else kind


def typical(brief: Brief, platform: str, folder: Path = LIBRARY_DIR) -> Example | None:
    """The library's most typical example of her kind of goods said her way (a listing of goods,
    a homestay post …), with a price and a contact where she gave them and without where she did
    not (the 1.5B model copies an example's phone number and price into a brief that has none):
    one of a few dozen, so the prompt up to her brief is the same for every seller of that kind,
    and the model server keeps it evaluated (``nearest`` differs per brief, and its example is
    evaluated anew each time)."""
    reading = brief.reading
    group = "homestay" if reading.is_homestay else group_of(reading.category)
    ranked = _typical(folder).get((group, way_of_saying(reading.input))) or _typical(folder).get((group, "spoken"), [])
    ranked = [e for e in ranked if e.text(platform)]
    alike = [e for e in ranked if _shape_of(e.brief) == _shape_of(brief)]
    priced = [e for e in ranked if _shape_of(e.brief)[0] == _shape_of(brief)[0]]
    return next(iter(alike or priced or ranked), None)


def _shape_of(brief: Brief) -> tuple[bool, bool]:
    """Whether a brief gives a price, and a contact."""
    return bool(brief.effective_price), bool(brief.contact or brief.reading.contact)


@functools.lru_cache(maxsize=4)
def _typical(folder: Path = LIBRARY_DIR) -> dict[tuple[str, str], list[Example]]:
    """(group, way of saying it) → its examples, the one closest to all the others first."""
    index = _index(folder)
    cells: dict[tuple[str, str], list[int]] = {}
    for i, example in enumerate(index.examples):
        cells.setdefault((group_of(example.category), way_of_saying(example.input)), []).append(i)
    found = {}
    for cell, members in cells.items():
        centrality = {}
        for i in members:
            scores = index.scores(index.examples[i].brief)
            centrality[i] = sum(scores[j] for j in members if j != i)
        found[cell] = [index.examples[i] for i in sorted(members, key=lambda i: -centrality[i])]
    return found


def nearest(brief: Brief, platform: str, folder: Path = LIBRARY_DIR) -> Example | None:
    """The library's example closest to ``brief`` that has a text for ``platform`` (her own
    brief, if it is in the library, is never its own example); None for an empty library."""
    index = _index(folder)
    best, best_score = None, -1.0
    for example, score in zip(index.examples, index.scores(brief)):
        if example.text(platform) is None or example.brief.transcript == brief.transcript:
            continue
        if score > best_score:
            best, best_score = example, score
    return best
