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
// Modules as for paginate.cjs (tests/reader/node_modules, or READER_MODULES).
"use strict";
const path = require("path");
const fs = require("fs");
const http = require("http");
const { createRequire } = require("module");

const modules = process.env.READER_MODULES || __dirname;
if (!fs.existsSync(path.join(modules, "node_modules", "playwright-core"))) {
  console.error(`no playwright-core in ${modules}/node_modules: run \`bash .ci/test-deps\``);
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(modules), "package.json"));
const { chromium } = req("playwright-core");
const JSZip = req("jszip");

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const TYPES = {
  xhtml: "application/xhtml+xml",
  css: "text/css",
  ttf: "font/ttf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

(async () => {
  const zip = await JSZip.loadAsync(fs.readFileSync(process.argv[2]));
  const files = {};
  for (const name of Object.keys(zip.files)) {
    if (!zip.files[name].dir) files["/" + name] = await zip.files[name].async("nodebuffer");
  }
  const server = http.createServer((rq, rs) => {
    const body = files[decodeURIComponent(rq.url)];
    if (!body) {
      rs.writeHead(404);
      return rs.end();
    }
    const ext = rq.url.split(".").pop();
    rs.writeHead(200, { "content-type": TYPES[ext] || "application/octet-stream" });
    rs.end(body);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS });
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
