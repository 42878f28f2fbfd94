#!/usr/bin/env python3
"""Checks a compiled report's .docx the way an office would open it.

  document_matches_rollup.py REPORT.docx ROLLUP.json [--png=PAGE.png]

REPORT.docx is `tonghop compile --format=docx`; ROLLUP.json is
`tonghop --output=json rollup` for the same plan, period and subtree. The
document is converted to PDF by LibreOffice (`soffice --headless
--convert-to pdf`, Debian's libreoffice-writer-nogui), which fails on a
document it cannot read, and the PDF's text (`pdftotext -raw`, poppler-utils)
must hold every part an administrative document has under Decree
30/2020/NĐ-CP (national name and motto, number and symbol, place and date,
type and summary, the four sections, recipients, signature) and, in its
statistics appendix, every indicator's total equal to the roll-up's — "—"
where the roll-up has none, never a number. With --png, the first page is
rendered (`pdftoppm`) for a reviewer. Exits 0 when everything holds, 1 with
the differences otherwise.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

REQUIRED = [
    ("national name", r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("motto", r"Độc lập - Tự do - Hạnh phúc"),
    ("number and symbol", r"Số:\s*\d*\s*/BC-[A-ZĐ]+"),
    ("place and date", r"\w[\w ]*, ngày \d\d tháng \d\d? năm \d{4}"),
    ("type", r"\bBÁO CÁO\b"),
    ("summary", r"Kết quả thực hiện Kế hoạch số \S+"),
    ("section I", r"I\. TÌNH HÌNH"),
    ("section II", r"II\. KẾT QUẢ THỰC HIỆN"),
    ("section III", r"III\. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN"),
    ("section IV", r"IV\. KIẾN NGHỊ, ĐỀ XUẤT"),
    ("data as of", r"Số liệu tính đến \d\d:\d\d, \d\d/\d\d/\d{4}"),
    ("recipients", r"Nơi nhận:"),
    ("signature", r"GIÁM ĐỐC|THỦ TRƯỞNG"),
    ("statistics appendix", r"SỐ LIỆU THỐNG KÊ"),
]

FIGURE = re.compile(r"^(—|x|[+-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?)(\(\d+\))?$")


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def to_pdf(docx, directory):
    profile = os.path.join(directory, "profile")
    run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
         "--convert-to", "pdf", "--outdir", directory, docx],
        env={**os.environ, "HOME": directory}, timeout=300)
    pdf = os.path.join(directory, os.path.splitext(os.path.basename(docx))[0] + ".pdf")
    if not os.path.exists(pdf):
        raise SystemExit(f"LibreOffice did not convert {docx}")
    return pdf


def vietnamese(exact):
    """'1234.5' → '1.234,5', as the document writes figures."""
    sign = exact[0] if exact[:1] in "+-" else ""
    whole, _, fraction = exact.lstrip("+-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + ("," + fraction if fraction else "")


def shown_figures(text, names):
    """The figure shown after each name, in order, in the statistics appendix."""
    start = text.find("SỐ LIỆU THỐNG KÊ")
    appendix = text[start:]
    compact, positions = [], []
    for i, c in enumerate(appendix):
        if not c.isspace():
            compact.append(c)
            positions.append(i)
    compact = "".join(compact)
    cursor, shown = 0, {}
    for name in names:
        wanted = "".join(name.split())
        found = compact.find(wanted, cursor)
        if found < 0:
            shown[name] = None
            continue
        cursor = found + len(wanted)
        words = appendix[positions[cursor - 1] + 1:][:400].split()
        shown[name] = next((m.group(1) for m in map(FIGURE.match, words) if m), None)
    return shown


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    png = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--png=")), None)
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    docx, rollup_json = args
    problems = []
    with tempfile.TemporaryDirectory() as directory:
        pdf = to_pdf(docx, directory)
        text = run(["pdftotext", "-raw", pdf, "-"]).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", run(["pdfinfo", pdf]).stdout).group(1))
        if png:
            stem = png[:-4] if png.endswith(".png") else png
            run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, stem])
    flat = re.sub(r"\s+", " ", text)
    for what, pattern in REQUIRED:
        if not re.search(pattern, flat):
            problems.append(f"missing {what} (/{pattern}/)")

    rollup = json.load(open(rollup_json, encoding="utf-8"))
    indicators = rollup.get("indicators", [])
    shown = shown_figures(text, [i["displayName"] for i in indicators])
    compared = 0
    for indicator in indicators:
        name = indicator["displayName"]
        total = indicator.get("total", {})
        want = vietnamese(total["value"]) if total.get("present") else "—"
        got = shown.get(name)
        if got is None:
            problems.append(f"{name}: not found in the statistics appendix")
        elif got != want:
            problems.append(f"{name}: the document shows {got}, the roll-up {want}")
        compared += 1
    for p in problems:
        print("MISMATCH", p)
    print(f"LibreOffice converted the .docx to {pages} pages; "
          f"{len(REQUIRED)} required parts and {compared} indicator totals checked; "
          f"{len(problems)} problems")
    return 1 if problems or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
