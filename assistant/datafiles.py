"""Reading the tab-separated word lists that every stage keeps in its ``data/`` folder.

They share one shape, so they share one reader: one row a line, cells separated by tabs,
blank lines and ``#`` comments skipped, and an optional header row naming the columns.
"""

from __future__ import annotations

from pathlib import Path


def table_rows(path: Path, columns: int, header: bool = False) -> list[tuple[str, ...]]:
    """The rows of ``path``, each cut or padded with "" to ``columns`` stripped cells.

    ``header``: the first row names the columns (``heard	meant``) and is not data.
    """
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        rows.append(tuple((cells + [""] * columns)[:columns]))
    return rows


def longest_first(pairs: list[tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """``pairs`` with the longest first cell first, so 呢啲系 is replaced before 系."""
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))
