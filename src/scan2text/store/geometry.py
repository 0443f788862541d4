"""Boxes between the cleaned image (where OCR ran) and the original scan (what archivists and
other tools see), and the overlap measure used to follow lines across runs and imports."""

from __future__ import annotations

from scan2text.models import Box, PreprocessReport

Rect = tuple[float, float, float, float]  # x1, y1, x2, y2
Point = tuple[float, float]

IDENTITY = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]


def quad(box: Box, matrix: list[list[float]]) -> list[Point]:
    """The box's corners (clockwise from top-left) mapped through a 2x3 affine matrix."""
    (a, b, c), (d, e, f) = matrix
    corners = [(box.x, box.y), (box.x2, box.y), (box.x2, box.y2), (box.x, box.y2)]
    return [(a * x + b * y + c, d * x + e * y + f) for x, y in corners]


def bounds(points: list[Point]) -> Rect:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def to_original(box: Box, report: PreprocessReport) -> Rect:
    """Axis-aligned bounds of a cleaned-image box in original-image pixels."""
    return bounds(quad(box, report.to_original))


def invert(matrix: list[list[float]]) -> list[list[float]]:
    (a, b, c), (d, e, f) = matrix
    det = a * e - b * d
    if abs(det) < 1e-12:
        return IDENTITY
    ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
    return [[ia, ib, -(ia * c + ib * f)], [id_, ie, -(id_ * c + ie * f)]]


def rect_to_box(rect: Rect, matrix: list[list[float]] | None = None) -> Box:
    """A rectangle (optionally mapped through `matrix` first) as an integer Box."""
    x1, y1, x2, y2 = rect
    if matrix is not None:
        x1, y1, x2, y2 = bounds(quad(Box(x=round(x1), y=round(y1), w=round(x2 - x1), h=round(y2 - y1)), matrix))
    return Box(x=round(x1), y=round(y1), w=max(1, round(x2 - x1)), h=max(1, round(y2 - y1)))


def iou(a: Rect, b: Rect) -> float:
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def match_boxes(
    anchors: dict[int, tuple[str, Rect]],
    lines: dict[str, Rect],
    same_id_min: float = 0.3,
    overlap_min: float = 0.5,
) -> dict[int, str]:
    """Pair anchored items (key -> (old line id, rect)) with new lines (id -> rect).

    Same id wins when the boxes still overlap (the usual re-run); otherwise the best-overlapping
    free line, greedily by overlap, so a renumbering (a line split or merged above) does not move
    a correction onto its neighbour. Unpaired keys are absent from the result.
    """
    result: dict[int, str] = {}
    taken: set[str] = set()
    for key, (line_id, rect) in anchors.items():
        if line_id in lines and iou(rect, lines[line_id]) >= same_id_min:
            result[key] = line_id
            taken.add(line_id)
    pairs = sorted(
        (
            (iou(rect, other), key, other_id)
            for key, (_, rect) in anchors.items()
            if key not in result
            for other_id, other in lines.items()
            if other_id not in taken
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for score, key, other_id in pairs:
        if score < overlap_min:
            break
        if key in result or other_id in taken:
            continue
        result[key] = other_id
        taken.add(other_id)
    return result
