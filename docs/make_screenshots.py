"""Screenshots of the page at each step, at phone (390×844) and laptop (1366×768) width.

Start the app first, then point this at it:

    MULAN_DATA_DIR=/tmp/shots-data .venv/bin/python app.py --port 7861 &
    .venv/bin/python docs/make_screenshots.py http://127.0.0.1:7861/

Uses Debian's chromium in a zh-CN locale, as on the sellers' phones, and the shared
speech clip and photo (not part of this repository).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "data"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
WAIT_MS = 600_000


def flow(browser, url: str, width: int, height: int, out: Path, full_page: bool) -> None:
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
    name = "phone" if width < 600 else "laptop"

    def shot(step: str) -> None:
        page.wait_for_timeout(800)
        path = out / f"{name}-{width}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        # 256 colours: a third of the size, and text stays sharp.
        Image.open(path).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
        print(path, page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"))

    page.goto(url)
    page.get_by_text("准备好了").wait_for(timeout=WAIT_MS)
    shot("1-speak")
    voice = page.locator("#voice")
    voice.get_by_label("Upload file").click()
    voice.locator("input[type=file]").set_input_files(str(SHARED / "speech" / "zh_stepaudio_prompt_wav_yuqian.wav"))
    page.get_by_role("button", name="📝 变成文字").click()
    page.get_by_text("听写好了").wait_for(timeout=WAIT_MS)
    page.get_by_label("卖什么").fill("大闸蟹")
    page.get_by_label("价格").fill("88元/斤")
    page.get_by_label("微信号或电话").fill("xie_88")
    page.locator("input[type=file]").last.set_input_files(str(SHARED / "photos" / "grapes_01.jpg"))
    page.wait_for_timeout(1500)
    shot("2-check")
    page.get_by_role("button", name="✍️ 写文案").click()
    page.get_by_text("文案写好了").wait_for(timeout=WAIT_MS)
    shot("3-copy")
    page.get_by_role("button", name="🖼️ 去做海报 ➡️").click()
    page.wait_for_timeout(3000)
    page.locator("#templates .thumbnail-item").nth(1).click()
    page.get_by_role("button", name="🖼️ 做海报").click()
    page.get_by_text("海报做好了").wait_for(timeout=WAIT_MS)
    shot("4-poster")
    page.get_by_role("tab", name="📚 历史").click()
    page.get_by_label("以前做过的（最新的在上面）").click()
    shot("5-history")
    page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--out", type=Path, default=HERE / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        flow(browser, args.url, 390, 844, args.out, full_page=False)  # what a phone shows without scrolling
        flow(browser, args.url, 1366, 768, args.out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
