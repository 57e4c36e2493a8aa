"""Lenient JSON: a small model's object, whatever it wrapped it in.

Code fences, Chinese quotes and colons, trailing commas and truncation by
``max_tokens`` are repaired; as a last resort the known fields are picked out one by
one. The caller learns whether anything was repaired.
"""

from __future__ import annotations

import json
import re


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
    candidate = text[start : end + 1] if end > start else text[start:]
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
