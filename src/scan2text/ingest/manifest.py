"""The manifest CSV: which fund, inventory, file and sheet each image is, where the folders do not say.

Columns: image, [frame], [archive], fund, inventory, file, sheet, [side]. Every row is checked before any page
is read, and every bad row is named at once, so a delivery's manifest is fixed in one go.
"""

from __future__ import annotations

import csv
from pathlib import Path

from scan2text.errors import ConfigError
from scan2text.models import SheetRef

MANIFEST_NAME = "manifest.csv"
_VERSO = {"v", "verso", "ob", "reverse", "об."}
_SHOWN = 20  # bad rows named in the message; the rest are counted


def read_manifest(path: Path, root: Path | None = None) -> dict[tuple[str, int], SheetRef]:
    """Sheets by (image, frame). With `root`, each image must exist under it. ConfigError lists every bad row: a
    row shorter or longer than the header, no image, an image not found, a frame or sheet that is not a number,
    the same image and frame twice."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = [name.strip().lower() for name in next(reader, [])]
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read the manifest: {exc}", str(path)) from exc
    if "image" not in header:
        raise ConfigError("the manifest has no 'image' column in its first line", str(path))
    result: dict[tuple[str, int], SheetRef] = {}
    first_line: dict[tuple[str, int], int] = {}
    problems: list[str] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"line {line} has {len(cells)} fields, the header {len(header)}")
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=True) if name}
        problem, key, sheet = _row(row, root)
        if problem:
            problems.append(f"line {line}: {problem}")
        elif key in first_line:
            problems.append(f"line {line} repeats line {first_line[key]} ({key[0]}, frame {key[1] + 1})")
        elif key is not None and sheet is not None:
            first_line[key] = line
            result[key] = sheet
    if problems:
        more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        raise ConfigError(f"bad manifest rows: {'; '.join(problems[:_SHOWN])}{more}", str(path))
    return result


def _row(row: dict[str, str], root: Path | None) -> tuple[str | None, tuple[str, int] | None, SheetRef | None]:
    image = row.get("image", "")
    if not image:
        return "no image", None, None
    if root is not None and not (root / image).is_file():
        return f"image {image} not found under {root}", None, None
    numbers: dict[str, int | None] = {}
    for name in ("frame", "sheet"):
        value = row.get(name) or ""
        if value and not value.isdigit():
            return f"{name} {value!r} is not a number", None, None
        numbers[name] = int(value) if value else None
    frame = (numbers["frame"] or 1) - 1
    sheet = SheetRef(
        archive=row.get("archive") or None,
        fund=row.get("fund") or None,
        inventory=row.get("inventory") or None,
        file=row.get("file") or None,
        sheet=numbers["sheet"],
        verso=row.get("side", "").lower() in _VERSO,
    )
    return None, (image, frame), sheet
