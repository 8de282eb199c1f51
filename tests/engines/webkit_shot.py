#!/usr/bin/python3
"""One page in WebKit (WebKitGTK 2.x, Debian's gir1.2-webkit2-4.1): a PNG of
the whole document and the JSON the page's probe script leaves in
#probe-result. Run under a display (xvfb-run -a). Used by svg_engines.py (tests/math_epub.rs).

    webkit_shot.py FILE_URI OUT.png OUT.json WIDTH
"""
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

uri, png, out_json, width = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
state = {"code": 1}

window = Gtk.OffscreenWindow()
view = WebKit2.WebView()
settings = view.get_settings()
settings.set_allow_file_access_from_file_urls(True)
# Software drawing only: Xvfb has no GPU, and the same path on every machine.
settings.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)
window.set_default_size(width, 600)
view.set_size_request(width, 600)
window.add(view)
window.show_all()


def fail(message):
    print(f"webkit_shot: {message}", file=sys.stderr)
    Gtk.main_quit()


def on_snapshot(v, result):
    try:
        surface = v.get_snapshot_finish(result)
        surface.write_to_png(png)
        state["code"] = 0
    except Exception as e:  # noqa: BLE001 - reported, exit 1
        fail(f"snapshot: {e}")
        return
    Gtk.main_quit()


def on_probe(v, result):
    try:
        value = v.evaluate_javascript_finish(result).to_string()
    except Exception as e:  # noqa: BLE001
        fail(f"probe: {e}")
        return
    data = json.loads(value)
    with open(out_json, "w") as f:
        json.dump(data, f)
    # The page's full height, so the snapshot holds every formula.
    window.resize(width, int(data["height"]) + 1)
    view.set_size_request(width, int(data["height"]) + 1)
    GLib.timeout_add(
        500,
        lambda: v.get_snapshot(
            WebKit2.SnapshotRegion.FULL_DOCUMENT,
            WebKit2.SnapshotOptions.NONE,
            None,
            on_snapshot,
        )
        and False,
    )


def probe():
    view.evaluate_javascript(
        "document.getElementById('probe-result').textContent",
        -1,
        None,
        None,
        None,
        on_probe,
    )
    return False


def on_load(v, event):
    if event == WebKit2.LoadEvent.FINISHED:
        # Web fonts load after the document: give them a second.
        GLib.timeout_add(1500, probe)


view.connect("load-changed", on_load)
view.load_uri(uri)
GLib.timeout_add(30000, lambda: fail("timed out after 30 s") or False)
Gtk.main()
sys.exit(state["code"])
