// Measures a rendered mdBook page the way a reader sees it, and writes the
// result as JSON into the `data-tdd-report` attribute of <body>, for
// tests/browser.rs (Chromium's --dump-dom returns the DOM after scripts ran).
(function () {
  "use strict";
  const THEMES = ["light", "rust", "coal", "navy", "ayu"];
  const html = document.documentElement;
  const main = document.querySelector("main") || document.body;

  function rgba(s) {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  }
  // The colour behind an element: its own background over its ancestors'.
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let c = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
    return c;
  }
  function luminance(c) {
    const l = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  }
  function contrast(fg, bg) {
    const a = luminance(over(fg, bg)), b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  function contrasts() {
    const out = [];
    const seen = new Set();
    for (const el of main.querySelectorAll(
      ".tdd-status, .tdd-card, .tdd-guidance, .tdd-emphasis, .tdd-banner, .tdd-summary text"
    )) {
      const key = el.className.baseVal !== undefined ? el.className.baseVal : el.className;
      const text = el.textContent.trim();
      if (!text || seen.has(key + "|" + text)) continue;
      seen.add(key + "|" + text);
      const style = getComputedStyle(el);
      const fg = rgba(el instanceof SVGElement ? style.fill : style.color);
      const bg = el instanceof SVGElement ? background(el.closest("svg").parentElement) : background(el);
      out.push({ class: key, text, ratio: Math.round(contrast(fg, bg) * 100) / 100 });
    }
    return out;
  }
  function tables() {
    const width = main.clientWidth;
    return Array.from(main.querySelectorAll("table")).map((t) => {
      const wrapper = t.closest(".table-wrapper") || t.parentElement;
      return {
        generated: !!t.closest(".tdd-table"),
        header: Array.from(t.querySelectorAll("thead th")).map((th) => th.textContent.trim()),
        width: Math.ceil(t.getBoundingClientRect().width),
        content: width,
        overflow: wrapper.scrollWidth > wrapper.clientWidth + 1,
        scrolls: getComputedStyle(wrapper).overflowX,
        wrapped_badges: Array.from(t.querySelectorAll(".tdd-status")).filter(
          (b) => b.getClientRects().length > 1
        ).length,
      };
    });
  }
  function headings() {
    return Array.from(main.querySelectorAll("h1, h2, h3, h4, h5, h6")).map((h) => ({
      text: h.textContent.trim(),
      id: h.id || "",
    }));
  }
  // The page as printed: the rules of every `@media print` block applied.
  function printRules() {
    let css = "";
    for (const sheet of document.styleSheets) {
      let rules;
      try {
        rules = sheet.cssRules;
      } catch (e) {
        continue;
      }
      const media = sheet.media && sheet.media.mediaText;
      for (const r of rules) {
        if (media && /print/.test(media)) css += r.cssText + "\n";
        else if (r.media && /print/.test(r.media.mediaText))
          for (const inner of r.cssRules) css += inner.cssText + "\n";
      }
    }
    return css;
  }
  const report = { width: window.innerWidth, themes: {}, tables: tables(), headings: headings() };
  report.svg = Array.from(main.querySelectorAll("svg")).map((s) => ({
    class: s.className.baseVal,
    texts: Array.from(s.querySelectorAll("text")).map((t) => t.textContent),
  }));
  const original = Array.from(html.classList).filter((c) => THEMES.includes(c));
  for (const t of THEMES) {
    html.classList.remove(...THEMES);
    html.classList.add(t);
    report.themes[t] = contrasts();
  }
  html.classList.remove(...THEMES);
  html.classList.add(...original);
  const print = document.createElement("style");
  print.textContent = printRules();
  report.print_rules = print.textContent.length;
  document.head.appendChild(print);
  report.print_tables = tables();
  print.remove();
  document.body.setAttribute("data-tdd-report", JSON.stringify(report));
})();
