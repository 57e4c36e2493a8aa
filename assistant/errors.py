"""Errors the user can act on.

Every failure caused by user input is a :class:`UserError` carrying a plain-Chinese
sentence for the seller and an English one for logs and trainers. The CLI prints
both on one line and exits non-zero; the UI shows the Chinese one.
"""

from __future__ import annotations

import errno
import sqlite3


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


class StorageFullError(UserError):
    """The data folder's disk is full: what she made before is intact, this one was not kept."""

    def __init__(self, detail: str = ""):
        super().__init__(
            "存储空间满了，这次的没有存上。请在「历史」里删掉几条旧的，或者清理一下这台电脑，再点一次。"
            "以前做好的都还在。",
            f"The disk holding the data folder is full{': ' + detail if detail else ''}.",
        )


def is_storage_full(exc: BaseException) -> bool:
    """ENOSPC or a quota from the OS, SQLITE_FULL (or the I/O error it can show as) from SQLite."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(
        words in str(exc) for words in ("database or disk is full", "disk I/O error")
    )
