"""The one reader of the stages' tab-separated word lists."""

from __future__ import annotations

from assistant.datafiles import longest_first, table_rows


def test_rows_skip_comments_blanks_and_the_header_and_are_padded(tmp_path):
    path = tmp_path / "words.tsv"
    path.write_text("# heard\tmeant\nheard\tmeant\n\n包油\t包邮 \n啦\n", encoding="utf-8")
    assert table_rows(path, 2, header=True) == [("包油", "包邮"), ("啦", "")]
    # Without a header the first row is data; cells beyond ``columns`` are cut.
    assert table_rows(path, 1) == [("heard",), ("包油",), ("啦",)]


def test_longest_first_puts_the_longer_phrase_before_its_part():
    assert longest_first([("系", "是"), ("呢啲系", "这些是")])[0] == ("呢啲系", "这些是")
