"""The 广告法 pass and the fact guard: any width, her own claims kept, unstated qualities dropped."""

from __future__ import annotations

import pytest

from assistant.contracts import Brief
from assistant.copywriting import compliance
from assistant.language.facts import numbers_in, places_in


@pytest.mark.parametrize("disguised", ["100％还原", "１００%还原", "１００％还原", "百分之百还原", "百分之百還原"])
def test_forbidden_terms_are_found_and_removed_in_any_width(disguised):
    assert compliance.forbidden_terms(disguised)
    cleaned, changes = compliance.clean_ad_terms(f"老味道，{disguised}。", "moments")
    assert cleaned in ("老味道，还原。", "老味道，還原。") and not compliance.forbidden_terms(cleaned), cleaned
    assert changes and changes[0].before in disguised


def test_chinese_punctuation_is_kept_when_terms_are_cleaned():
    cleaned, _ = compliance.clean_ad_terms("杏子最甜！（自家种的）", "moments")
    assert cleaned == "杏子很甜！（自家种的）"


def test_full_width_digits_are_numbers():
    assert numbers_in("一斤１５元") == {"1", "15"}


@pytest.mark.parametrize(
    "said, written",
    [
        ("我家的苹果没打农药，十块钱一斤", "苹果不打农药，放心给孩子吃。"),
        ("我家的苹果没打农药，十块钱一斤", "没打农药，吃得放心。"),
        ("菜都是自己种的，不用化肥", "我家的菜没用化肥，吃着放心。"),
        ("杏子又大又甜，核很小", "杏子个头大，核小肉多。"),
    ],
)
def test_a_claim_she_made_in_other_words_is_hers(said, written):
    brief = Brief(said)
    kept, changes = compliance.guard_facts(written, brief.source, brief.allowed_numbers(), "moments")
    assert kept == written and changes == []


@pytest.mark.parametrize(
    "said, written, word",
    [
        ("我家的杏子很甜，一斤十五块", "杏子果大核小，甜中带酸。", "果大核小"),
        ("山东大葱新鲜5斤包邮", "大葱酸甜可口，家家爱吃。", "酸甜"),
        ("羊肚菌，山里采的", "羊肚菌营养价值高，炖汤好喝。", "营养价值高"),
        ("苹果很甜", "苹果不打农药，放心吃。", "不打农药"),
    ],
)
def test_a_quality_or_claim_she_never_made_is_dropped_and_explained(said, written, word):
    brief = Brief(said)
    kept, changes = compliance.guard_facts(written, brief.source, brief.allowed_numbers(), "moments")
    assert word not in kept
    assert changes and changes[0].detail in written and "没" in changes[0].explain(), changes


def test_speech_around_a_village_is_not_a_place_name():
    assert places_in("小时候我们吃过村里的老杏树结的杏子") == set()
    assert places_in("杏子是陕西万荣县的") == {"陕西万荣县"}


def test_traditional_characters_are_read_as_simplified_by_every_check():
    assert compliance.forbidden_terms("國家級好茶") and compliance.forbidden_terms("獨一無二的味道")
    cleaned, _ = compliance.clean_ad_terms("獨一無二的味道", "moments")
    assert "獨一無二" not in cleaned
    brief = Brief("我家的蜂蜜，一斤八十")
    kept, changes = compliance.guard_facts("蜂蜜能降血壓。好吃。", brief.source, brief.allowed_numbers(), "moments")
    assert kept == "好吃。" and changes[0].reason == "功效"
