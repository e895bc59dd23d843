"""Looking inside an .xlsx we wrote: cells' styles, fills, number formats and comments."""

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


class Parts:
    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.names = z.namelist()
            self.sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
            self.styles = ElementTree.fromstring(z.read("xl/styles.xml"))
            self.comments_xml = (
                z.read("xl/comments1.xml").decode() if "xl/comments1.xml" in self.names else ""
            )
        self.xfs = self.styles.findall("m:cellXfs/m:xf", NS)
        self.fills = self.styles.findall("m:fills/m:fill", NS)

    def comments(self) -> dict[str, str]:
        root = ElementTree.fromstring(self.comments_xml) if self.comments_xml else None
        if root is None:
            return {}
        return {
            c.get("ref", ""): "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
            for c in root.iterfind("m:commentList/m:comment", NS)
        }

    def cell_style(self, ref: str) -> int:
        for c in self.sheet.iterfind("m:sheetData/m:row/m:c", NS):
            if c.get("r") == ref:
                return int(c.get("s", "0"))
        raise KeyError(ref)

    def fill(self, style: int) -> str:
        """The fill colour of a cell style (RGB), "" for none."""
        fill = self.fills[int(self.xfs[style].get("fillId", "0"))]
        colour = fill.find("m:patternFill/m:fgColor", NS)
        return colour.get("rgb", "") if colour is not None else ""

    def number_format(self, style: int) -> int:
        return int(self.xfs[style].get("numFmtId", "0"))

    def column_style(self, index: int) -> int:
        """The style of a column (0 = A), from the sheet's <col> ranges."""
        for col in self.sheet.iterfind("m:cols/m:col", NS):
            if int(col.get("min", "0")) <= index + 1 <= int(col.get("max", "0")):
                return int(col.get("style", "0"))
        return 0

    def validations(self) -> list[str]:
        return [
            re.sub(r"\s+", "", "".join(v.itertext()))
            for v in self.sheet.iterfind("m:dataValidations/m:dataValidation", NS)
        ]
