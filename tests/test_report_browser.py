"""`esgcmp report`'s page in a real browser: Chromium, headless, as the distribution
packages it (.ci/run installs it). Skipped when Chromium is absent, unless
ESGCMP_TEST_SYSTEM is set (then its absence is a failure, as for LibreOffice).

Console messages are read from Chromium's own log (``--enable-logging=stderr --v=0``):
every message a page writes to the console, an uncaught error included, is a line with
``:CONSOLE`` in it. The page has no script, so any such line is a fault; a page made to
fail shows that the log is read. (That the page fetches nothing is checked on its text,
in tests/test_report.py; here every host name is unresolvable besides.)
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import struct
import subprocess
import sys
import zlib
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from esgcmp.output import number_text

from .catalogs import INTENSITIES, only, write_catalog

METRICS = ("ghg", "water", "electricity")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("ESGCMP_TEST_SYSTEM"):  # CI installs it: missing is a failure
            pytest.fail("Chromium is not installed")
        pytest.skip("Chromium is not installed")
    return found


def browse(chromium: str, home: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    """Chromium on the page with its own home and profile, every host name unresolvable
    (a page that fetched anything would log the failure)."""
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
         f"--user-data-dir={home / 'profile'}", "--no-first-run", "--disable-extensions",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
         *args, page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False, cwd=home,
        env={"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
             "LANG": "C.UTF-8"})


def console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    """The page of the three fixture companies' METRICS, and the options that read their
    catalog."""
    folder = tmp_path_factory.mktemp("report")
    options = only(write_catalog(folder, INTENSITIES, name="intensities.yaml"))
    target = folder / "report.html"
    arguments = ["report", *(part for m in METRICS for part in ("-m", m)), "-o", str(target)]
    # a process of its own: the page as a user's command makes it
    done = subprocess.run([sys.executable, "-m", "esgcmp", *arguments, *options],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "ESGCMP_CACHE_DIR": str(folder / "cache")})
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return target, options


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_the_dom_holds_every_value_and_flag_of_the_csv(chromium, made, tmp_path,
                                                      run) -> None:
    page, options = made
    done = browse(chromium, tmp_path / "home", page, "--dump-dom")
    assert done.returncode == 0, done.stderr
    assert console(done.stderr) == []
    parser = Text()
    parser.feed(done.stdout)
    text = "".join(parser.parts)
    assert text.count("ESG KPIs: North Mobile Limited, South Telecom Corporation, South "
                      "Services Limited") == 2  # the title and the heading
    checked = 0
    for metric in METRICS:
        result = run("compare", metric, *options, "-f", "csv")
        assert result.code == 0, result
        for row in csv.DictReader(io.StringIO(result.out)):
            assert row["company"] in text
            if row["value"]:
                assert number_text(Decimal(row["value"])) in text, row
                assert row["source"] in text and row["unit"] in text
                checked += 1
            for flag in filter(None, row["flags"].split(";")):
                assert flag in text, (flag, row)
    assert checked == 7  # ghg of three companies, water and electricity of two


def test_a_failing_page_is_seen_in_the_log(chromium, tmp_path) -> None:
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><p>x</p><script>console.error('said'); missing()"
                    "</script>", encoding="utf-8")
    done = browse(chromium, tmp_path / "home", page, "--dump-dom")
    said = console(done.stderr)
    assert any("Uncaught ReferenceError: missing is not defined" in line for line in said)
    assert any('"said"' in line for line in said)


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """A PNG's width, height and rows of pixels (8-bit RGB or RGBA, as Chromium writes
    its screenshots), its filters undone (PNG specification, section 9)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, header = 8, b"", b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        chunk = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(data)
    stride = width * size
    rows: list[bytes] = []
    previous = bytearray(stride)
    for number in range(height):
        start = number * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up = previous[i]
            corner = previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                           (abs(guess - corner), 2, corner))[2]
                line[i] = (line[i] + near) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.parametrize("width", [1280, 390])
def test_a_screenshot_is_not_blank(chromium, made, tmp_path, width) -> None:
    page, _options = made
    shot = tmp_path / "shot.png"
    done = browse(chromium, tmp_path / "home", page, f"--screenshot={shot}",
                  f"--window-size={width},2000", "--hide-scrollbars")
    assert done.returncode == 0, done.stderr
    assert console(done.stderr) == []
    found_width, height, rows = pixels(shot.read_bytes())
    assert (found_width, height) == (width, 2000)
    colours = {row[i:i + 3] for row in rows[::7] for i in range(0, len(row), 3 * 5)}
    assert len(colours) > 20  # text, rules, the chart's lines: not one colour
    # the page's own width fits the window: the right-most column is the background
    assert {row[-3:] for row in rows} == {b"\xff\xff\xff"}


def test_the_page_prints_to_pdf(chromium, made, tmp_path) -> None:
    import pypdfium2

    page, _options = made
    pdf = tmp_path / "report.pdf"
    done = browse(chromium, tmp_path / "home", page, f"--print-to-pdf={pdf}",
                  "--no-pdf-header-footer")
    assert done.returncode == 0, done.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 1024
    document = pypdfium2.PdfDocument(data)
    try:
        # a page per metric (each section starts a page when printed) and the flags
        # and citations
        assert len(document) >= len(METRICS) + 1
        first = document[0].get_textpage().get_text_range()
        assert "North Mobile Limited" in first
    finally:
        document.close()
