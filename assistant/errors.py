"""Errors the user can act on.

Every failure caused by user input is a :class:`UserError` carrying a plain-Chinese
sentence for the seller and an English one for logs and trainers. The CLI prints
both on one line and exits non-zero; the UI shows the Chinese one.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or set-up, explained in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def one_line(self) -> str:
        return f"{self.zh} / {self.en}".replace("\n", " ")


class ModelMissingError(UserError):
    """An embedded weight package or a configured model path is not there."""


class TemplateError(UserError):
    """A poster template, layout or sizes file is malformed; the message names the file and the field.

    Templates are data that a trainer may write, so this is hers to fix, not a crash.
    """

    def __init__(self, message: str):
        super().__init__(f"海报模板文件有问题：{message}", message)


class FontMissingError(UserError):
    """The Chinese font package is not installed, so no poster can be drawn."""


class ServerUnavailableError(UserError):
    """The model server did not answer, or answered with an error, or stopped mid-answer.

    The copywriter answers it with the rule-based copy, honestly labelled, and tries the
    server again on the next request: the page recovers by itself when the server is back.
    """
