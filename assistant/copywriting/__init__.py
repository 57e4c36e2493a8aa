"""Copywriting stage: a :class:`~assistant.contracts.Brief` in, a :class:`~assistant.contracts.Copy` out.

``copywriter.py`` runs the prompts (``prompts.py``) through any text generator, each
platform in ``platforms/`` finishes its own text, ``compliance.py`` keeps it legal and
true to the brief, and ``lenient_json.py`` reads what a small model writes.
"""

from assistant.copywriting.copywriter import CopyOptions, Copywriter, rule_based_draft
from assistant.copywriting.platforms import PLATFORMS, TEXT_PLATFORMS, default_platforms, follows_rules

__all__ = [
    "PLATFORMS",
    "TEXT_PLATFORMS",
    "CopyOptions",
    "Copywriter",
    "default_platforms",
    "follows_rules",
    "rule_based_draft",
]
