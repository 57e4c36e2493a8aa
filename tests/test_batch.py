"""A trainer's table of a whole class's products: read as Excel and WPS save it, and made row by row."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from PIL import Image

from assistant.batch import decode_table, photo_in, read_rows
from assistant.errors import UserError

from conftest import REPO, photo

TABLE = """卖什么,价格,描述,联系方式,照片
杏子,15元/斤,我家的杏子又大又甜，包邮,xingzi_88,tomatoes_portrait_01.jpg
土鸡蛋,1.5元/个,山里散养的土鸡蛋,13800000002,
"""


def test_a_csv_saved_by_chinese_excel_is_read_in_gbk_or_utf8_with_bom():
    for data in (TABLE.encode("gbk"), ("\ufeff" + TABLE).encode("utf-8"), TABLE.encode("utf-8")):
        rows = read_rows(decode_table(data))
        assert [(r.number, r.fields["product"], r.fields["price"]) for r in rows] == [
            (2, "杏子", "15元/斤"),
            (3, "土鸡蛋", "1.5元/个"),
        ]
        assert rows[0].fields["photo"] == "tomatoes_portrait_01.jpg" and rows[1].fields["contact"] == "13800000002"


def test_rows_pasted_from_a_spreadsheet_are_tab_separated_and_english_headings_work():
    pasted = "product\tprice\tdescription\n核桃\t25元/斤\t皮薄肉香\n\n\t\t\n"
    rows = read_rows(pasted)
    assert [(r.number, r.fields) for r in rows] == [
        (2, {"product": "核桃", "price": "25元/斤", "transcript": "皮薄肉香"})
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("卖什么,价格\n", "至少要有一行标题"),
        ("名字叫,多少钱\n杏子,15\n", "至少要有「卖什么」或者「描述」"),
        ("卖什么\n" + "杏子\n" * 201, "一次最多做 200 行"),
    ],
)
def test_a_table_that_cannot_be_made_says_why_in_plain_chinese(text, message):
    with pytest.raises(UserError) as info:
        read_rows(text)
    assert message in info.value.zh


def test_a_row_cannot_name_a_photo_outside_the_folder_she_gave(tmp_path):
    (tmp_path / "杏子.jpg").write_bytes(b"x")
    assert photo_in(tmp_path, "杏子.jpg") == str(tmp_path / "杏子.jpg")
    for name in ("../secret.jpg", "/etc/passwd", "sub/杏子.jpg", ".hidden.jpg"):
        with pytest.raises(UserError):
            photo_in(tmp_path, name)
    with pytest.raises(UserError) as info:
        photo_in(tmp_path, "没有这张.jpg")
    assert "照片文件夹里没有" in info.value.zh


PRODUCTS = [
    ("杏子", "15元/斤", "我家的杏子又大又甜，一斤十五块，包邮", "xingzi_88", "tomatoes_portrait_01.jpg"),
    ("土鸡蛋", "1.5元/个", "山里散养的土鸡蛋，吃玉米长大", "13800000002", ""),
    ("核桃", "25元/斤", "自家的核桃，皮薄肉香", "hetao_01", "carrots_01.jpg"),
    ("土蜂蜜", "60元/斤", "山里的野花蜜，今年新摇的", "", "chamomile_flowers_01.jpg"),
    ("猕猴桃", "60元/箱", "新摘的猕猴桃，酸甜多汁", "13800000004", "grapes_01.jpg"),
    ("", "88元/斤", "", "", ""),  # nothing to sell: reported, the others still made
    ("明前绿茶", "120元/斤", "清明前采的绿茶，手工炒的", "cha_07", "tea_plantation_01.jpg"),
    ("苗绣小包", "120元/个", "自己绣的苗绣小包，一针一线都是手工", "miaoxiu_ayi", "没有这张.jpg"),
    ("手工布鞋", "98元/双", "千层底布鞋，纳了一个月", "buxie_03", ""),
    ("干菌子", "120元/斤", "山里的野生菌，晒干的", "junzi_05", "farmland_dawn_01.jpg"),
    ("小米", "8元/斤", "今年的新小米，熬粥香", "13800000011", "dried_flowers_tea_market_01.jpg"),
]


@pytest.mark.models
def test_a_class_of_products_is_made_into_one_zip_with_a_report(tmp_path):
    photos = tmp_path / "照片"
    photos.mkdir()
    for *_, name in PRODUCTS:
        if name and name != "没有这张.jpg":
            shutil.copy(photo(name), photos / name)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["卖什么", "价格", "描述", "联系方式", "照片"])
    writer.writerows(PRODUCTS)
    table = tmp_path / "全班.csv"
    table.write_bytes(buffer.getvalue().encode("gbk"))  # as Chinese Excel saves it

    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "batch", str(table), "--photos", str(photos), "--out", str(out),
         "--platforms", "poster,moments", "--small"],
        cwd=REPO, capture_output=True, text=True, timeout=1800, env={**os.environ},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "9/11 rows made" in result.stdout and "rows/min" in result.stdout

    with open(out / "report.csv", encoding="utf-8-sig") as f:
        report = list(csv.DictReader(f))
    assert len(report) == 11
    failed = {r["行"]: r["原因"] for r in report if r["结果"] == "没做成"}
    assert set(failed) == {"7", "9"} and "请先说一说或写一写" in failed["7"] and "没有「没有这张.jpg」" in failed["9"]

    with zipfile.ZipFile(out / "海报.zip") as archive:
        names = archive.namelist()
        assert "report.csv" in names
        moments = sorted(n for n in names if n.endswith("朋友圈.png"))
        assert len(moments) == 9 and "01-杏子/杏子-朋友圈.png" in moments
        with archive.open("01-杏子/杏子-朋友圈.png") as f:
            assert Image.open(f).size == (1080, 1080)
        copy = json.loads(archive.read("02-土鸡蛋/copy.json"))
        assert copy["posts"]["moments"] and "1.5" in json.dumps(copy, ensure_ascii=False)


def test_photos_come_from_her_files_or_a_zip_and_nothing_lands_outside_the_folder(tmp_path):
    from assistant.batch import gather_photos

    upload = tmp_path / "uploads"
    upload.mkdir()
    shutil.copy(photo("grapes_01.jpg"), upload / "葡萄.jpg")
    archive = upload / "全班照片.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(photo("carrots_01.jpg"), "班级/胡萝卜.jpg")  # a folder inside the zip
        z.writestr("../../逃出去.jpg", b"\xff\xd8 not really")  # tries to climb out
        z.writestr("说明.docx", b"not a photo")
        z.writestr("XXXX.jpg", photo("tea_plantation_01.jpg").read_bytes())
    # Chinese Windows names zip members in GBK, without the UTF-8 flag: patch the name's bytes in.
    raw = archive.read_bytes()
    assert raw.count(b"XXXX.jpg") == 2 and len("茶叶.jpg".encode("gbk")) == 8
    archive.write_bytes(raw.replace(b"XXXX.jpg", "茶叶.jpg".encode("gbk")))
    folder = gather_photos([upload / "葡萄.jpg", archive], tmp_path / "photos")
    assert {p.name for p in folder.iterdir()} == {"胡萝卜.jpg", "葡萄.jpg", "茶叶.jpg", "逃出去.jpg"}
    assert not (tmp_path / "逃出去.jpg").exists() and not (tmp_path.parent / "逃出去.jpg").exists()

    bomb = upload / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.jpg", b"\0" * (31 * 1024 * 1024))
    with pytest.raises(UserError) as info:
        gather_photos([bomb], tmp_path / "bombed")
    assert "太大" in info.value.zh
