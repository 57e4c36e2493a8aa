"""How her spoken words are made ready for copy: restarts, fillers and Cantonese."""

from __future__ import annotations

from assistant.contracts import Brief


def test_her_restarts_and_repeats_are_said_once():
    """copy_eval on session 8's held-out briefs: 那个花生, 一斤 and a whole sentence of hers were posted as said."""
    brief = Brief("这个是我们自己家的那个，那个花生，花生，今年新收的，一斤，一斤八块钱。")
    assert brief.spoken_text == "这个是我们自己家的，花生，今年新收的，一斤八块钱。"
    assert Brief("这个月底上市，三十五块一箱").spoken_text == "这个月底上市，三十五块一箱"  # this month stays


def test_cantonese_is_written_as_standard_chinese_and_mandarin_is_left_alone():
    assert Brief("呢啲系我自己种嘅菜心，好嫩㗎，五蚊一斤。").spoken_text == "这些是我自己种的菜心，好嫩，五块一斤。"
    assert Brief("关系户的大米，粮食").spoken_text == "关系户的大米，粮食"
