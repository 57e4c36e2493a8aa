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
from copy import deepcopy
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator

from . import compliance
from .brief import MAX_FIELD_CHARS, MAX_TRANSCRIPT_CHARS, Brief
from .facts import numbers_in
from .llm import GenerationOptions, TextGenerator
from .platforms import (PLATFORMS, Finished, default_platforms, fallback_moments, finish, leaks_prompt, product_name,
                        seller_clauses)
from .text import fit_length, fit_post

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

LIMITS = {"title": 12, "slogan": 20, "selling_point": 10, "moments": 150, "hashtag": 10}
N_SELLING_POINTS = 3
MAX_HASHTAGS = 5


@dataclass
class Piece:
    """A piece of text as the model writes it, for showing progress."""

    platform: str
    text: str


@dataclass
class Copy:
    """Everything written for one brief. ``posts`` maps a platform id to its text."""

    title: str
    slogan: str
    selling_points: list[str]
    posts: dict[str, str]
    hashtags: list[str]
    facts: dict[str, str] = field(default_factory=dict)
    source: str = "model"  # "model", "model (repaired)" or "fallback", over all platforms
    sources: dict[str, str] = field(default_factory=dict)  # the same, per platform
    changes: list[compliance.Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    generator: str = ""
    raw: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    style: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changes"] = [c.explain() for c in self.changes]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Copy":
        keep = {k: data[k] for k in ("title", "slogan", "selling_points", "posts", "hashtags") if k in data}
        return cls(**keep, facts=data.get("facts", {}), source=data.get("source", "model"),
                   sources=data.get("sources", {}), notes=data.get("notes", []),
                   generator=data.get("generator", ""), style=data.get("style", ""))


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


# --------------------------------------------------------------------------- poster text


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[、，,;；\n]+", value)
    if not isinstance(value, list):
        return []
    return [str(v) for v in value if isinstance(v, (str, int, float))]


def poster_draft(brief: Brief) -> dict:
    """Poster text made only from the seller's own words and fields."""
    product = product_name(brief)
    own = re.compile(rf"^(?:我家|我们家|自家|家里)?(?:的|种的|养的|做的)?{re.escape(product)}")
    clauses = [own.sub("", c).strip() or c for c in seller_clauses(brief)]
    slogan = fit_length(clauses[0] if clauses else f"自家的{product}，实在", LIMITS["slogan"])
    points = [c for c in clauses[1:] if 2 <= len(c) <= LIMITS["selling_point"]][:N_SELLING_POINTS]
    for generic in ("农户自家", "诚信经营", "欢迎咨询"):
        if len(points) < N_SELLING_POINTS and generic not in points:
            points.append(generic)
    return {
        "title": fit_length(f"{product}上新啦" if len(product) <= 8 else product, LIMITS["title"]),
        "slogan": slogan,
        "selling_points": [fit_length(p, LIMITS["selling_point"]) for p in points],
        "hashtags": [fit_length(product, LIMITS["hashtag"]), "农家好物", "助农"],
    }


def rule_based_draft(brief: Brief) -> dict:
    """The whole fallback copy: poster text and a Moments post from the seller's words."""
    return {**poster_draft(brief), "moments": fallback_moments(brief)}


@dataclass
class PosterText:
    title: str
    slogan: str
    selling_points: list[str]
    hashtags: list[str]
    finished: Finished


def _repeats_a_point(text: str, points: list[str]) -> bool:
    """"汁多" next to "汁多味美", or "有六个房间" next to "六个房间": one says the other."""
    core = text.lstrip("有是很都还也")
    return any(core in p or p.lstrip("有是很都还也") in text for p in points)


def finish_poster(parsed: dict | None, repaired: bool, brief: Brief) -> PosterText:
    """Hold each field to its rules; take what is missing or wrong from the draft."""
    draft = poster_draft(brief)
    notes: list[str] = []
    changes: list[compliance.Change] = []
    parsed = parsed or {}
    used_model = 0

    def acceptable(text: str, name: str) -> str:
        """The text after the 广告法 pass, or "" if it states something the brief does not."""
        text, ad_changes = compliance.clean_ad_terms(text, name)
        changes.extend(ad_changes)
        kept = []
        for clause in re.split(r"(?<=[，,、])", text):  # "一斤十五块，包邮，品质保证": only the last clause goes
            found = compliance.problem(clause, brief.source, brief.allowed_numbers())
            if found:
                changes.append(compliance.Change(name, clause.strip("，,、 "), "", found[0], found[1]))
            else:
                kept.append(clause)
        return "".join(kept).strip("，,、 ")

    def single(name: str, limit: int) -> str:
        nonlocal used_model
        value = parsed.get(name)
        if isinstance(value, str) and value.strip():
            text = fit_length(acceptable(value, name), limit)
            if text:
                used_model += 1
                return text
        notes.append(f"{name}: 用了根据原话整理的版本")
        return draft[name]

    # A poster title is one phrase; "自家杏子，又大又甜" reads as two, so the comma becomes a space.
    parsed["title"] = re.sub(r"\s*[，,、]\s*", " ", parsed["title"]) if isinstance(parsed.get("title"), str) else None
    title = single("title", LIMITS["title"])
    slogan = single("slogan", LIMITS["slogan"])
    price_numbers = numbers_in(brief.effective_price)

    points: list[str] = []
    for item in _as_list(parsed.get("selling_points")):
        text = fit_length(acceptable(item, "selling_points"), LIMITS["selling_point"])
        repeats_price = price_numbers and numbers_in(text) & price_numbers  # the price has its own badge
        if text and not _repeats_a_point(text, points) and not repeats_price:
            points.append(text)
    if points:
        used_model += 1
    for extra in draft["selling_points"]:
        if len(points) >= N_SELLING_POINTS:
            break
        if not _repeats_a_point(extra, points):
            points.append(extra)
            notes.append("selling_points: 卖点不够三个，用原话补上")

    hashtags: list[str] = []
    for item in _as_list(parsed.get("hashtags")):
        tag = fit_length(acceptable(item.replace("#", ""), "hashtags"), LIMITS["hashtag"]).replace(" ", "")
        if tag and tag not in hashtags:
            hashtags.append(tag)
    if hashtags:
        used_model += 1
    else:
        hashtags = draft["hashtags"]

    source = "fallback" if used_model == 0 else "model (repaired)" if repaired or notes else "model"
    return PosterText(title, slogan, points[:N_SELLING_POINTS], hashtags[:MAX_HASHTAGS],
                      Finished("", source, changes, list(dict.fromkeys(notes))))


# --------------------------------------------------------------------------- the copywriter


@dataclass(frozen=True)
class CopyOptions:
    """How copy is generated.

    Attributes:
        platforms: which copy to write, in order; ``None`` means every platform the
            brief needs (the 民宿 introduction only for homestays). "poster" always
            comes first: the posters need it, and it is the quickest.
        temperature: 0 (greedy) for the first version; "换一个" raises it with a new seed.
        seed: varies the regenerated version.
    """

    platforms: tuple[str, ...] | None = None
    temperature: float = 0.0
    seed: int = 0

    def generation(self, platform: str) -> GenerationOptions:
        spec = PLATFORMS[platform]
        return GenerationOptions(max_tokens=spec.max_tokens, temperature=self.temperature, seed=self.seed,
                                 repeat_penalty=spec.repeat_penalty)

    def order(self, brief: Brief) -> list[str]:
        """The platforms to write for ``brief``, poster first, unknown ids left out."""
        wanted = self.platforms or default_platforms(brief)
        return ["poster", *[p for p in wanted if p != "poster" and p in PLATFORMS]]

    def regenerated(self, attempt: int) -> "CopyOptions":
        """A different version on purpose: sampled, with a seed per attempt."""
        return replace(self, temperature=0.8, seed=attempt)


def _overall(sources: dict[str, str]) -> str:
    values = set(sources.values())
    if values == {"fallback"}:
        return "fallback"
    return "model" if values == {"model"} else "model (repaired)"


class Copywriter:
    """Writes a :class:`Copy` for a :class:`Brief` with any :class:`TextGenerator`.

    ``generator=None`` gives the rule-based version only (used when no model could load).
    """

    def __init__(self, generator: TextGenerator | None):
        self.generator = generator
        self.prompts = {name: Prompt.load(name) for name in PLATFORMS}

    def prime(self, platforms: tuple[str, ...] = tuple(PLATFORMS)) -> None:
        """Evaluate the shared part of each prompt now (the back-end keeps it), so the
        first real request is as fast as the later ones."""
        if self.generator is not None:
            for name in platforms:
                for _ in self.generator.stream(self.prompts[name].messages(Brief("你好")), GenerationOptions(max_tokens=1)):
                    pass

    def write(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Copy:
        final = None
        for item in self.stream(brief, options):
            if isinstance(item, Copy):
                final = item
        return final

    def _generate(self, platform: str, brief: Brief, options: CopyOptions) -> Iterator[str]:
        if self.generator is None:
            return
        yield from self.generator.stream(self.prompts[platform].messages(brief), options.generation(platform))

    def stream(self, brief: Brief, options: CopyOptions = CopyOptions()) -> Iterator[Piece | Copy]:
        """Yield each :class:`Piece` as it is generated, and the :class:`Copy` so far
        after each platform; the last item is the finished copy."""
        brief.validate()
        order = options.order(brief)
        copy = Copy(title="", slogan="", selling_points=[], posts={}, hashtags=[], facts=brief.facts.as_dict(),
                    generator=self.generator.name if self.generator else "rule-based", style=brief.style)
        for platform in order:
            started = time.perf_counter()
            raw = ""
            for piece in self._generate(platform, brief, options):
                raw += piece
                yield Piece(platform, piece)
            if raw and leaks_prompt(raw, self.prompts[platform].system):
                copy.notes.append(f"{platform}: 模型没按要求写，换成了根据原话整理的版本")
                raw = ""
            if platform == "poster":
                parsed, repaired = parse_json_object(raw) if raw else (None, True)
                poster = finish_poster(parsed, repaired, brief)
                copy.title, copy.slogan = poster.title, poster.slogan
                copy.selling_points, copy.hashtags = poster.selling_points, poster.hashtags
                result = poster.finished
            else:
                result = finish(platform, raw, brief, copy.hashtags)
                copy.posts[platform] = result.text
            copy.raw[platform] = raw
            copy.sources[platform] = result.source
            copy.changes.extend(result.changes)
            copy.notes.extend(result.notes)
            copy.seconds[platform] = round(time.perf_counter() - started, 2)
            copy.source = _overall(copy.sources)
            if self.generator is None and platform == order[-1]:
                copy.notes.insert(0, "没有加载文案模型，这是根据原话整理的版本")
            yield deepcopy(copy)  # a snapshot: the consumer may keep it while the next platform is written


__all__ = ["Brief", "Copy", "CopyOptions", "Copywriter", "Piece", "rule_based_draft", "parse_json_object",
           "fit_length", "fit_post", "MAX_FIELD_CHARS", "MAX_TRANSCRIPT_CHARS"]
