"""The data the stages pass each other survives the history's JSON whole."""

from __future__ import annotations

import json

from assistant.contracts import Brief, Change, Copy


def test_copy_round_trips_every_field_through_json():
    copy = Copy(
        title="杏子熟了",
        slogan="又大又甜",
        selling_points=["个大", "味甜", "包邮"],
        posts={"moments": "我家杏子熟了，一斤十五块。"},
        hashtags=["杏子"],
        facts={"product": "杏子", "price": "15元/斤"},
        source="model (repaired)",
        sources={"poster": "model", "moments": "model (repaired)"},
        changes=[Change("moments", "全网最甜", "很甜", "广告法"), Change("poster", "新疆杏子", "", "地名", "新疆")],
        notes=["selling_points: 卖点不够三个，用原话补上"],
        generator="llama.cpp:qwen",
        raw={"moments": "我家杏子全网最甜"},
        seconds={"poster": 5.1, "moments": 4.2},
        style="热情",
    )
    again = Copy.from_dict(json.loads(json.dumps(copy.to_dict(), ensure_ascii=False)))
    assert again == copy


def test_changes_saved_by_the_older_version_are_still_shown():
    # Before changes were kept whole, the history saved only their sentence.
    old = Copy.from_dict({"title": "t", "changes": ["为了符合广告法，已删去「最」"]})
    assert [c.explain() for c in old.changes] == ["为了符合广告法，已删去「最」"]
    assert old.slogan == "" and old.posts == {} and old.selling_points == []


def test_poster_edits_make_a_new_copy_and_blank_fields_keep_what_was_written():
    copy = Copy("杏子熟了", "又大又甜", ["个大", "味甜", "包邮"], {"moments": "x"}, ["杏子"])
    edited = copy.with_poster_edits("我的杏子", "", "甜\n\n 大 \n")
    assert (edited.title, edited.slogan, edited.selling_points) == ("我的杏子", "又大又甜", ["甜", "大"])
    assert copy.title == "杏子熟了" and edited.posts == copy.posts  # the written copy is untouched


def test_brief_round_trips_and_ignores_unknown_keys():
    brief = Brief("我家的杏子", product="杏子", price="15元/斤", contact="xingzi_88", photo="/p.jpg", style="热情")
    assert Brief.from_dict({**brief.to_dict(), "from_a_newer_version": 1}) == brief
    assert Brief.from_dict({"transcript": "x", "style": ""}).style == "朴实"
