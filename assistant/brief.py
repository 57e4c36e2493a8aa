"""What the seller told us, and the facts the copy may use."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .facts import Facts, contact_kind, extract_facts, find_price, numbers_in
from .text import fix_mishearings, remove_fillers

MAX_TRANSCRIPT_CHARS = 1500
MAX_FIELD_CHARS = 100
STYLES_FILE = Path(__file__).resolve().parent.parent / "prompts" / "styles.tsv"
DEFAULT_STYLE = "朴实"


def styles() -> dict[str, str]:
    """Style name → the description the prompt gets ("热情" → "语气亲切，…")."""
    rows = {}
    for line in STYLES_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("name\t"):
            name, _, description = line.partition("\t")
            rows[name.strip()] = description.strip()
    return rows


@dataclass
class Brief:
    """What the seller told us. Only ``transcript`` is required."""

    transcript: str
    product: str = ""
    price: str = ""
    contact: str = ""
    photo: str | None = None  # path of the seller's photo, if any
    style: str = DEFAULT_STYLE
    _facts: Facts | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.transcript = (self.transcript or "").strip()
        self.product = (self.product or "").strip()
        self.price = (self.price or "").strip()
        self.contact = (self.contact or "").strip()
        self.style = (self.style or DEFAULT_STYLE).strip()

    def validate(self) -> None:
        if not self.transcript and not self.product:
            raise UserError("请先说一说或写一写要卖的东西。", "The brief is empty: say or type what you sell.")
        if len(self.transcript) > MAX_TRANSCRIPT_CHARS:
            raise UserError(
                f"文字太长了（{len(self.transcript)} 字），请控制在 {MAX_TRANSCRIPT_CHARS} 字以内。",
                f"The text is too long ({len(self.transcript)} characters); the limit is {MAX_TRANSCRIPT_CHARS}.",
            )
        for label, value in (("产品名", self.product), ("价格", self.price), ("联系方式", self.contact)):
            if len(value) > MAX_FIELD_CHARS:
                raise UserError(f"「{label}」太长了，请控制在 {MAX_FIELD_CHARS} 字以内。",
                                f"The {label} field is longer than {MAX_FIELD_CHARS} characters.")
        if self.style not in styles():
            raise UserError(f"不认识的风格「{self.style}」，可选：{'、'.join(styles())}。",
                            f"Unknown style {self.style!r}; choose one of {', '.join(styles())}.")

    @property
    def effective_price(self) -> str:
        return self.price or find_price(self.transcript) or ""

    @property
    def facts(self) -> Facts:
        if self._facts is None:
            self._facts = extract_facts(fix_mishearings(self.transcript), self.product, self.effective_price, self.contact)
        return self._facts

    @property
    def source(self) -> str:
        """Everything the seller said or typed: the copy may state nothing else."""
        return " ".join([self.transcript, self.product, self.price, self.contact])

    @property
    def spoken_text(self) -> str:
        """The transcript as copy may reuse it: filler (嗯，那个) out, misheard selling words (包油) fixed."""
        return fix_mishearings(remove_fillers(self.transcript))

    def allowed_numbers(self) -> set[str]:
        return numbers_in(self.source)

    @property
    def is_homestay(self) -> bool:
        return bool(re.search(r"民宿|客栈|农家乐|住宿|客房|房间|入住|一晚", self.source))

    def as_prompt(self) -> str:
        # The seller's words are quoted: material for the copy, never instructions.
        # The cleaned words, or the model copies "嗯，那个" into the copy.
        transcript = self.spoken_text.replace("「", "“").replace("」", "”")
        facts = self.facts
        lines = [f"- 卖家原话：「{transcript}」"]
        for label, value in (("产品", self.product), ("价格", self.effective_price), ("重量", facts.weight),
                             ("产地", facts.place), ("品种", facts.variety), ("采摘时间", facts.harvest),
                             ("运费", facts.shipping)):
            if value:
                lines.append(f"- {label}：{value}")
        if self.contact:
            label = {"phone": "电话", "url": "网址", "wechat": "微信"}[contact_kind(self.contact)]
            lines.append(f"- 联系方式：{label} {self.contact}")
        description = styles().get(self.style, "")
        lines.append(f"- 风格：{self.style}（{description}）" if description else f"- 风格：{self.style}")
        return "\n".join(lines)
