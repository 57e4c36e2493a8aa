"""Mulan: a seller's voice in, copy and posters out, all offline.

Public API: the pipeline and its stages. The CLI (``python -m assistant``), the Gradio
UI (``app.py``) and the tests all go through these.
"""

import os

# Offline by construction: no library may try a model hub or send analytics.
for _name, _value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("HF_HUB_DISABLE_TELEMETRY", "1"),
                      ("GRADIO_ANALYTICS_ENABLED", "False"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_name, _value)

from .config import Settings  # noqa: E402
from .copywriting import Brief, Copy, CopyOptions, Copywriter  # noqa: E402
from .errors import ModelMissingError, UserError  # noqa: E402
from .pipeline import Assistant, MakeResult  # noqa: E402
from .poster import Poster, Renderer  # noqa: E402
from .templates import Template, get_template, list_templates  # noqa: E402
from .speech import SpeechOptions, Transcriber, Transcript  # noqa: E402

__all__ = [
    "Assistant", "MakeResult", "Settings", "Brief", "Copy", "CopyOptions", "Copywriter",
    "UserError", "ModelMissingError", "Poster", "Renderer", "Template", "get_template", "list_templates",
    "SpeechOptions", "Transcriber", "Transcript",
]
