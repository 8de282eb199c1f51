#!/usr/bin/python3
"""`--epub-math svg` in two browser engines: Chromium (Blink) and WebKit
(WebKitGTK, the engine of Apple Books and Kobo's newer readers). Builds a
Markdown file's EPUB with every formula as SVG, opens each page that holds
formulas in both engines at the same width, and compares formula by formula:

- the size each engine gives each <svg role="math"> (CSS px): sized in em,
  it must be the same in both;
- its pixels: the formula cut out of each engine's screenshot (the second
  cut moved up to a pixel to meet the first: the text before a formula can
  place it a fraction of a pixel apart in the two engines; both softened by
  a 1 px blur, so that the antialiasing of another pixel phase does not
  count), the share
  of pixels whose grey differs by more than 96 of 255 (ink in one, paper in
  the other), and the mean difference (antialiasing alone gives a little).

Writes OUT/ENGINE-PAGE.png (the screenshots), OUT/side-PAGE.png (both side
by side, to look at) and OUT/report.txt; exits 1 if a formula's size
differs by more than 0.5 px or more than 0.5 % of its pixels differ (a blank
formula differs by 3.5 % or more).

Needs Debian's Python with its packages (`.ci/test-deps` installs them):

    apt-get install -y chromium gir1.2-webkit2-4.1 xvfb xauth \
        python3-gi python3-gi-cairo python3-pil

Run (tests/math_epub.rs runs it on the handout):

    /usr/bin/python3 tests/engines/svg_engines.py \
        --trang target/release/trang [--md tests/fixtures/math/handout.md] \
        --out DIR [--width 800]
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

HERE = Path(__file__).resolve().parent
PROBE = """<pre id="probe-result" style="display: none"></pre>
<script>//<![CDATA[
function probe() {
  var out = [];
  document.querySelectorAll('svg').forEach(function (s) {
    if (s.getAttribute('role') !== 'math') return;
    var r = s.getBoundingClientRect();
    out.push({x: r.left + window.scrollX, y: r.top + window.scrollY,
              w: r.width, h: r.height, label: s.getAttribute('aria-label')});
  });
  document.getElementById('probe-result').textContent =
    JSON.stringify({height: document.documentElement.scrollHeight, svgs: out});
}
document.fonts.ready.then(probe);
//]]></script>
"""
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--allow-file-access-from-files",
    "--virtual-time-budget=5000",
]


def chromium(uri, png, width, profile):
    base = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        base + [f"--window-size={width},800", "--dump-dom", uri],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    m = re.search(r'<pre id="probe-result"[^>]*>(.*?)</pre>', dom, re.S)
    if not m or not m.group(1).strip():
        sys.exit(f"chromium: the probe left nothing on {uri}")
    text = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    data = json.loads(text.replace("&amp;", "&"))
    subprocess.run(
        base + [f"--window-size={width},{int(data['height']) + 1}", f"--screenshot={png}", uri],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return data


def webkit(uri, png, width):
    out_json = Path(str(png) + ".json")
    p = subprocess.run(
        ["xvfb-run", "-a", "/usr/bin/python3", str(HERE / "webkit_shot.py"), uri, str(png), str(out_json), str(width)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if p.returncode != 0:
        sys.exit(f"webkit failed on {uri}:\n{p.stderr[-2000:]}")
    return json.loads(out_json.read_text())


def crop(img, r, soften=False):
    box = (round(r["x"]), round(r["y"]), round(r["x"] + r["w"]), round(r["y"] + r["h"]))
    cut = img.crop(box).convert("L")
    # A formula that starts at another fraction of a pixel is antialiased
    # at another phase: softened by a 1 px blur, the two drawings of the
    # same outlines meet; a missing or moved stroke still differs.
    return cut.filter(ImageFilter.GaussianBlur(1)) if soften else cut


def compare(img_a, ra, img_b, rb):
    """The formula cut from both screenshots; the text before it can put it
    a fraction of a pixel apart in the two engines, so the cut from the
    second is tried one pixel either way, and the closest match counts."""
    a = crop(img_a, ra, soften=True)
    best = None
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            moved = dict(rb, x=rb["x"] + dx, y=rb["y"] + dy)
            r = difference(a, crop(img_b, moved, soften=True))
            best = r if best is None or r < best else best
    return best


def difference(a, b):
    w, h = min(a.width, b.width), min(a.height, b.height)
    if w == 0 or h == 0:
        return 1.0, 255.0
    a, b = a.crop((0, 0, w, h)), b.crop((0, 0, w, h))
    diff = ImageChops.difference(a, b)
    hist = diff.histogram()
    n = w * h
    strong = sum(hist[97:]) / n
    mean = sum(i * c for i, c in enumerate(hist)) / n
    return strong, mean


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trang", default="target/release/trang")
    ap.add_argument("--md", default="tests/fixtures/math/handout.md")
    ap.add_argument("--out", required=True)
    ap.add_argument("--width", type=int, default=800)
    args = ap.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    (out / "epub").mkdir(parents=True)
    subprocess.run(
        [args.trang, "build", args.md, "-o", str(out / "epub"), "--format", "epub",
         "--epub-math", "svg", "--no-system-fonts", "-q"],
        check=True,
    )
    epub = next((out / "epub").glob("*.epub"))
    x = out / "x"
    zipfile.ZipFile(epub).extractall(x)
    pages = sorted(p for p in x.rglob("*.xhtml") if 'role="math"' in p.read_text())
    if not pages:
        sys.exit("no page with an SVG formula: was --epub-math svg honoured?")
    lines, bad, total = [], 0, 0
    worst_strong, worst_size = 0.0, 0.0
    for page in pages:
        probe = page.with_name(page.stem + ".probe.xhtml")
        probe.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
        uri = probe.as_uri()
        c_png, w_png = out / f"chromium-{page.stem}.png", out / f"webkit-{page.stem}.png"
        c = chromium(uri, c_png, args.width, out / "profile")
        Path(str(c_png) + ".json").write_text(json.dumps(c))
        w = webkit(uri, w_png, args.width)
        ci, wi = Image.open(c_png), Image.open(w_png)
        side = Image.new("RGB", (ci.width + wi.width + 10, max(ci.height, wi.height)), "grey")
        side.paste(ci.convert("RGB"), (0, 0))
        side.paste(wi.convert("RGB"), (ci.width + 10, 0))
        side.save(out / f"side-{page.stem}.png")
        if len(c["svgs"]) != len(w["svgs"]):
            sys.exit(f"{page.name}: {len(c['svgs'])} formulas in Chromium, {len(w['svgs'])} in WebKit")
        lines.append(f"{page.name}: {len(c['svgs'])} formulas, page height {c['height']} px (Chromium), {w['height']} px (WebKit)")
        for i, (rc, rw) in enumerate(zip(c["svgs"], w["svgs"])):
            total += 1
            size = max(abs(rc["w"] - rw["w"]), abs(rc["h"] - rw["h"]))
            strong, mean = compare(ci, rc, wi, rw)
            worst_strong, worst_size = max(worst_strong, strong), max(worst_size, size)
            ok = size <= 0.5 and strong <= 0.005
            bad += not ok
            if not ok:
                pair = Image.new("L", (round(rc["w"]) + round(rw["w"]) + 4, round(max(rc["h"], rw["h"]))), 128)
                pair.paste(crop(ci, rc), (0, 0))
                pair.paste(crop(wi, rw), (round(rc["w"]) + 4, 0))
                pair.save(out / f"differ-{page.stem}-{i + 1}.png")
            lines.append(
                f"  {i + 1:3} {'ok ' if ok else 'BAD'} {rc['w']:7.2f}x{rc['h']:6.2f} px"
                f" (size diff {size:.2f}) pixels differing {strong * 100:5.2f} %"
                f" mean {mean:5.2f}  {rc['label'][:50]}"
            )
    lines.append(
        f"{total} formulas on {len(pages)} page(s): {total - bad} alike, {bad} differ;"
        f" largest size difference {worst_size:.2f} px, largest share of differing pixels {worst_strong * 100:.2f} %"
    )
    (out / "report.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-1:]))
    print(f"report: {out / 'report.txt'}; pictures: {out}/side-*.png")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
