#!/usr/bin/env python3
"""Checks that a compiled report's workbook holds the same figures as a roll-up.

  xlsx_matches_rollup.py REPORT.xlsx ROLLUP.json

REPORT.xlsx is `tonghop compile --format=xlsx`; ROLLUP.json is
`tonghop --output=json rollup` for the same plan, period and subtree. Every
indicator total of the "Số liệu" (Statistics) sheet must be a numeric cell
equal to the roll-up's exact value, and every indicator the roll-up has a
value for must be in the sheet; one the roll-up has no value for must be
"—" (not available) or "x" (withheld), never a number or an empty cell. Reads the workbook with openpyxl (Debian's
python3-openpyxl) when it is installed, else with the standard library.
Exits 0 when everything matches, 1 with the differences otherwise.
"""

import json
import sys
import zipfile
import xml.etree.ElementTree as ET
from decimal import Decimal

SHEETS = ("Số liệu", "Statistics")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def rows_with_openpyxl(path):
    import openpyxl  # noqa: PLC0415 (optional dependency)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheet = next(book[name] for name in SHEETS if name in book.sheetnames)
    for row in sheet.iter_rows(values_only=True):
        yield list(row)


def column_index(ref):
    letters = "".join(c for c in ref if c.isalpha())
    index = 0
    for c in letters:
        index = index * 26 + (ord(c) - ord("A") + 1)
    return index - 1


def rows_with_stdlib(path):
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                shared.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        target = None
        for sheet in book.find("m:sheets", NS):
            if sheet.get("name") in SHEETS:
                target = targets[sheet.get(f"{{{NS['r']}}}id")]
        if target is None:
            raise SystemExit("no statistics sheet in the workbook")
        data = ET.fromstring(z.read("xl/" + target.lstrip("/").removeprefix("xl/")))
        for row in data.iter(f"{{{NS['m']}}}row"):
            values = []
            for cell in row.findall("m:c", NS):
                i = column_index(cell.get("r"))
                while len(values) <= i:
                    values.append(None)
                v = cell.find("m:v", NS)
                kind = cell.get("t")
                if kind == "s":
                    values[i] = shared[int(v.text)]
                elif kind == "inlineStr":
                    values[i] = "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
                elif v is not None:
                    values[i] = float(v.text)
            yield values


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    xlsx, rollup_json = sys.argv[1], sys.argv[2]
    try:
        rows = list(rows_with_openpyxl(xlsx))
        reader = "openpyxl"
    except ImportError:
        rows = list(rows_with_stdlib(xlsx))
        reader = "standard library"
    header, body = rows[0], rows[1:]
    sheet = {}
    for row in body:
        row = list(row) + [None] * (12 - len(row))
        indicator_id, breakdown, current = row[0], row[2], row[4]
        if indicator_id and not breakdown:
            sheet[indicator_id] = current
    rollup = json.load(open(rollup_json, encoding="utf-8"))
    problems = []
    compared = 0
    for indicator in rollup.get("indicators", []):
        indicator_id = indicator["indicator"].split("/", 1)[1]
        total = indicator.get("total", {})
        want = Decimal(total["value"]) if total.get("present") else None
        if indicator_id not in sheet:
            if want is not None:
                problems.append(f"{indicator_id}: {want} in the roll-up, missing from the workbook")
            continue
        got = sheet[indicator_id]
        if want is None:
            if got not in ("—", "x"):
                problems.append(f"{indicator_id}: workbook has {got!r}, the roll-up has no value")
            compared += 1
            continue
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            problems.append(f"{indicator_id}: workbook cell is {got!r}, not a number")
            continue
        if Decimal(repr(float(got))) != want and abs(Decimal(repr(float(got))) - want) > Decimal("1e-9") * max(1, abs(want)):
            problems.append(f"{indicator_id}: workbook {got} != roll-up {want}")
        compared += 1
    for p in problems:
        print("MISMATCH", p)
    print(f"compared {compared} indicator totals ({reader}); {len(problems)} mismatches")
    return 1 if problems or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
