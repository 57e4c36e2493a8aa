"""Said text → the symbol ids the Baker (标贝) voice was trained on.

Each character becomes its pinyin with tone (pypinyin, whose phrase dictionary picks
the reading of a 多音字 from its word: 银行 háng, 行情 háng, 一行 xíng …), split into an
initial and a toned final by the voice's own table (``baker_mapper.json``), with a
word-boundary mark between characters and silence at both ends. Readings pypinyin gets
wrong in copy are fixed in ``data/polyphones.tsv``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from assistant.datafiles import table_rows

_DATA = Path(__file__).with_name("data")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _phrases_loaded() -> bool:
    """Teach pypinyin the readings it gets wrong in sellers' copy (once per process)."""
    from pypinyin import load_phrases_dict

    phrases = {word: [[r] for r in readings.split()] for word, readings in table_rows(_DATA / "polyphones.tsv", 2)}
    load_phrases_dict(phrases)
    return True


def pinyin_of(text: str) -> list[str]:
    """One toned syllable per Chinese character ("zhong1"; 5 is the neutral tone); other
    characters are left out (the normaliser has already said them in words)."""
    from pypinyin import Style, lazy_pinyin

    _phrases_loaded()
    han = "".join(_HAN.findall(text))
    return yi_bu_sandhi(han, lazy_pinyin(han, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore"))


_NUMERIC_YI = re.compile(
    r"[第十零〇一二三四五六七八九百千万]一|一[〇零一二三四五六七八九十百千万月号日]|一点[零一二三四五六七八九]|一$"
)


def yi_bu_sandhi(han: str, syllables: list[str]) -> list[str]:
    """一 and 不 as they are said: 一 is yi2 before a fourth tone (一定) and yi4 before the
    others (一斤), but yi1 when counting (十一, 第一, 一月); 不 is bu2 before a fourth tone (不要)."""
    if len(han) != len(syllables):  # a character pypinyin did not read: leave the tones alone
        return syllables
    out = list(syllables)
    for i, ch in enumerate(han):
        following = syllables[i + 1][-1] if i + 1 < len(syllables) else ""
        if ch == "一":
            if _NUMERIC_YI.search(han[max(0, i - 1) : i + 3]):
                out[i] = "yi1"
            elif following:
                out[i] = "yi2" if following == "4" else "yi4"
        elif ch == "不" and following == "4":
            out[i] = "bu2"
    return out


class SymbolTable:
    """The voice's symbols: ids, and the initial + final of every syllable."""

    def __init__(self, mapper_path: Path):
        mapper = json.loads(Path(mapper_path).read_text(encoding="utf-8"))
        self.ids: dict[str, int] = mapper["symbol_to_id"]
        self.syllables: dict[str, list[str]] = mapper["pinyin_dict"]

    def syllable(self, toned: str) -> list[str]:
        """ "zhong1" → ["zh", "ong1"]; 嗯 (n/ng) as en; an erhua syllable ("huar2") as its base plus 儿."""
        base, tone = toned[:-1], toned[-1]
        if not tone.isdigit():
            base, tone = toned, "5"
        if base in ("n", "m", "hm"):
            base = "en"
        if base in self.syllables:
            initial, final = self.syllables[base]
            return [initial, final + tone]
        if base.endswith("r") and base[:-1] in self.syllables:
            return [*self.syllable(base[:-1] + tone), "^", "er5"]
        return []  # not a Mandarin syllable: leave it out rather than say something else

    def phonemes(self, text: str) -> list[str]:
        """sil, then each syllable, a word mark (#0) between them, and sil at the end."""
        symbols = ["sil"]
        for toned in pinyin_of(text):
            parts = self.syllable(toned)
            if parts:
                if symbols[-1] != "sil":
                    symbols.append("#0")
                symbols += parts
        return symbols + ["sil"]

    def encode(self, text: str) -> list[int]:
        """The ids the acoustic model reads, ending with its end-of-sentence symbol."""
        return [self.ids[s] for s in self.phonemes(text)] + [self.ids["eos"]]
