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
// Gradio's own English status words ("processing | 3.2/12.0s", "queue: 2/3 | 5.1s", the
//   player's "1x", an empty upload box's "Drop File Here") and toasts (queue full, file too
//   big, connection lost) are said again in Chinese as they appear: she waits knowing how
//   long, and knows what went wrong.
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

  const seconds = (value) => {
    const s = Math.round(parseFloat(value));
    return s >= 90 ? `${Math.round(s / 60)} 分钟` : `${s} 秒`;
  };
  const inChinese = (text, inStatus) => {
    // Gradio writes its status in pieces: "queue: 2/3 |" or "processing |", then the time.
    let t = text.match(/^\s*([\d.]+)(?:\/([\d.]+))?s\s*$/);
    if (t && inStatus) {
      const left = t[2] && t[2] - t[1] > 1 ? `，大约还要 ${seconds(t[2] - t[1])}` : "";
      return `（已等 ${seconds(t[1])}${left}）`;
    }
    let m = text.match(/^\s*queue:\s*(\d+)\s*\/\s*(\d*)\s*\|?\s*(?:([\d.]+)(?:\/([\d.]+))?s)?\s*$/);
    if (m) {
      const ahead = Math.max(0, parseInt(m[1], 10) - 1);
      const left = m[4] ? ` ，大约还要 ${seconds(Math.max(0, m[4] - m[3]))}` : "";
      return (ahead ? `排队中：前面还有 ${ahead} 位` : "排队中：下一个就是你") + left;
    }
    m = text.match(/^\s*processing\s*\|?\s*(?:([\d.]+)(?:\/([\d.]+))?s)?\s*$/);
    if (m) {
      if (!m[1]) return "正在做……";
      const left = m[2] && m[2] - m[1] > 1 ? `，大约还要 ${seconds(m[2] - m[1])}` : "";
      return `正在做……已用 ${seconds(m[1])}${left}`;
    }
    m = text.match(/^\s*([\d.]+)x\s*$/);  // the player's playback speed
    if (m) return `${m[1]} 倍速`;
    // Gradio's own toasts, written by its page before any handler of ours runs.
    if (/currently busy/i.test(text)) return "现在用的人太多了，请等一会儿再点一次。";
    m = text.match(/exceed the maximum allowed size of\s*([\d.]+)\s*([KMG]?b)/i);
    if (m) return `文件太大了（最大 ${Math.round(parseFloat(m[1]))} ${m[2].toUpperCase()}），请换一个小一点的。`;
    if (/Connection errored out|Lost connection|Connection lost/i.test(text)) {
      return "和木兰的连接断了。请看看 Wi-Fi，再刷新页面，做好的东西在「历史」里。";
    }
    // An empty upload box: a Chinese phone gets Gradio's own Chinese, an English one did not
    // (headless Chromium on ② with no photo yet, 2026-12-04).
    if (/^\s*Drop (?:File|Image|Audio|Video|CSV|Media) Here\s*$/i.test(text)) return "拖到这里";
    if (/^\s*Click to Upload\s*$/i.test(text)) return "点这里选文件";
    if (/^\s*-\s*or\s*-\s*$/i.test(text)) return "- 或 -";
    if (/^\s*Paste from Clipboard\s*$/i.test(text)) return "从剪贴板粘贴";
    if (/^\s*Error\s*$/.test(text)) return "出错了";
    if (/^\s*Warning\s*$/.test(text)) return "提醒";
    if (/^\s*Info\s*$/.test(text)) return "提示";
    return null;
  };
  const translate = (node) => {
    const parent = node.parentElement;
    const said = inChinese(node.nodeValue || "", Boolean(parent && parent.closest(".progress-text")));
    if (said !== null && said !== node.nodeValue) node.nodeValue = said;
  };
  const watch = () => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) translate(walker.currentNode);  // what was drawn before this ran
    new MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === "characterData") translate(change.target);
        for (const added of change.addedNodes || []) {
          if (added.nodeType === Node.TEXT_NODE) translate(added);
          else if (added.nodeType === Node.ELEMENT_NODE) {
            const walker = document.createTreeWalker(added, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) translate(walker.currentNode);
          }
        }
      }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
  };
  watch();

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
