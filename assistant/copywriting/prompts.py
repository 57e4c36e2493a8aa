"""Prompts are data: ``prompts/<platform>.md``, each with a system text and one worked example.

One worked example fixes most of what small models get wrong (looping hashtags,
echoing the input); see DESIGN.md. The example shown is the library's closest to her brief
(``examples/``) when there is one, else the prompt file's own. The seller's brief is given
as the reading of her words, with her words quoted as material, never as instructions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assistant.contracts import Brief, styles
from assistant.copywriting.examples import Example
from assistant.language.facts import contact_label
from assistant.language.reading import LISTING
from assistant.language.text import han_count

PROMPTS_DIR = Path(__file__).resolve().parent.parent.parent / "prompts"


def brief_prompt(brief: Brief, quoted_chars: int = 0) -> str:
    """The brief as the prompt shows it: the reading of her words, one slot a line, then her
    own words (the voice to write in), then the style.

    The slots come first and carry what a buyer needs (the plain product, the price with its
    起, her shipping condition), so the model writes from them, not from her raw text. A
    keyword listing pasted from a shop is not quoted at all: the 1.5B model pasted it back.
    ``quoted_chars``: a longer text of hers is quoted as its clauses that sell (the platform's
    ``quoted_chars``); the slots still come from all of it."""
    reading = brief.reading
    price = ""
    if brief.effective_price:
        notes = [n for n in reading.price_note.split("，") if n and n != "起"]
        said = reading.price_said if reading.price == brief.effective_price else brief.effective_price
        if reading.prices:  # 大的80元/个；小的60元/个: every price, each with what it is for
            said = "；".join(reading.prices) + ("（起）" if reading.price_note.startswith("起") else "")
        price = "，".join([said, *notes])
    lines = []
    for label, value in (
        ("产品", brief.product or reading.product),
        ("品种", reading.variety),
        ("产地", reading.place),
        ("价格", price),
        ("规格", reading.pack),
        ("运费", reading.shipping),
        ("采摘时间", reading.harvest),
        # Only a listing's keywords: from speech the phrases are cut where she may not have
        # paused (东阳的, 我爸编的编了), and her words are quoted below anyway.
        ("她说的卖点", "、".join(reading.selling[:5]) if reading.input == LISTING else ""),
        ("来历", reading.story),
        ("适合", reading.suits),
    ):
        if value:
            lines.append(f"- {label}：{value}")
    if brief.contact:
        lines.append(f"- 联系方式：{contact_label(brief.contact)} {brief.contact}")
    if reading.input != LISTING:
        # Her words are quoted as material, never as instructions; the cleaned words, or the
        # model copies "嗯，那个" into the copy.
        transcript = brief.spoken_text
        if quoted_chars and han_count(transcript) > quoted_chars:
            from assistant.copywriting.platforms.common import key_clauses  # platforms import this module

            transcript = "，".join(key_clauses(brief, quoted_chars)) or transcript
        lines.append(f"- 卖家原话：「{transcript.replace('「', '“').replace('」', '”')}」")
    description = styles().get(brief.style, "")
    lines.append(f"- 风格：{brief.style}（{description}）" if description else f"- 风格：{brief.style}")
    return "\n".join(lines)


def example_answer(example: Example, platform: str) -> str:
    """An example's text for ``platform`` as the model should answer: the poster as JSON."""
    text = example.text(platform)
    if isinstance(text, dict):
        keys = ("title", "slogan", "selling_points", "hashtags")
        return json.dumps({k: text.get(k, [] if k.endswith("s") else "") for k in keys}, ensure_ascii=False)
    return str(text)


@dataclass(frozen=True)
class Prompt:
    system: str
    example_user: str
    example_assistant: str
    user: str
    name: str = ""  # the platform: which of an example's texts is the answer

    @classmethod
    def load(cls, name: str, folder: Path = PROMPTS_DIR) -> "Prompt":
        text = (folder / f"{name}.md").read_text(encoding="utf-8")
        sections: dict[str, str] = {}
        current = None
        for line in text.splitlines():
            if line.startswith("## "):
                current = line[3:].strip().replace(" ", "_")
                sections[current] = ""
            elif current:
                sections[current] += line + "\n"
        return cls(**{k: v.strip() for k, v in sections.items()}, name=name)

    def messages(self, brief: Brief, quoted_chars: int = 0, example: Example | None = None) -> list[dict]:
        """The chat for ``brief``: the system text, one worked example (``example`` from the
        library, written the same way as hers; else the prompt file's own), her brief."""
        if example is not None:
            shown = self.user.replace("{brief}", brief_prompt(example.brief, quoted_chars))
            answer = example_answer(example, self.name)
        else:
            shown, answer = self.example_user, self.example_assistant
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": shown},
            {"role": "assistant", "content": answer},
            {"role": "user", "content": self.user.replace("{brief}", brief_prompt(brief, quoted_chars))},
        ]
