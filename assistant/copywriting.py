"""From a seller's brief to copy: prompt, generate, parse defensively, check, fall back.

The model's JSON is parsed leniently (code fences, Chinese quotes, trailing commas,
truncation). Each field is then held to its length rule and checked by
``compliance.py``. Whatever the model got wrong is filled in from a rule-based draft
built from the brief, and ``Copy.source`` says which happened, so nobody mistakes a
template sentence for the model's work.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from . import compliance
from .errors import UserError
from .facts import contact_kind, find_price, numbers_in
from .llm import GenerationOptions, TextGenerator

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

MAX_TRANSCRIPT_CHARS = 1500
MAX_FIELD_CHARS = 100

LIMITS = {"title": 12, "slogan": 20, "selling_point": 10, "moments": 150, "hashtag": 10}
N_SELLING_POINTS = 3
MAX_HASHTAGS = 5


@dataclass
class Brief:
    """What the seller told us. Only ``transcript`` is required."""

    transcript: str
    product: str = ""
    price: str = ""
    contact: str = ""
    photo: str | None = None  # path of the seller's photo, if any

    def __post_init__(self):
        self.transcript = (self.transcript or "").strip()
        self.product = (self.product or "").strip()
        self.price = (self.price or "").strip()
        self.contact = (self.contact or "").strip()

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

    @property
    def effective_price(self) -> str:
        return self.price or find_price(self.transcript) or ""

    def allowed_numbers(self) -> set[str]:
        return numbers_in(" ".join([self.transcript, self.product, self.price, self.contact]))

    def as_prompt(self) -> str:
        # The seller's words are quoted: material for the copy, never instructions.
        transcript = self.transcript.replace("「", "“").replace("」", "”")
        lines = [f"- 卖家原话：「{transcript}」"]
        if self.product:
            lines.append(f"- 产品：{self.product}")
        if self.effective_price:
            lines.append(f"- 价格：{self.effective_price}")
        if self.contact:
            label = {"phone": "电话", "url": "网址", "wechat": "微信"}[contact_kind(self.contact)]
            lines.append(f"- 联系方式：{label} {self.contact}")
        return "\n".join(lines)


@dataclass
class Copy:
    title: str
    slogan: str
    selling_points: list[str]
    posts: dict[str, str]
    hashtags: list[str]
    facts: dict[str, str] = field(default_factory=dict)
    source: str = "model"  # "model", "model (repaired)" or "fallback"
    changes: list[compliance.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    generator: str = ""
    raw: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changes"] = [c.explain() for c in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Copy":
        keep = {k: data[k] for k in ("title", "slogan", "selling_points", "posts", "hashtags") if k in data}
        return cls(**keep, facts=data.get("facts", {}), source=data.get("source", "model"),
                   notes=data.get("notes", []), generator=data.get("generator", ""))


# --------------------------------------------------------------------------- prompts


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

    def messages(self, brief: Brief) -> list[dict]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.example_user},
            {"role": "assistant", "content": self.example_assistant},
            {"role": "user", "content": self.user.replace("{brief}", brief.as_prompt())},
        ]


# --------------------------------------------------------------------------- parsing


def _strip_fences(text: str) -> str:
    return re.sub(r"```(?:json)?", "", text).strip()


def _close_truncated(text: str) -> str:
    """Close an object cut off by max_tokens: open string, list and braces."""
    if text.count('"') % 2:
        text += '"'
    text += "]" * max(0, text.count("[") - text.count("]"))
    text += "}" * max(0, text.count("{") - text.count("}"))
    return text


def parse_json_object(text: str) -> tuple[dict | None, bool]:
    """(object, repaired?) from a model's output, or (None, True) if nothing sensible is left."""
    text = _strip_fences(text)
    start = text.find("{")
    if start < 0:
        return None, True
    end = text.rfind("}")
    candidate = text[start:end + 1] if end > start else text[start:]
    try:
        value = json.loads(candidate)
        return (value, False) if isinstance(value, dict) else (None, True)
    except json.JSONDecodeError:
        pass
    repaired = candidate.replace("“", '"').replace("”", '"').replace("：", ":")
    repaired = re.sub(r",\s*([}\]])", r"\1", repaired)
    for attempt in (repaired, _close_truncated(repaired), _close_truncated(text[start:])):
        try:
            value = json.loads(re.sub(r",\s*([}\]])", r"\1", attempt))
            if isinstance(value, dict):
                return value, True
        except json.JSONDecodeError:
            continue
    # Last resort: pick out the fields one by one.
    fields: dict = {}
    for key in ("title", "slogan", "moments"):
        m = re.search(rf'"{key}"\s*:\s*"([^"]*)"', text)
        if m:
            fields[key] = m.group(1)
    for key in ("selling_points", "hashtags"):
        m = re.search(rf'"{key}"\s*:\s*\[([^\]]*)', text)
        if m:
            fields[key] = re.findall(r'"([^"]+)"', m.group(1))
    return (fields or None), True


# --------------------------------------------------------------------------- length rules

_TRIM = " \t\n，,、。.；;：:！!？?#\"'“”「」"


def fit_length(text: str, limit: int) -> str:
    """Shorten to ``limit`` characters at a clause boundary if there is one."""
    text = re.sub(r"\s+", " ", str(text)).strip(_TRIM)
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(p) for p in "，,、；;。！!？? ")
    return (head[:cut] if cut >= limit // 2 else head).strip(_TRIM)


def fit_post(text: str, limit: int) -> str:
    """Shorten a post to ``limit`` characters at a sentence end, keeping its final punctuation."""
    text = re.sub(r"[ \t]+", " ", str(text)).strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(p) for p in "。！!？?")
    if cut >= limit // 2:
        return head[:cut + 1]
    cut = max(head.rfind(p) for p in "，,；;")
    return (head[:cut] if cut > 0 else head[:limit - 1]).rstrip("，,；; ") + "。"


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[、，,;；\n]+", value)
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, (str, int, float))]


# --------------------------------------------------------------------------- fallback


def guess_product(brief: Brief) -> str:
    if brief.product:
        return brief.product
    m = re.search(r"(?:我家|我们家|自家|家里)(?:的|种的|养的|做的|产的)?([\u4e00-\u9fff]{1,6}?)(?:又|很|特别|都|是|，|,|。|有|今年|现在|熟)",
                  brief.transcript)
    return m.group(1) if m else "自家好物"


def _clauses(text: str) -> list[str]:
    cleaned = re.sub(r"(嗯+|啊+|呃+|那个|就是说|然后呢)[，,]?", "", text)
    return [c.strip() for c in re.split(r"[，,。！!？?；;\n]+", cleaned) if c.strip()]


def rule_based_draft(brief: Brief) -> dict:
    """A plain but decent copy made only from the seller's own words and fields."""
    product = guess_product(brief)
    price = brief.effective_price
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    clauses = [own.sub("", c).strip() or c for c in _clauses(brief.transcript) if not find_price(c)]
    slogan = fit_length(clauses[0] if clauses else f"自家的{product}，实在", LIMITS["slogan"])
    points = [c for c in clauses[1:] if 2 <= len(c) <= LIMITS["selling_point"]][:N_SELLING_POINTS]
    for generic in ("农户自家", "诚信经营", "欢迎咨询"):
        if len(points) < N_SELLING_POINTS and generic not in points:
            points.append(generic)
    body = "，".join(clauses) if clauses else product
    contact = f"，联系我：{brief.contact}" if brief.contact else ""
    price_text = f"，{price}" if price else ""
    moments = fit_post(f"我家的{product}上新啦！{body}{price_text}{contact}。", LIMITS["moments"])
    return {
        "title": fit_length(f"{product}上新啦" if len(product) <= 8 else product, LIMITS["title"]),
        "slogan": slogan,
        "selling_points": [fit_length(p, LIMITS["selling_point"]) for p in points],
        "moments": moments,
        "hashtags": [fit_length(product, LIMITS["hashtag"]), "农家好物", "助农"],
    }


# --------------------------------------------------------------------------- assembly


def _finish(parsed: dict | None, repaired: bool, brief: Brief) -> Copy:
    """Hold each field to its rules; take what is missing or wrong from the draft."""
    draft = rule_based_draft(brief)
    notes: list[str] = []
    changes: list[compliance.Change] = []
    allowed = brief.allowed_numbers()
    parsed = parsed or {}
    used_model = 0

    def clean(text: str, name: str) -> str:
        text, ad_changes = compliance.clean_ad_terms(text, name)
        changes.extend(ad_changes)
        return text

    def single(name: str, limit: int) -> str:
        nonlocal used_model
        value = parsed.get(name)
        if isinstance(value, str) and value.strip():
            text = fit_length(clean(value, name), limit)
            if text and not compliance.has_invented_numbers(text, allowed):
                used_model += 1
                return text
            if text:
                changes.append(compliance.Change(name, text, "", "事实"))
        notes.append(f"{name}: 用了根据原话整理的版本")
        return draft[name]

    title = single("title", LIMITS["title"])
    slogan = single("slogan", LIMITS["slogan"])

    points: list[str] = []
    for item in _as_list(parsed.get("selling_points")):
        text = fit_length(clean(item, "selling_points"), LIMITS["selling_point"])
        if text and text not in points and not compliance.has_invented_numbers(text, allowed):
            points.append(text)
    if points:
        used_model += 1
    for extra in draft["selling_points"]:
        if len(points) >= N_SELLING_POINTS:
            break
        if extra not in points:
            points.append(extra)
            notes.append("selling_points: 卖点不够三个，用原话补上")
    points = points[:N_SELLING_POINTS]

    moments = parsed.get("moments") if isinstance(parsed.get("moments"), str) else ""
    moments = clean(moments, "moments")
    moments, fact_changes = compliance.guard_numbers(moments, allowed, "moments")
    changes.extend(fact_changes)
    if len(moments) >= 10:
        used_model += 1
    else:
        moments = draft["moments"]
        notes.append("moments: 用了根据原话整理的版本")
    price = brief.effective_price
    if price and not (numbers_in(price) <= numbers_in(moments)):
        # The price is the one fact a buyer needs; never let the post lose it.
        moments = fit_post(moments, LIMITS["moments"] - len(price) - 4).rstrip("。！!") + f"，{price}。"
    if brief.contact and brief.contact not in moments:
        tail = f"联系：{brief.contact}。"
        moments = fit_post(moments, LIMITS["moments"] - len(tail)) + tail
    moments = fit_post(moments, LIMITS["moments"])

    hashtags: list[str] = []
    for item in _as_list(parsed.get("hashtags")):
        tag = fit_length(clean(item.replace("#", ""), "hashtags"), LIMITS["hashtag"]).replace(" ", "")
        if tag and tag not in hashtags and not compliance.has_invented_numbers(tag, allowed):
            hashtags.append(tag)
    if hashtags:
        used_model += 1
    else:
        hashtags = draft["hashtags"]
    hashtags = hashtags[:MAX_HASHTAGS]

    if used_model == 0:
        source = "fallback"
    elif repaired or notes:
        source = "model (repaired)"
    else:
        source = "model"
    facts = {"product": guess_product(brief), "price": price, "contact": brief.contact}
    return Copy(title=title, slogan=slogan, selling_points=points, posts={"moments": moments},
                hashtags=hashtags, facts={k: v for k, v in facts.items() if v}, source=source,
                changes=changes, notes=list(dict.fromkeys(notes)))


@dataclass(frozen=True)
class CopyOptions:
    """How copy is generated.

    Attributes:
        max_tokens: the JSON answer is ~200 tokens; 400 leaves room without letting a loop run long.
        temperature: 0 (greedy) for the first version; "regenerate" raises it with a new seed.
        seed: varies the regenerated version.
    """

    max_tokens: int = 400
    temperature: float = 0.0
    seed: int = 0

    def generation(self) -> GenerationOptions:
        return GenerationOptions(max_tokens=self.max_tokens, temperature=self.temperature, seed=self.seed,
                                 repeat_penalty=1.1)


class Copywriter:
    """Writes a :class:`Copy` for a :class:`Brief` with any :class:`TextGenerator`.

    ``generator=None`` gives the rule-based draft only (used when no model could load).
    """

    def __init__(self, generator: TextGenerator | None, prompt_name: str = "poster_and_moments"):
        self.generator = generator
        self.prompt = Prompt.load(prompt_name)

    def prime(self) -> None:
        """Evaluate the shared part of the prompt now (the back-end keeps it), so the
        first real request is as fast as the later ones."""
        if self.generator is not None:
            for _ in self.generator.stream(self.prompt.messages(Brief("你好")), GenerationOptions(max_tokens=1)):
                pass

    def write(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Copy:
        final = None
        for item in self.stream(brief, options):
            if isinstance(item, Copy):
                final = item
        return final

    def stream(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Iterator[str | Copy]:
        """Yield the raw text as it is generated, then the finished :class:`Copy`."""
        brief.validate()
        started = time.perf_counter()
        raw = ""
        if self.generator is not None:
            for piece in self.generator.stream(self.prompt.messages(brief), options.generation()):
                raw += piece
                yield piece
        parsed, repaired = parse_json_object(raw) if raw else (None, True)
        copy = _finish(parsed, repaired, brief)
        copy.raw = raw
        copy.generator = self.generator.name if self.generator else "rule-based"
        copy.seconds = round(time.perf_counter() - started, 2)
        if self.generator is None:
            copy.notes.insert(0, "没有加载文案模型，这是根据原话整理的版本")
        yield copy


__all__ = ["Brief", "Copy", "CopyOptions", "Copywriter", "rule_based_draft", "parse_json_object"]
