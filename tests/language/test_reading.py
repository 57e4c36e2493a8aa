"""The reading: her words as slots, once per brief (issue 28)."""

from __future__ import annotations

import pytest

from assistant.contracts import Brief
from assistant.language.reading import LISTING, POST, SPOKEN


def reading(text: str):
    return Brief(text).reading


def test_a_keyword_listing_is_read_as_a_listing_with_its_plain_product():
    r = reading("枸杞宁夏中宁头茬红枸杞干货包邮500g")
    assert (r.input, r.product, r.pack, r.shipping) == (LISTING, "枸杞", "500g", "包邮")
    assert "宁夏" in r.place


def test_a_spoken_sentence_and_a_long_post_are_told_apart():
    assert reading("我家的杏子又大又甜，一斤十五块，包邮").input == SPOKEN
    post = (
        "今年的新米下来了，是我们五常自己家地里种的稻花香，一年只种一季，用的是山泉水，"
        "煮出来的饭有一股清香，不放菜也能吃一碗。十斤一袋一百二。"
    )
    assert reading(post).input == POST


def test_the_price_keeps_its_from_and_the_shipping_its_condition():
    r = reading("我们的枸杞九块九一斤起，买两袋包邮")
    assert (r.price, r.price_note, r.price_said) == ("9.9元/斤", "起", "9.9元/斤起")
    assert r.shipping == "买两袋包邮"


@pytest.mark.parametrize(
    "text, note",
    [
        ("茂名荔枝妃子笑十五块一斤五斤起发，顺丰冷链", "五斤起发"),  # the least order
        ("土鸡蛋一个一块五三十个起卖", "三十个起卖"),  # 三十, not 五三十 of 一块五
        ("坝上露营帐篷一晚上两百八，晚上能看星星，烧烤另算", "烧烤另算"),  # what costs on top
        ("草莓采摘园三十五一斤，进园不要钱", "进园不要钱"),  # what is free
        ("郫县豆瓣酱 500g 买3送1 ¥19.9", "买3送1"),
        ("雪乡民宿一晚上一百五一个人 管早饭", "管早饭"),
    ],
)
def test_the_conditions_of_her_price_are_kept_as_she_said_them(text, note):
    assert note in reading(text).price_note.split("，")


def test_a_least_order_for_free_shipping_is_the_shippings_not_the_prices():
    r = reading("湛江大虾一盒九十九，三盒起包邮")
    assert (r.price_note, r.shipping) == ("", "三盒起包邮")


@pytest.mark.parametrize(
    "text, variety",
    [
        ("新疆阿克苏冰糖心苹果10斤整箱脆甜", "冰糖心"),
        ("攀枝花的芒果凯特芒九块九起", "凯特"),  # a mango's 凯特
        ("温县的铁棍山药，一箱五斤装一百块钱", "铁棍"),
        ("我家的猫叫凯特，苹果一斤五块", ""),  # 凯特 is no apple's
        ("秦岭槐花蜜，一斤六十", ""),  # all of her product's name, not a variety of it
    ],
)
def test_the_variety_is_one_of_her_goods_kind(text, variety):
    assert reading(text).variety == variety


def test_each_price_keeps_the_size_it_is_for():
    r = reading("潜江小龙虾，三到五钱的二十五一斤，五钱以上的三十五一斤")
    assert r.prices == ("3到5钱的25元/斤", "5钱以上的35元/斤")  # not 钱的25元/斤


def test_her_no_free_shipping_is_read_as_such():
    assert reading("娃娃菜一箱三十五，不包邮，自己来拉").shipping == "不包邮"


@pytest.mark.parametrize(
    "text, product, stay",
    [
        ("我家民宿在洱海边上，一晚三百八，两个人，含早餐", "民宿", True),
        ("我们家民俗在婺源，房间一百八一晚", "民宿", True),  # misheard 民俗
        ("平谷的大桃采摘园开了，门票二十一个人", "采摘园", False),  # a visit, not a stay
        ("自家院子里种的葡萄，没打药，皮薄", "葡萄", False),
    ],
)
def test_a_homestay_is_recognised_and_a_picking_garden_is_no_stay(text, product, stay):
    r = reading(text)
    assert (r.product, r.is_homestay) == (product, stay)


def test_her_selling_words_are_hers_without_price_shipping_or_contact():
    r = reading("我家的水蜜桃，汁多，咬一口就流水，五斤一箱四十八块，顺丰发货，电话13912340001")
    assert "汁多" in r.selling
    assert not any(w in "".join(r.selling) for w in ("四十八", "顺丰", "139"))


def test_a_misheard_breed_is_read_as_she_meant_it():
    assert reading("我们家养的乌鸦，黑脚黑骨头的，一只八十五").product == "乌鸡"


@pytest.mark.parametrize(
    "said, price, spoken",
    [
        # A price said straight into a count: 60 a jin and 两斤包邮, not 62 jin and no price.
        ("山里的土蜂蜜一斤六十两斤包油", "60元/斤", "一斤六十，两斤包邮"),
        ("秦岭土蜂蜜，一斤八十八两斤起卖包邮", "88元/斤", "一斤八十八，两斤起卖"),
        # 两 after one numeral, or inside a number, is no count of its own.
        ("小米买一两斤就够吃了，一斤十二", "12元/斤", "买一两斤"),
        ("今年收了一千两百斤玉米，一斤一块五", "1.5元/斤", "一千两百斤"),
    ],
)
def test_a_price_said_straight_into_a_count_is_two_facts(said, price, spoken):
    brief = Brief(said)
    assert brief.effective_price == price and brief.reading.price == price
    assert spoken in brief.spoken_text


def test_a_price_said_straight_into_a_count_keeps_her_shipping_condition():
    r = reading("山里的土蜂蜜一斤六十两斤包油")
    assert (r.price, r.shipping) == ("60元/斤", "两斤包邮")


def test_one_by_one_is_no_price():
    # 一块一块剪了贴的 read as 1块1 put "1.1元" into every text of a 桦树皮画 seller.
    assert Brief("都是桦树皮一块一块剪了贴的，不掉色").effective_price == ""
    assert Brief("一颗一颗挑的，一斤三十").effective_price == "30元/斤"


@pytest.mark.parametrize(
    "said, product, category",
    [
        ("广西柳州螺蛳粉 正宗 400g*3袋 加辣加臭 煮食速食 9.9包邮", "螺蛳粉", "food"),  # not 螺蛳, the snail
        ("我家田里摸的螺蛳，一斤八块", "螺蛳", "seafood"),
        ("咱这是大兴安岭的桦树皮画，鄂伦春那边老手艺", "桦树皮画", "craft"),
    ],
)
def test_a_processed_food_or_craft_is_not_read_as_its_raw_material(said, product, category):
    r = reading(said)
    assert (r.product, r.category) == (product, category)
