"""Where a seller posts: one module per platform, each registered here.

A platform module holds its rules (length, shape, hook, tags), the finisher that holds
the model's text to them, and the rule-based version that stands in when nothing
usable is left; its prompt is ``prompts/<id>.md``. A new platform is one module that
calls :func:`register_platform`, plus its prompt, and nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.contracts import Brief, Change, Copy
from assistant.language.text import visible_length


@dataclass
class Finished:
    """A platform's text after its rules and the checks.

    ``fields`` are Copy attributes to set instead of a post (the poster text sets its
    title, slogan, points and hashtags)."""

    text: str
    source: str  # "model", "model (repaired)" or "fallback"
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)


# (the model's raw text, the brief, the copy written so far) -> Finished
Finisher = Callable[[str, Brief, Copy], Finished]
# (a finished text 换一个 gave again unchanged, the brief, the attempt) -> another version of it
Variation = Callable[[str, Brief, int], str]


@dataclass(frozen=True)
class Platform:
    """One kind of copy.

    Attributes:
        id: the key in ``Copy.posts`` and the prompt file name (``prompts/<id>.md``).
        label: the name sellers know it by, shown in the UI.
        finish: holds the model's text to the rules; see :data:`Finisher`.
        max_tokens: generation budget; a little over the longest good answer, so a loop stops early.
        min_chars, max_chars: the length rule, in visible characters (0: no rule).
        repeat_penalty: llama.cpp's penalty also hits the brief's own words in the prompt;
            a shop title is made of those words, and with 1.1 the model swaps them for
            look-alikes (汁多 → 汇汁多, 咬 → 咯), so it gets none. Loops are cut in code.
        is_post: a text of its own in ``Copy.posts`` (the poster text is not).
        only_for_homestays: written only when the brief is about a homestay.
        vary: another version of a text, for when 换一个 samples the same one again (a shop
            title is her keywords, so two samples often come out alike); ``None``: sample again.
        quoted_chars: how much of her words the prompt quotes. 0: all of them. Otherwise a
            text longer than this is quoted as its clauses that sell (``common.key_clauses``),
            so a short text is written from her best points instead of her whole text copied.
        json_schema: the JSON schema its answer is decoded to (a JSON text), where the back-end
            can constrain decoding; "" for free text.
    """

    id: str
    label: str
    finish: Finisher
    max_tokens: int
    min_chars: int = 0
    max_chars: int = 0
    repeat_penalty: float = 1.1
    is_post: bool = True
    only_for_homestays: bool = False
    vary: Variation | None = None
    quoted_chars: int = 0
    json_schema: str = ""

    def follows_rules(self, text: str) -> bool:
        """The length rule (what bench/copy_eval.py reports)."""
        return self.min_chars <= visible_length(text) <= (self.max_chars or 10**9)

    def wanted_for(self, brief: Brief) -> bool:
        return brief.is_homestay or not self.only_for_homestays


PLATFORMS: dict[str, Platform] = {}


def register_platform(platform: Platform) -> Platform:
    """Add a platform; registration order is the order copy is written and shown in."""
    PLATFORMS[platform.id] = platform
    return platform


def default_platforms(brief: Brief) -> tuple[str, ...]:
    """Everything a seller of this brief would post: the homestay text only for homestays."""
    return tuple(p.id for p in PLATFORMS.values() if p.wanted_for(brief))


def follows_rules(platform: str, text: str) -> bool:
    return PLATFORMS[platform].follows_rules(text)


# The built-in platforms, in the order sellers see them. The poster text comes first:
# the posters need it, it is the quickest, and the 小红书 note reuses its hashtags.
from assistant.copywriting.platforms import poster  # noqa: E402,F401,I001
from assistant.copywriting.platforms import moments  # noqa: E402,F401
from assistant.copywriting.platforms import video  # noqa: E402,F401
from assistant.copywriting.platforms import xiaohongshu  # noqa: E402,F401
from assistant.copywriting.platforms import shop_title  # noqa: E402,F401
from assistant.copywriting.platforms import homestay  # noqa: E402,F401

TEXT_PLATFORMS = tuple(p.id for p in PLATFORMS.values() if p.is_post)
