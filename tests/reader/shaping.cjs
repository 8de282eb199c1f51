// How Chromium shapes text with an EPUB's embedded font subset, against the
// full font it was cut from: a content document of the book is opened in
// headless Debian Chromium (through playwright-core), the family its
// paragraphs are set in is read from the page (the book's own @font-face
// rules), and each sample is measured in that family and, through a
// FontFace loaded from the full font file, in the full font.
//
//   node tests/reader/shaping.cjs BOOK.epub DOC.xhtml FULL.ttf SAMPLES.json
//
// SAMPLES.json is an array of strings. Prints one JSON line:
//   {"family", "samples": [{"text",
//     "subset": M, "full": M}]}  with M = {"kerned": px, "unkerned": px,
//     "chars": [px per character, unkerned], "glyphs": glyphs drawn,
//     "custom": every glyph from a web font, "ink": [left, right, top,
//     bottom, alpha] of the kerned text filled on a canvas at 200 px: the box
//     of its painted pixels from the pen's start on the baseline, and the sum
//     of their alpha}
// at a font size of 100 px. Widths are the layout advances of a span
// (`font-kerning: normal` or `none`); glyph counts come from the DevTools
// protocol's CSS.getPlatformFontsForNode, so a ligature counts once.
// Modules: see common.cjs.
"use strict";
const path = require("path");
const fs = require("fs");
const { modules, launch, serveEpub } = require("./common.cjs");

const req = modules();

(async () => {
  const [epub, doc, full, samplesFile] = process.argv.slice(2);
  const samples = JSON.parse(fs.readFileSync(samplesFile, "utf8"));
  const fullUrl = "/full-font/" + path.basename(full);
  const { files, base, server } = await serveEpub(req, epub, { [fullUrl]: fs.readFileSync(full) });
  if (!files["/" + doc]) throw new Error(`${doc} is not in ${epub}`);
  const browser = await launch(req);
  const out = { family: null, samples: [] };
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    await page.goto(base + "/" + doc);
    out.family = await page.evaluate(async (fullUrl) => {
      await document.fonts.ready;
      const p = document.querySelector("p");
      if (!p) throw new Error("no paragraph in the document");
      const family = getComputedStyle(p).fontFamily;
      const face = new FontFace("trang-full-font", `url(${fullUrl})`);
      await face.load();
      document.fonts.add(face);
      await document.fonts.load(`100px ${family}`, "x");
      return family;
    }, fullUrl);
    for (const text of samples) {
      const row = { text };
      for (const [key, family] of [
        ["subset", out.family],
        ["full", "trang-full-font"],
      ]) {
        await page.evaluate(
          async ({ text, family }) => {
            await document.fonts.load(`100px ${family}`, text);
            const box = document.createElement("div");
            box.id = "trang-measure";
            box.style.cssText =
              "position:absolute;left:0;top:0;white-space:pre;font-size:100px;" +
              "font-weight:400;font-style:normal;letter-spacing:0;word-spacing:0;";
            box.style.fontFamily = family;
            const span = (t, kerning) => {
              const s = document.createElement("span");
              s.style.fontKerning = kerning;
              s.textContent = t;
              box.appendChild(s);
              box.appendChild(document.createElement("br"));
              return s;
            };
            span(text, "normal").id = "trang-kerned";
            span(text, "none");
            for (const c of Array.from(text)) span(c, "none");
            document.body.appendChild(box);
          },
          { text, family },
        );
        const m = await page.evaluate(({ family }) => {
          const spans = Array.from(document.querySelectorAll("#trang-measure span"));
          const w = (s) => s.getBoundingClientRect().width;
          // The ink as drawn: the text filled on a canvas at 200 px, the
          // box of its painted pixels (relative to the pen's start on the
          // baseline) and the sum of their alpha.
          const canvas = document.createElement("canvas");
          canvas.width = 200 * (spans[0].textContent.length + 2);
          canvas.height = 400;
          const ctx = canvas.getContext("2d");
          ctx.font = `400 200px ${family}`;
          ctx.fontKerning = "normal";
          ctx.fillText(spans[0].textContent, 100, 300);
          const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let [left, right, top, bottom, ink] = [Infinity, -Infinity, Infinity, -Infinity, 0];
          for (let y = 0; y < canvas.height; y++) {
            for (let x = 0; x < canvas.width; x++) {
              const a = px[4 * (y * canvas.width + x) + 3];
              if (a === 0) continue;
              ink += a;
              left = Math.min(left, x - 100);
              right = Math.max(right, x + 1 - 100);
              top = Math.min(top, y - 300);
              bottom = Math.max(bottom, y + 1 - 300);
            }
          }
          return {
            kerned: w(spans[0]),
            unkerned: w(spans[1]),
            chars: spans.slice(2).map(w),
            ink: [left, right, top, bottom, ink],
          };
        }, { family });
        const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
        const { nodeId } = await cdp.send("DOM.querySelector", {
          nodeId: root.nodeId,
          selector: "#trang-kerned",
        });
        const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
        m.glyphs = fonts.reduce((n, f) => n + f.glyphCount, 0);
        m.custom = fonts.length > 0 && fonts.every((f) => f.isCustomFont);
        m.fonts = fonts.map((f) => [f.postScriptName, f.glyphCount, f.isCustomFont]);
        await page.evaluate(() => document.getElementById("trang-measure").remove());
        row[key] = m;
      }
      out.samples.push(row);
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
