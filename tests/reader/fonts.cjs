// Which fonts Chromium draws each content document of an EPUB with: every
// XHTML file of the book is opened in headless Debian Chromium (through
// playwright-core) and the DevTools protocol's CSS.getPlatformFontsForNode
// names, for each element's own text, the fonts whose glyphs were used. A
// glyph that the embedded subset lacks is drawn from a system font instead
// ("isCustomFont": false), which detaches Vietnamese marks.
//
//   node tests/reader/fonts.cjs BOOK.epub
//
// Prints one JSON line: {"files": N, "elements": N, "fallback": [
//   {"file", "element", "text", "fonts": [[postScriptName, glyphs], ...]}, ...],
//   "faces": {postScriptName: glyphs drawn}}
// Modules: see common.cjs.
"use strict";
const { modules, launch, serveEpub } = require("./common.cjs");

const req = modules();

(async () => {
  const { files, base, server } = await serveEpub(req, process.argv[2]);
  const browser = await launch(req);
  const out = { files: 0, elements: 0, fallback: [], faces: {} };
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const docs = Object.keys(files).filter((f) => f.endsWith(".xhtml")).sort();
    for (const file of docs) {
      await page.goto(base + file);
      await page.evaluate(() => document.fonts.ready);
      out.files += 1;
      // Elements with text of their own (hidden ones are not drawn).
      const marked = await page.evaluate(() => {
        let n = 0;
        for (const el of document.body.querySelectorAll("*")) {
          const own = Array.from(el.childNodes).some(
            (c) => c.nodeType === 3 && c.textContent.trim() !== "",
          );
          if (own && el.getClientRects().length > 0) el.setAttribute("data-own-text", String(n++));
        }
        return n;
      });
      const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
      const { nodeIds } = await cdp.send("DOM.querySelectorAll", {
        nodeId: root.nodeId,
        selector: "[data-own-text]",
      });
      if (nodeIds.length !== marked) throw new Error(`${file}: ${nodeIds.length} of ${marked} elements`);
      for (const nodeId of nodeIds) {
        out.elements += 1;
        const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
        for (const f of fonts) {
          out.faces[f.postScriptName] = (out.faces[f.postScriptName] || 0) + f.glyphCount;
        }
        if (fonts.some((f) => !f.isCustomFont)) {
          const { outerHTML } = await cdp.send("DOM.getOuterHTML", { nodeId });
          out.fallback.push({
            file,
            element: outerHTML.slice(0, 200),
            fonts: fonts.map((f) => [f.postScriptName, f.glyphCount, f.isCustomFont]),
          });
        }
      }
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
