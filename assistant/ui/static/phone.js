() => {
// The page's phone helpers, loaded once with the page (nothing here talks to the network
// except this page's own server).
//
// mulanShare(): her posters to the album or a WeChat chat. Android Chrome (https or
//   localhost) gets the system share sheet with the PNG files (navigator.share); WeChat's
//   own browser blocks downloads, so there she gets each poster full screen to long-press
//   and save; anywhere else the files are downloaded.
// mulanCopy(text): one tap copies a text, also where the Clipboard API is missing (WeChat's
//   browser over plain http), with a visible 已复制.
  const toast = (message) => {
    let box = document.getElementById("mulan-toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "mulan-toast";
      box.setAttribute("role", "status");
      box.style.cssText = "position:fixed;left:50%;bottom:12%;transform:translateX(-50%);z-index:1000;" +
        "background:rgba(0,0,0,.82);color:#fff;padding:.8rem 1.4rem;border-radius:1.5rem;font-size:1.2rem;";
      document.body.appendChild(box);
    }
    box.textContent = message;
    box.style.display = "block";
    clearTimeout(box.timer);
    box.timer = setTimeout(() => { box.style.display = "none"; }, 2500);
  };

  const posters = () => {
    const links = [...document.querySelectorAll("#poster-files a[href]")];
    const seen = new Set();
    return links
      .map((a) => ({url: a.href, name: a.getAttribute("download") || decodeURIComponent(a.href.split("/").pop())}))
      .filter((p) => /\.png$/i.test(p.name) && !seen.has(p.url) && seen.add(p.url));
  };

  const longPressSheet = (items) => {
    let sheet = document.getElementById("mulan-save-overlay");
    if (sheet) sheet.remove();
    sheet = document.createElement("div");
    sheet.id = "mulan-save-overlay";
    sheet.style.cssText = "position:fixed;inset:0;z-index:999;background:#111;overflow-y:auto;padding:1rem;" +
      "text-align:center;color:#fff;font-size:1.3rem;";
    const close = document.createElement("button");
    close.textContent = "✕ 关闭";
    close.style.cssText = "position:sticky;top:0;float:right;font-size:1.2rem;padding:.5rem 1rem;border-radius:1rem;";
    close.onclick = () => sheet.remove();
    sheet.appendChild(close);
    const hint = document.createElement("p");
    hint.textContent = "长按图片，保存到手机";
    sheet.appendChild(hint);
    for (const item of items) {
      const img = document.createElement("img");
      img.src = item.url;
      img.alt = item.name;
      img.style.cssText = "display:block;width:100%;max-width:720px;margin:0 auto 1.5rem;";
      sheet.appendChild(img);
    }
    document.body.appendChild(sheet);
  };

  window.mulanShare = async () => {
    const items = posters();
    if (!items.length) { toast("请先点「做海报」"); return; }
    if (/MicroMessenger/i.test(navigator.userAgent)) { longPressSheet(items); return; }
    if (navigator.share && navigator.canShare) {
      try {
        const files = await Promise.all(items.map(async (p) =>
          new File([await (await fetch(p.url)).blob()], p.name, {type: "image/png"})));
        if (navigator.canShare({files})) { await navigator.share({files}); return; }
      } catch (error) {
        if (error && error.name === "AbortError") return;  // she closed the share sheet
      }
    }
    for (const p of items) {
      const a = document.createElement("a");
      a.href = p.url; a.download = p.name;
      document.body.appendChild(a); a.click(); a.remove();
    }
    toast("已保存到手机的「下载」里");
  };

  window.mulanCopy = async (text) => {
    if (!text || !text.trim()) { toast("这里还没有文字"); return; }
    let done = false;
    try {
      if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); done = true; }
    } catch (error) { done = false; }
    if (!done) {  // WeChat's browser, plain http: the old way still works there
      const area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", "");
      area.style.cssText = "position:fixed;top:0;left:0;opacity:0;";
      document.body.appendChild(area); area.select(); area.setSelectionRange(0, text.length);
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      area.remove();
    }
    toast(done ? "已复制，去微信里粘贴吧" : "没复制成功：请长按文字，选「复制」");
  };
}
