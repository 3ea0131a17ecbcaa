"""End to end: a small real study through the CLI, every plot kind as valid SVG, a plot written as PNG, and
the report rendered by headless Chromium (Debian's `chromium`, installed by tools/setup.sh) to a PNG that is not blank.

Fails, never skips, when Chromium is missing: the report's promise is that it renders, and only rendering
it shows that.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"

STUDY = """
name: render-test
hypothesis: A learning rate near 1e-2 fits the spiral best <and this text is escaped & shown>.
objective: {metric: dev_accuracy, goal: maximize}
metrics: [test_accuracy, train_accuracy]
parameters:
  - {name: learning_rate, double: {min: 1.0e-3, max: 1.0, scale: log}}
  - {name: hidden_units, integer: {min: 4, max: 32}}
algorithm: {random: {seed: 5}}
budget: {max_trials: 8, max_parallel: 2}
task:
  train:
    data: {synthetic: spiral, samples: 300}
    hidden_layers: 1
    epochs: 4
"""


def run(args, cmd, expect_rc=0):
    result = subprocess.run([os.path.join(args.bin_dir, "tools", "hyperlab")] + cmd, capture_output=True,
                            text=True, timeout=240)
    if result.returncode != expect_rc:
        raise AssertionError(f"hyperlab {' '.join(cmd)}: exit {result.returncode}, expected {expect_rc}\n"
                             f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


def classes(element):
    return (element.get("class") or "").split()


def with_class(root, name):
    return [e for e in root.iter() if name in classes(e)]


def decode_png(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, with zlib and struct only."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride, rows, prev, i = width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + (left + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def check_svg(path):
    root = ET.parse(path).getroot()  # Raises on anything not well-formed.
    assert root.tag == SVG + "svg", root.tag
    assert root.find(SVG + "title") is not None
    return root


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="hyperlab-report-render-")
    try:
        data = os.path.join(tmp, "data")
        study_file = os.path.join(tmp, "study.yaml")
        with open(study_file, "w") as f:
            f.write(STUDY)
        run(args, ["--data-dir", data, "run", study_file, "--workers", "2"])
        listing = run(args, ["--data-dir", data, "--format", "json", "trials", "render-test"])
        trials = json.loads(listing.stdout)
        assert len(trials) == 8, trials

        def plot(kind, *extra):
            out = os.path.join(tmp, f"{kind}.svg")
            run(args, ["--data-dir", data, "plot", "render-test", kind, "-o", out] + list(extra))
            return check_svg(out)

        history = plot("history")
        assert len(with_class(history, "point")) == 8
        assert len(with_class(history, "best-so-far")) == 1
        slices = plot("slice")
        assert [g.get("data-parameter") for g in with_class(slices, "points")] == ["learning_rate", "hidden_units"]
        ticks = [t.text for t in with_class(plot("slice", "--param", "learning_rate"), "tick-label") if "x" in classes(t)]
        assert ticks == ["0.001", "0.01", "0.1", "1"], ticks
        assert len(with_class(plot("contour", "--params", "learning_rate,hidden_units"), "cell")) == 1600
        curves = plot("curves", "--top", "3")
        assert len(with_class(curves, "train")) == 3 and len(with_class(curves, "dev")) == 3
        assert len(with_class(plot("importance"), "bar")) == 2
        assert len(with_class(plot("confusion"), "cell")) == 9  # The spiral has 3 classes.
        parallel = plot("parallel")
        assert [g.get("data-name") for g in with_class(parallel, "axis")] == \
            ["learning_rate", "hidden_units", "dev_accuracy"]
        assert len(with_class(parallel, "line")) == 8

        # -o FILE.png: a real PNG of the plot's size, rendered from the SVG; never SVG under a .png name.
        png = os.path.join(tmp, "history.png")
        run(args, ["--data-dir", data, "plot", "render-test", "history", "-o", png])
        with open(png, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG: {head!r}"
        assert struct.unpack(">II", head[16:24]) == (760, 440), struct.unpack(">II", head[16:24])
        width, height, bpp, rows = decode_png(png)
        assert len({rows[y][x:x + 3] for y in range(0, height, 4) for x in range(0, width * bpp, bpp * 4)}) > 20, \
            "the PNG is blank"
        bad = run(args, ["--data-dir", data, "plot", "render-test", "history", "-o", os.path.join(tmp, "x.pdf")],
                  expect_rc=2)
        assert "unsupported extension '.pdf'" in bad.stderr and ".svg" in bad.stderr and ".png" in bad.stderr, \
            bad.stderr
        assert not os.path.exists(os.path.join(tmp, "x.pdf"))

        # Errors: exit 2 and a message naming what is there.
        bad = run(args, ["--data-dir", data, "plot", "render-test", "pie", "-o", "x.svg"], expect_rc=2)
        assert "unknown plot kind 'pie'" in bad.stderr and "history" in bad.stderr, bad.stderr
        bad = run(args, ["--data-dir", data, "plot", "render-test", "slice", "--param", "lr", "-o", "x.svg"],
                  expect_rc=2)
        assert "unknown parameter 'lr'" in bad.stderr and "learning_rate" in bad.stderr, bad.stderr

        report = os.path.join(tmp, "report.html")
        run(args, ["--data-dir", data, "report", "render-test", "-o", report])
        html = open(report, encoding="utf-8").read()
        for outside in ("http://", "https://", "<link", "<script", "src=", "url(", "@import"):
            assert outside not in html, f"the report refers outside itself: {outside}"
        for section in ("hypothesis", "conclusion", "design", "best-trials", "plots", "analysis", "reproduce"):
            assert f'<section id="{section}">' in html, section
        assert "&lt;and this text is escaped &amp; shown&gt;" in html
        assert len(re.findall(r"<svg[ >]", html)) >= 6

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            raise AssertionError("chromium is not installed; run tools/setup.sh (it installs Debian's chromium), "
                                 "or apt-get install chromium")
        png = os.path.join(tmp, "report.png")
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", "--no-first-run", f"--user-data-dir={os.path.join(tmp, 'profile')}",
               f"--screenshot={png}", "--window-size=1200,3000", "file://" + report]
        for attempt in range(2):  # A cold start of Chromium on a busy machine now and then times out.
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=150,
                                    env=dict(os.environ, HOME=tmp))
            if os.path.exists(png):
                break
        assert os.path.exists(png), f"chromium wrote no screenshot: {result.stderr[-2000:]}"
        width, height, bpp, rows = decode_png(png)
        assert (width, height) == (1200, 3000), (width, height)
        colours, dark, white, total = set(), 0, 0, 0
        for y in range(0, height, 3):
            row = rows[y]
            for x in range(0, width * bpp, bpp * 3):
                r, g, b = row[x], row[x + 1], row[x + 2]
                colours.add((r, g, b))
                total += 1
                dark += r + g + b < 240
                white += r > 250 and g > 250 and b > 250
        print(f"rendered {width}x{height}: {len(colours)} colours, {100 * dark / total:.2f}% dark, "
              f"{100 * white / total:.1f}% white")
        # A blank page (or one that failed to render) has one or two colours and no text.
        assert len(colours) > 200, f"only {len(colours)} colours: the report did not render"
        assert dark / total > 0.003, "no text: the report did not render"
        assert white / total > 0.2, "no white page area: the report did not render"
        print("ok")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
