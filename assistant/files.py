"""Files appear whole or not at all: each is written under a temporary name, then renamed.

A browser downloading a poster, a history reopened after a power cut or a phone reading
the certificate never meets half a file.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import time
import unicodedata
import wave
from pathlib import Path

import numpy as np

TMP_SUFFIX = ".tmp"  # a file being written; renamed into place when whole


def write_atomically(path: Path, data: bytes | str, private: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``; ``private`` makes it readable by its owner only."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666), "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half file behind
        raise
    return path


def write_all_atomically(files: list[tuple[Path, bytes]]) -> list[Path]:
    """Write every file aside first and rename them only when all are whole, so a full disk
    half-way leaves the earlier set as it was, not a new poster beside old sizes."""
    written: list[Path] = []
    try:
        for path, data in files:
            tmp = path.with_name(path.name + TMP_SUFFIX)
            written.append(tmp)
            tmp.write_bytes(data)
    except BaseException:
        for tmp in written:
            tmp.unlink(missing_ok=True)
        raise
    for (path, _), tmp in zip(files, written):
        tmp.replace(path)
    return [path for path, _ in files]


def copy_atomically(source: Path, target: Path) -> Path:
    tmp = target.with_name(target.name + TMP_SUFFIX)
    try:
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def remove_leftovers(folder: Path, older_than_s: float = 600) -> int:
    """Delete the half-written files a killed process left (only ours: ``*.tmp``, and only
    old ones: another process may be writing a new one); returns how many."""
    removed, now = 0, time.time()
    for leftover in folder.rglob("*" + TMP_SUFFIX):
        if leftover.is_file() and not leftover.is_symlink() and now - leftover.stat().st_mtime > older_than_s:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """16-bit mono WAV of float samples in [-1, 1], with the standard library."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


# A file name the seller can read and sort, built from her words (杏子-朋友圈.png): only
# Chinese characters, letters and digits survive, so no path, dot or control character can.
READABLE_NAME = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z_\u4e00-\u9fff.-]{0,119}$")


def readable_stem(text: str, fallback: str, limit: int = 12) -> str:
    """``text`` as part of a file name: "杏子（大）" → "杏子大"; ``fallback`` when nothing is left."""
    kept = "".join(
        c for c in unicodedata.normalize("NFKC", text) if c.isascii() and c.isalnum() or "\u4e00" <= c <= "\u9fff"
    )
    return kept[:limit] or fallback


def fingerprints(paths: list[Path]) -> set[tuple[int, str]]:
    """(size, sha256) of each file: how a copy of it is found again, whatever its name."""
    found = set()
    for path in paths:
        if path.is_file():
            found.add((path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()))
    return found


def remove_copies(of: set[tuple[int, str]], folder: Path) -> int:
    """Delete every file under ``folder`` with one of these fingerprints (Gradio's cached
    copies of a deleted entry's posters, photo and video), and the folders left empty."""
    if not of or not folder.is_dir():
        return 0
    sizes, removed = {size for size, _ in of}, 0
    for path in list(folder.rglob("*")):  # listed first: emptied folders go as it runs
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size not in sizes:
                continue
            if (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()) in of:
                path.unlink()
                removed += 1
                if not any(path.parent.iterdir()) and path.parent != folder:
                    path.parent.rmdir()
        except OSError:
            continue  # another request is serving or cleaning it
    return removed
