// Pages through a table in a paginated Chromium reader (epub.js, headless
// Debian Chromium through playwright-core) and reports which of its rows were
// visible, in full, on some page. A reader that cuts the table shows fewer.
//
//   node tests/reader/paginate.cjs BOOK.epub OUT_DIR [TABLE_INDEX]
//
// Needs the reader's modules (see common.cjs). Writes OUT_DIR/page-NN.png for each page of the chapter that
// holds the table and prints one JSON line:
//   {"rows": N, "seen": [row numbers], "pages": [[rows fully visible], ...],
//    "overflow": px the table is wider than a column, "ms": wall time}
"use strict";
const path = require("path");
const fs = require("fs");
const http = require("http");
const { modules, launch } = require("./common.cjs");

const req = modules();
const epubJs = req.resolve("epubjs/dist/epub.min.js");
const jszip = req.resolve("jszip/dist/jszip.min.js");

const [book, outDir, tableArg] = process.argv.slice(2);
const tableIndex = Number(tableArg || 0);
const WIDTH = 600;
const HEIGHT = 800;
const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script src="/jszip.js"></script><script src="/epub.js"></script>
<style>body{margin:0} #viewer{width:${WIDTH}px;height:${HEIGHT}px;background:#fff}</style>
</head><body><div id="viewer"></div></body></html>`;

function serve() {
  const files = { "/jszip.js": jszip, "/epub.js": epubJs, "/book.epub": book };
  const server = http.createServer((rq, rs) => {
    if (rq.url === "/") {
      rs.writeHead(200, { "content-type": "text/html" });
      return rs.end(PAGE);
    }
    const f = files[rq.url];
    if (!f) {
      rs.writeHead(404);
      return rs.end();
    }
    rs.writeHead(200);
    fs.createReadStream(f).pipe(rs);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

// In the page: rows of the table fully inside the viewer, and how much wider
// than a column the table is.
function visibleRows(tableIndex) {
  const viewer = document.getElementById("viewer").getBoundingClientRect();
  const out = { rows: 0, visible: [], overflow: 0, found: false };
  for (const iframe of document.querySelectorAll("#viewer iframe")) {
    const doc = iframe.contentDocument;
    const table = doc && doc.querySelectorAll("table")[tableIndex];
    if (!table) continue;
    out.found = true;
    const at = iframe.getBoundingClientRect();
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    out.rows = rows.length;
    rows.forEach((tr, i) => {
      const r = tr.getBoundingClientRect();
      const left = at.left + r.left, top = at.top + r.top;
      const inside = left >= viewer.left - 1 && left + r.width <= viewer.right + 1 &&
        top >= viewer.top - 1 && top + r.height <= viewer.bottom + 1 && r.height > 0;
      // Painted there, not clipped by a scroll container: a hit test at the
      // row's first cell finds the row.
      const hit = inside && doc.elementFromPoint(r.left + 3, r.top + r.height / 2);
      if (hit && tr.contains(hit)) out.visible.push(i + 1);
    });
    // How much wider than its column the table is (its parent is a block as
    // wide as the column).
    const column = table.parentElement.getBoundingClientRect().width;
    out.overflow = Math.max(0, Math.round(table.getBoundingClientRect().width - column));
  }
  return out;
}

(async () => {
  const started = Date.now();
  fs.mkdirSync(outDir, { recursive: true });
  const server = await serve();
  const browser = await launch(req);
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    // Open the book and find the spine item with the table.
    const href = await page.evaluate(async (tableIndex) => {
      window.book = ePub("/book.epub", { openAs: "epub" });
      await window.book.ready;
      window.rendition = window.book.renderTo("viewer", {
        width: "100%", height: "100%", flow: "paginated", spread: "none",
      });
      for (const item of window.book.spine.spineItems) {
        const doc = await item.load(window.book.load.bind(window.book));
        const has = doc.querySelectorAll("table").length > tableIndex;
        item.unload();
        if (has) return item.href;
      }
      return null;
    }, tableIndex);
    if (!href) throw new Error(`no table #${tableIndex} in ${book}`);
    await page.evaluate((h) => window.rendition.display(h), href);
    await page.waitForTimeout(500);
    const pages = [];
    let rows = 0;
    let overflow = 0;
    for (let n = 0; n < 40; n++) {
      const v = await page.evaluate(visibleRows, tableIndex);
      if (!v.found) break;
      rows = v.rows;
      overflow = Math.max(overflow, v.overflow);
      pages.push(v.visible);
      await page.screenshot({ path: path.join(outDir, `page-${String(n + 1).padStart(2, "0")}.png`) });
      const before = await page.evaluate(() => JSON.stringify(window.rendition.currentLocation().start));
      await page.evaluate(() => window.rendition.next());
      await page.waitForTimeout(300);
      const after = await page.evaluate(() => {
        const l = window.rendition.currentLocation();
        return l && l.start ? JSON.stringify(l.start) : null;
      });
      if (!after || after === before) break;
      const still = await page.evaluate(() => window.rendition.currentLocation().start.href);
      if (still !== href) break;
    }
    const seen = [...new Set(pages.flat())].sort((a, b) => a - b);
    console.log(JSON.stringify({ rows, seen, pages, overflow, ms: Date.now() - started }));
  } finally {
    await browser.close();
    server.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
