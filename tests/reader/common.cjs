// What the reader scripts (paginate.cjs, fonts.cjs, shaping.cjs) share: their
// node modules, headless Debian Chromium, and an EPUB's files served over
// HTTP as a reading system would fetch them.
//
// Modules: playwright-core, epubjs and jszip (the versions of package.json
// beside this file) in tests/reader/node_modules, which `bash .ci/test-deps`
// installs (ignored by git), or in READER_MODULES/node_modules.
"use strict";
const path = require("path");
const fs = require("fs");
const http = require("http");
const { createRequire } = require("module");

/** `require` for the reader's modules; exits 2, naming the fix, when they are missing. */
function modules() {
  const dir = process.env.READER_MODULES || __dirname;
  if (!fs.existsSync(path.join(dir, "node_modules", "playwright-core"))) {
    console.error(`no playwright-core in ${dir}/node_modules: run \`bash .ci/test-deps\``);
    process.exit(2);
  }
  return createRequire(path.join(path.resolve(dir), "package.json"));
}

// Headless Chromium as root, with no network: no sandbox, GPU or background services.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, headless, through playwright-core. */
function launch(req) {
  return req("playwright-core").chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS });
}

const TYPES = {
  xhtml: "application/xhtml+xml",
  css: "text/css",
  ttf: "font/ttf",
  otf: "font/otf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};

/**
 * Serves every file of the EPUB at `epub` under its path in the zip (and
 * `extra`: {urlPath: Buffer}) on a local port. Resolves to
 * {files: {urlPath: Buffer}, base: "http://127.0.0.1:PORT", server}.
 */
async function serveEpub(req, epub, extra = {}) {
  const zip = await req("jszip").loadAsync(fs.readFileSync(epub));
  const files = {};
  for (const name of Object.keys(zip.files)) {
    if (!zip.files[name].dir) files["/" + name] = await zip.files[name].async("nodebuffer");
  }
  Object.assign(files, extra);
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
  return { files, base: `http://127.0.0.1:${server.address().port}`, server };
}

module.exports = { modules, launch, serveEpub };
