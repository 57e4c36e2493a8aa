"""Whisper's raw text as a seller wants to read it.

Simplified characters (OpenCC ``t2s``: Whisper often writes Traditional), the particle
着 that ``t2s`` leaves as 著, full-width punctuation, segments joined into sentences,
and the known silence hallucinations and prompt echoes filtered out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from assistant.datafiles import table_rows
from assistant.language.text import collapse_loops

_DATA = Path(__file__).with_name("data")

_PUNCT = re.compile(r"[\s\u3000，。！？、；：,.!?;:\"'“”‘’（）()《》【】…—\-]+")
_END_PUNCT = "。！？!?…"


@dataclass(frozen=True)
class Hallucinations:
    phrases: tuple[str, ...]

    @classmethod
    def load(cls) -> "Hallucinations":
        phrases = tuple(_PUNCT.sub("", line).lower() for (line,) in table_rows(_DATA / "hallucinations.txt", 1))
        return cls(phrases)

    def is_hallucination(self, text: str, prompt: str | None = None) -> bool:
        """A known silence phrase, or an echo of the prompt we gave the decoder."""
        norm = _PUNCT.sub("", text).lower()
        if not norm:
            return True
        if prompt and len(norm) >= 4 and norm in _PUNCT.sub("", prompt).lower():
            return True
        return any(p == norm or (p in norm and len(p) * 2 >= len(norm)) for p in self.phrases)


class ToSimplified:
    def __init__(self):
        import opencc

        self._converter = opencc.OpenCC("t2s")

    def __call__(self, text: str) -> str:
        return self._converter.convert(text)


# 著 is both the Simplified 著 of 著名 and the Traditional form of the particle 着
# (带著 → 带着). OpenCC t2s cannot tell them apart and leaves 著; only these words keep it.
_ZHU_WORDS = re.compile(
    "著名|著作|著称|著述|著录|著书|著者|著有|显著|名著|原著|专著|编著|论著|土著|昭著|卓著|巨著|遗著|译著|合著|拙著|新著"
)


def particle_zhe(text: str) -> str:
    if "著" not in text:
        return text
    keep = {m.start() + m.group().index("著") for m in _ZHU_WORDS.finditer(text)}
    return "".join("着" if ch == "著" and i not in keep else ch for i, ch in enumerate(text))


_HALF_TO_FULL = {",": "，", "?": "？", "!": "！", ";": "；", ":": "："}


def fullwidth_punctuation(text: str) -> str:
    """Whisper often writes ASCII commas in Chinese; after a Chinese character they become "，"."""
    return re.sub(r"(?<=[\u4e00-\u9fff])\s*([,?!;:])\s*", lambda m: _HALF_TO_FULL[m.group(1)], text)


def join_segments(texts: list[str]) -> str:
    """Join segment texts into readable sentences.

    Whisper often gives Chinese segments without punctuation; a pause between segments
    is a clause boundary, so a comma goes there, and a full stop at the end.
    """
    pieces = [t.strip() for t in texts if t.strip()]
    out = ""
    for i, piece in enumerate(pieces):
        piece = re.sub(r"\s+", "，", piece) if re.search(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]", piece) else piece
        out += piece
        last = i == len(pieces) - 1
        if piece[-1] not in _END_PUNCT + "，,、；;：:":
            out += "。" if last else "，"
    return out


def hotwords_from(*texts: str) -> str | None:
    """The words a seller types ("燕之屋，景德镇、杏子") as faster-whisper's hotword string."""
    words = [w for text in texts for w in re.split(r"[\s,，、;；/]+", text or "") if w]
    return " ".join(dict.fromkeys(words)) or None


def clean_text(raw: str, simplify: ToSimplified) -> str:
    """Whisper's text as a reader wants it: Simplified, no loops, full-width punctuation."""
    return fullwidth_punctuation(collapse_loops(particle_zhe(simplify(raw.strip()))))
