"""The page in a real browser: headless Chromium drives the whole flow a seller goes through.

Needs Debian's ``chromium`` (installed by mulan.sh) and the ``playwright`` package
(requirements-dev.txt); Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image

from conftest import REPO, speech_clip
from test_app import _free_port

CHROMIUM = Path(os.environ.get("MULAN_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-extensions", "--no-first-run"]
WAIT_MS = 600_000  # model loading and copy writing on a slow 2-core CI machine


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./mulan.sh install does)")
    data = tmp_path_factory.mktemp("browser-data")
    port = _free_port()
    log = open(data / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO,
                            env={**os.environ, "MULAN_DATA_DIR": str(data)}, stdout=log, stderr=subprocess.STDOUT)
    yield f"http://127.0.0.1:{port}/", data
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def test_a_seller_goes_from_voice_to_a_downloaded_poster_and_finds_it_in_the_history(app_url, tmp_path):
    from playwright.sync_api import sync_playwright

    url, data = app_url
    outside = []  # every request that tried to leave this computer: the page must work offline

    def only_loopback(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page.route("**/*", only_loopback)
        deadline = time.time() + 120
        while True:
            try:
                page.goto(url, timeout=10_000)
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(1)
        page.get_by_text("准备好了").wait_for(timeout=WAIT_MS)

        # 1. Upload a voice message and turn it into text.
        # The recorder comes first; its upload button shows the file input.
        audio = page.locator("#voice")
        audio.get_by_label("Upload file").click()
        audio.locator("input[type=file]").set_input_files(str(speech_clip("zh_stepaudio_prompt_wav_yuqian.wav")))
        page.get_by_role("button", name="📝 变成文字").click()
        page.get_by_text("听写好了").wait_for(timeout=WAIT_MS)
        transcript = page.get_by_label("你说的话（有错字可以直接改）")
        assert "螃蟹" in transcript.input_value()

        # 2. Correct the price, then write the copy.
        page.get_by_label("卖什么").fill("大闸蟹")
        page.get_by_label("价格").fill("88元/斤")
        page.get_by_role("button", name="✍️ 写文案").click()
        page.get_by_text("文案写好了").wait_for(timeout=WAIT_MS)
        assert page.get_by_label("标题（12 字以内）").input_value()

        # 3. Pick a template (the third thumbnail) and make the poster in the 朋友圈 size only.
        page.locator("button.thumbnail-item, .thumbnail-item").nth(2).click()
        page.get_by_text("选好了").wait_for(timeout=30_000)
        page.get_by_label("抖音/视频号 9:16（1080×1920）").uncheck()
        page.get_by_role("button", name="🖼️ 做海报").click()
        page.get_by_text("海报做好了").wait_for(timeout=WAIT_MS)

        # 4. Download the PNG and check it is a real image of the chosen size.
        with page.expect_download() as download:
            page.locator("tr", has_text=".png").locator("td.download a").first.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        with Image.open(saved) as poster:
            poster.verify()
        with Image.open(saved) as poster:
            assert poster.format == "PNG" and poster.size == (1080, 1080)

        # 5. Reload: the entry is in the history, and opening it brings the price back.
        page.reload()
        page.get_by_text("准备好了").wait_for(timeout=WAIT_MS)
        page.get_by_label("以前做过的（最新的在上面）").click()
        page.get_by_role("option").filter(has_text="大闸蟹").first.click()  # the entry is listed by product
        page.get_by_role("button", name="📂 打开").click()
        page.get_by_text("已打开").wait_for(timeout=30_000)
        assert page.get_by_label("价格").input_value() == "88元/斤"

        # 6. On a phone the page fits the screen's width: nothing makes it scroll sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()
    assert not outside, f"the page tried to reach the network: {outside}"
