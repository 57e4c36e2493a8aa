"""Mulan: a seller's voice in, copy and posters out, all offline.

Public API: the pipeline, the data it passes between stages, and the errors a user can
act on. The CLI (``python -m assistant``), the Gradio page (``app.py``) and the tests
all go through these.
"""

from assistant.config import go_offline

go_offline()  # before any library that could reach a model hub is imported

from assistant.config import Settings  # noqa: E402
from assistant.contracts import Brief, Change, Copy, Piece, Transcript  # noqa: E402
from assistant.errors import ModelMissingError, UserError  # noqa: E402
from assistant.pipeline import MakeResult, Pipeline  # noqa: E402

__all__ = [
    "Brief",
    "Change",
    "Copy",
    "MakeResult",
    "ModelMissingError",
    "Piece",
    "Pipeline",
    "Settings",
    "Transcript",
    "UserError",
]
