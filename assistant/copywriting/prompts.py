"""Prompts are data: ``prompts/<platform>.md``, each with a system text and one worked example.

One worked example fixes most of what small models get wrong (looping hashtags,
echoing the input); see DESIGN.md. The seller's brief is quoted into the user turn as
material, never as instructions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.contracts import Brief, styles
from assistant.language.facts import contact_label
from assistant.language.text import han_count

PROMPTS_DIR = Path(__file__).resolve().parent.parent.parent / "prompts"


def brief_prompt(brief: Brief, quoted_chars: int = 0) -> str:
    """The brief as the prompt shows it: her cleaned words, then the facts, one per line.

    ``quoted_chars``: when her words are longer than this, only her clauses that sell are
    quoted (the platform's ``quoted_chars``); the facts below still come from all of them."""
    # The seller's words are quoted: material for the copy, never instructions.
    # The cleaned words, or the model copies "嗯，那个" into the copy.
    transcript = brief.spoken_text
    if quoted_chars and han_count(transcript) > quoted_chars:
        from assistant.copywriting.platforms.common import key_clauses  # platforms import this module

        transcript = "，".join(key_clauses(brief, quoted_chars)) or transcript
    transcript = transcript.replace("「", "“").replace("」", "”")
    facts = brief.facts
    lines = [f"- 卖家原话：「{transcript}」"]
    for label, value in (
        ("产品", brief.product),
        ("价格", brief.effective_price),
        ("重量", facts.weight),
        ("产地", facts.place),
        ("品种", facts.variety),
        ("采摘时间", facts.harvest),
        ("运费", facts.shipping),
    ):
        if value:
            lines.append(f"- {label}：{value}")
    if brief.contact:
        lines.append(f"- 联系方式：{contact_label(brief.contact)} {brief.contact}")
    description = styles().get(brief.style, "")
    lines.append(f"- 风格：{brief.style}（{description}）" if description else f"- 风格：{brief.style}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Prompt:
    system: str
    example_user: str
    example_assistant: str
    user: str

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
        return cls(**{k: v.strip() for k, v in sections.items()})

    def messages(self, brief: Brief, quoted_chars: int = 0) -> list[dict]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.example_user},
            {"role": "assistant", "content": self.example_assistant},
            {"role": "user", "content": self.user.replace("{brief}", brief_prompt(brief, quoted_chars))},
        ]
