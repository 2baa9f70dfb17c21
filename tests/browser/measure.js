// Measures a rendered mdBook page the way a reader sees it, for
// tests/browser.rs. The page is opened in <iframe>s of the widths to measure
// (a headless window cannot be narrower than 500 px, and one window shows
// them all); this script runs in the page and posts its report, as JSON, to
// the frames' parent, which writes it into an attribute that Chromium's
// --dump-dom returns. The frame's name names the report; the fragment of
// the page's address is the mode:
//
// #screen: tables, headings, inline SVGs, and the contrast of the status
//          badges (those of the page, and one of each class in
//          window.TDD_MEASURE.statuses in each place a badge can stand) in
//          each of mdBook's five themes;
// #print:  the style sheets switched to print media (rules for print apply,
//          rules for screens only do not), then the tables again.
(function () {
  "use strict";
  const params = {
    mode: location.hash === "#print" ? "print" : "screen",
    statuses: (window.TDD_MEASURE || {}).statuses || [],
  };
  const THEMES = ["light", "rust", "coal", "navy", "ayu"];
  const html = document.documentElement;
  const main = document.querySelector("main") || document.body;

  function rgba(s) {
    // color-mix() computes to `color(srgb r g b / a)`, channels 0 to 1.
    const srgb = s && s.match(/color\(srgb ([^)]+)\)/);
    if (srgb) {
      const p = srgb[1].split(/[ /]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    const m = s && s.match(/rgba?\(([^)]+)\)/);
    if (!m) throw new Error("unknown colour format: " + s);
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
    const a = luminance(over(fg, bg)),
      b = luminance(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  function classOf(el) {
    return el.className.baseVal !== undefined ? el.className.baseVal : el.className;
  }
  // Where a probe badge stands: how a reader can meet a badge on a page.
  function where(el) {
    if (el.closest("blockquote")) return "quote";
    const tr = el.closest("tbody tr");
    if (tr) return Array.from(tr.parentElement.children).indexOf(tr) % 2 ? "even row" : "odd row";
    if (el.closest("li")) return "list";
    return "text";
  }
  // Badges of each class given, in each place a badge can stand: text, a
  // list item, a block quote, the odd and even rows of a generated table.
  function addProbes() {
    const box = document.createElement("div");
    box.id = "tdd-measure-probes";
    const badge = (cls) => `<span class="tdd-status tdd-status-${cls}">${cls}</span>`;
    const all = params.statuses.map(badge).join(" ");
    box.innerHTML =
      `<p>${all}</p><ul><li>${all}</li></ul><blockquote><p>${all}</p></blockquote>` +
      `<div class="table-wrapper"><table><thead><tr><th><span class="tdd-table"></span>S</th></tr></thead>` +
      `<tbody><tr><td>${all}</td></tr><tr><td>${all}</td></tr></tbody></table></div>`;
    main.appendChild(box);
    return box;
  }
  // What an SVG text is drawn on: the topmost shape of its drawing whose
  // box holds the text's centre (a bar segment), over the page behind the
  // drawing; the page alone where no shape is under it.
  function svgBackground(text) {
    const svg = text.closest("svg");
    const page = background(svg.parentElement);
    const t = text.getBBox();
    const cx = t.x + t.width / 2,
      cy = t.y + t.height / 2;
    let under = null;
    for (const shape of svg.querySelectorAll("rect, path, circle, ellipse, polygon")) {
      if (shape.closest("marker, defs")) continue;
      const b = shape.getBBox();
      if (cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height) under = shape;
    }
    if (!under) return page;
    const fill = getComputedStyle(under).fill;
    return fill && fill !== "none" ? over(rgba(fill), page) : page;
  }
  function contrasts() {
    const out = [];
    const seen = new Set();
    for (const el of main.querySelectorAll(
      ".tdd-status, .tdd-card, .tdd-guidance, .tdd-emphasis, .tdd-banner, .tdd-summary text"
    )) {
      const key = classOf(el);
      const text = el.textContent.trim();
      const place = where(el);
      if (!text || seen.has(key + "|" + text + "|" + place)) continue;
      seen.add(key + "|" + text + "|" + place);
      const style = getComputedStyle(el);
      const svg = el instanceof SVGElement;
      const fg = rgba(svg ? style.fill : style.color);
      const bg = svg ? svgBackground(el) : background(el);
      out.push({
        class: key,
        text,
        place,
        probe: !!el.closest("#tdd-measure-probes"),
        fg: svg ? style.fill : style.color,
        ratio: Math.round(contrast(fg, bg) * 100) / 100,
      });
    }
    return out;
  }
  // Whether a text node (or element) is laid out on more than one line.
  function lines(node) {
    const r = document.createRange();
    r.selectNodeContents(node);
    const tops = new Set();
    for (const rect of r.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    return tops.size;
  }
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  function tables() {
    const width = main.clientWidth;
    return Array.from(main.querySelectorAll("table"))
      .filter((t) => !t.closest("#tdd-measure-probes"))
      .map((t) => {
        const wrapper = t.closest(".table-wrapper") || t.parentElement;
        const dates = [];
        const walker = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (DATE.test(n.textContent.trim())) dates.push({ text: n.textContent, lines: lines(n) });
        }
        const mark = t.querySelector("thead th .tdd-table");
        return {
          generated: !!mark,
          kind: mark ? mark.className : "",
          wrapper: !!t.closest(".table-wrapper"),
          header: Array.from(t.querySelectorAll("thead th")).map((th) => th.textContent.trim()),
          titles: Array.from(t.querySelectorAll("thead th")).map((th) => {
            const a = th.querySelector("[title]");
            return a ? a.getAttribute("title") : "";
          }),
          width: Math.ceil(t.getBoundingClientRect().width),
          content: width,
          overflow: wrapper.scrollWidth > wrapper.clientWidth + 1,
          scrolls: getComputedStyle(wrapper).overflowX,
          wrapped_badges: Array.from(t.querySelectorAll(".tdd-status")).filter((b) => lines(b) > 1)
            .length,
          dates,
        };
      });
  }
  function headings() {
    return Array.from(main.querySelectorAll("h1, h2, h3, h4, h5, h6")).map((h) => ({
      level: h.tagName,
      text: h.textContent.trim(),
      id: h.id || "",
    }));
  }
  function pageOverflow() {
    const s = document.scrollingElement || html;
    return { scroll: s.scrollWidth, client: s.clientWidth, main: main.scrollWidth > main.clientWidth + 1 };
  }
  // Print media: style sheets and @media blocks for print apply, those for
  // screens only do not.
  function emulatePrint() {
    const forPrint = (m) => /\bprint\b/.test(m) || /\ball\b/.test(m);
    const forScreenOnly = (m) => /\bscreen\b/.test(m) && !/\bprint\b/.test(m);
    let switched = 0;
    function walk(rules) {
      for (const r of rules) {
        if (r.media && r.cssRules) {
          const m = r.media.mediaText;
          if (/\bprint\b/.test(m) && !/\bnot\b/.test(m)) {
            r.media.mediaText = "all";
            switched++;
          } else if (forScreenOnly(m)) {
            r.media.mediaText = "not all";
          }
          walk(r.cssRules);
        }
      }
    }
    for (const sheet of document.styleSheets) {
      const owner = sheet.ownerNode;
      const m = (owner && owner.getAttribute && owner.getAttribute("media")) || "";
      if (m && forPrint(m) && !/\ball\b/.test(m)) {
        owner.setAttribute("media", "all");
        switched++;
      } else if (m && forScreenOnly(m)) {
        owner.setAttribute("media", "not all");
      }
      let rules;
      try {
        rules = sheet.cssRules;
      } catch (e) {
        throw new Error("cannot read the rules of " + sheet.href + ": " + e);
      }
      walk(rules);
    }
    return switched;
  }

  let report;
  try {
    report = { frame: window.name, mode: params.mode, width: window.innerWidth };
    if (params.mode === "print") {
      report.print_rules = emulatePrint();
      report.tables = tables();
      report.page = pageOverflow();
    } else {
      report.tables = tables();
      report.page = pageOverflow();
      report.headings = headings();
      report.svg = Array.from(main.querySelectorAll("svg")).map((s) => ({
        class: classOf(s),
        texts: Array.from(s.querySelectorAll("text")).map((t) => t.textContent),
      }));
      const probes = addProbes();
      report.probe_badges_wrapped = Array.from(probes.querySelectorAll(".tdd-status")).filter(
        (b) => lines(b) > 1
      ).length;
      report.themes = {};
      const original = Array.from(html.classList).filter((c) => THEMES.includes(c));
      for (const t of THEMES) {
        html.classList.remove(...THEMES);
        html.classList.add(t);
        report.themes[t] = contrasts();
      }
      html.classList.remove(...THEMES);
      html.classList.add(...original);
      probes.remove();
    }
  } catch (e) {
    report = { frame: window.name, error: String(e && e.stack ? e.stack : e) };
  }
  const json = JSON.stringify(report);
  if (window.parent !== window) window.parent.postMessage(json, "*");
  else document.body.setAttribute("data-tdd-report", json);
})();
