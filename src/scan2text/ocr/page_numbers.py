"""Typed page numbers read again on their own ink.

Tesseract's line recogniser reads a lone "- 2 -" at the head of a typed page as "eS", "ils" or "Bee" at
confidence 14-33 (five of the ten real English pages here), and sometimes drops it without a trace: three glyphs
give it no context, and the grain of the paper around them weighs as much as the glyphs. The same glyphs cut out
on white, the dashes apart, read surely. So a short, unsure line of typed height, or a short row of ink above or
below the text that the reading missed, is cut into its pieces of ink; where they have a page number's shape
(flat dashes at mid-height beside one or two clusters of glyphs), each cluster is read alone on white paper (all
of a page's clusters in one Tesseract call). The new reading replaces the old one only where it is clearly
surer; otherwise the line stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scan2text.models import Box, Line, Word
from scan2text.ocr import tesseract
from scan2text.ocr.coverage import next_line_number
from scan2text.ocr.stitch import stitch, words_by_slot
from scan2text.settings import OcrSettings

Key = tuple[int, int, int, int]  # a piece's box as x, y, w, h
REASON = "page number read again on its own ink"


@dataclass(frozen=True)
class Piece:
    """One run of ink on a short line: a dash, or a cluster of glyphs to read."""

    box: Box
    dash: bool
    mask: np.ndarray | None = None  # the cluster's own pixels within `box` (dashes need none)


def reread_page_numbers(
    image: np.ndarray, lines: list[Line], lang: str, settings: OcrSettings
) -> tuple[list[Line], int]:
    """(lines, how many were read again): unsure page numbers replaced by their piecewise reading where it is
    surer, and one the reading missed added where it reads surely. Runs before lines are set aside as noise, so a
    page number read as junk is mended rather than set aside."""
    if not settings.page_number_width or not lines:
        return lines, 0
    typical = float(np.median([line.box.h for line in lines]))
    unread = _unread_head_and_foot(image, lines, typical, lang, settings)
    candidates = [line for line in lines if _is_candidate(line, typical, settings)] + unread
    cut = {line.id: pieces for line in candidates if (pieces := _pieces(image, line, typical))}
    if not cut:
        return lines, 0
    # Tesseract tries the second model of "hye+eng" on the glyphs the first reads weakly: one call either way.
    extra = settings.page_number_model
    model = f"{lang}+{extra}" if extra and extra not in lang.split("+") and extra in tesseract.installed() else lang
    readings = _read_clusters(image, [p for pieces in cut.values() for p in pieces if not p.dash], model, settings)
    better: dict[str, Line] = {}
    for line in candidates:
        if line.id not in cut:
            continue
        new = _compose(line, cut[line.id], readings, lang)
        # The same digits read surely count too: a "14" at confidence 19 is about to be set aside as a speck. A
        # number has a digit or a letter: specks beside a dash read as ".’.’" do not make one.
        if new is not None and new.conf >= settings.page_number_min_conf and new.conf > line.conf + 10 \
                and any(ch.isalnum() for ch in new.text):
            better[line.id] = new
    if not better:
        return lines, 0
    kept = [better.get(line.id, line) for line in lines]
    found = [better[line.id] for line in unread if line.id in better]
    if found:
        kept = sorted(kept + found, key=lambda line: (line.box.y, line.box.x))
    return kept, len(better)


def _unread_head_and_foot(
    image: np.ndarray, lines: list[Line], typical: float, lang: str, settings: OcrSettings
) -> list[Line]:
    """Short rows of ink above the first line read and below the last, where page numbers and catchwords sit,
    that the reading did not find at all: one row each way, the nearest to the text, as empty unsure lines.

    Tesseract's layout sometimes drops a lone "- 4 -" without a trace; it is read only if it reads surely, so a
    speck or a stamp's edge in a margin stays out of the text.
    """
    top, bottom = min(line.box.y for line in lines), max(line.box.y2 for line in lines)
    level, _ = cv2.threshold(image[::2, ::2], 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    found = []
    next_id = next_line_number(lines)
    for y0, y1, nearest in ((0, top - 1, max), (bottom + 1, image.shape[0], min)):
        if y1 - y0 < typical:
            continue
        ink = (image[y0:y1] < level).astype(np.uint8)
        _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        sized = [b for b in stats[1:] if 0.3 * typical <= b[3] <= 1.5 * typical and b[4] >= 4]
        if not sized:
            continue
        # the row nearest the text: components overlapping the nearest one's rows
        edge = nearest(sized, key=lambda b: b[1] + b[3] if nearest is max else b[1])
        row = [b for b in sized if b[1] < edge[1] + edge[3] and b[1] + b[3] > edge[1]]
        box = Box.union([Box(x=int(b[0]), y=int(b[1]) + y0, w=int(b[2]), h=int(b[3])) for b in row])
        if box.w <= settings.page_number_width * typical:
            # dashes around a number are too flat to count above; the pieces are looked for this much wider
            box = box.model_copy(update={"x": max(box.x - round(typical), 0), "w": box.w + 2 * round(typical)})
            found.append(Line(id=f"l{next_id + len(found):04d}", text="", box=box, conf=0.0, language=lang))
    return found


def _is_candidate(line: Line, typical: float, settings: OcrSettings) -> bool:
    # Width, not the characters read, says a line is short: junk readings of a page number run to 9 letters.
    # Tesseract's box of such a line may hold only its dashes (7 px of a 19 px line), so only too tall a box
    # rules a line out; its pieces are then looked for across a typical line's height.
    return (line.conf < settings.page_number_conf and line.box.w <= settings.page_number_width * typical
            and line.box.h <= settings.second_pass_line_height[1] * typical)


def _pieces(image: np.ndarray, line: Line, typical: float) -> list[Piece]:
    """The dashes and glyph clusters of a short line, left to right, in page coordinates; [] where the ink
    does not look like a few typed characters."""
    reach = round(typical)
    centre = line.box.y + line.box.h // 2
    x0, x1 = max(line.box.x - reach, 0), min(line.box.x2 + reach, image.shape[1])
    y0, y1 = max(centre - reach, 0), min(centre + reach, image.shape[0])
    crop = image[y0:y1, x0:x1]
    if crop.size == 0 or int(crop.max()) - int(crop.min()) < 32:
        return []
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    parts = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= 4]
    # Only ink that meets the line's own rows belongs to it (not the line above or below).
    parts = [i for i in parts if stats[i, 1] <= centre - y0 + line.box.h // 2 + 1
             and stats[i, 1] + stats[i, 3] >= centre - y0 - line.box.h // 2 - 1]
    if not parts:
        return []
    tallest = max(int(stats[i, 3]) for i in parts)
    if tallest < 0.3 * typical or tallest > 1.5 * typical:
        return []
    dashes = [i for i in parts if stats[i, 2] >= 1.5 * stats[i, 3] and stats[i, 3] <= 0.5 * tallest]
    glyphs = sorted((i for i in parts if i not in dashes and stats[i, 3] >= 0.4 * tallest), key=lambda i: stats[i, 0])
    clusters: list[list[int]] = []
    for i in glyphs:
        if clusters and stats[i, 0] - max(stats[j, 0] + stats[j, 2] for j in clusters[-1]) < 0.5 * tallest:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    if not clusters or len(clusters) > 2:
        return []
    # The shape of a typed page number: a dash at the glyphs' middle height beside them ("- 2 -", "-12-"), not an
    # underline or a stray flat speck. Other short lines are left alone: reading them costs a Tesseract call a
    # page (6% of the CPU on the real pages) for no word gained.
    top = min(stats[i, 1] for c in clusters for i in c)
    bottom = max(stats[i, 1] + stats[i, 3] for c in clusters for i in c)
    margin = 0.2 * (bottom - top)
    middle = [i for i in dashes if top + margin <= stats[i, 1] + stats[i, 3] / 2 <= bottom - margin]
    if not middle:
        return []
    pieces = [Piece(_box(stats, [i], x0, y0), dash=True) for i in middle]
    for cluster in clusters:
        box = _box(stats, cluster, x0, y0)
        local = labels[box.y - y0 : box.y2 - y0, box.x - x0 : box.x2 - x0]
        pieces.append(Piece(box, dash=False, mask=np.isin(local, cluster)))
    return sorted(pieces, key=lambda p: p.box.x)


def _box(stats: np.ndarray, parts: list[int], dx: int, dy: int) -> Box:
    return Box.union([Box(x=int(stats[i, 0]) + dx, y=int(stats[i, 1]) + dy, w=int(stats[i, 2]), h=int(stats[i, 3]))
                      for i in parts])


def _read_clusters(image: np.ndarray, clusters: list[Piece], lang: str, settings: OcrSettings) -> dict[Key, Word]:
    """Each cluster's reading: its own pixels alone on white, all the page's clusters stacked into one image."""
    own_ink = np.full_like(image, 255)
    for piece in clusters:
        b = piece.box
        own_ink[b.y : b.y2, b.x : b.x2][piece.mask] = image[b.y : b.y2, b.x : b.x2][piece.mask]
    canvas, slots = stitch(own_ink, [p.box for p in clusters], pad=max(8, max(p.box.h for p in clusters)))
    found = words_by_slot(tesseract.recognize(canvas, lang, psm=6, oem=settings.oem), slots)
    return {_key(clusters[n].box): Word(text="".join(w.text for w in words), box=clusters[n].box,
                                        conf=min(w.conf for w in words)) for n, words in found.items()}


def _key(box: Box) -> Key:
    return box.x, box.y, box.w, box.h


def _compose(line: Line, pieces: list[Piece], readings: dict[Key, Word], lang: str) -> Line | None:
    """The line from its pieces: dashes as '-', clusters as read; pieces closer than half a glyph's height
    make one word ("-3-"), wider gaps a space ("- 3 -")."""
    if any(not p.dash and _key(p.box) not in readings for p in pieces):
        return None
    tallest = max(p.box.h for p in pieces if not p.dash)
    words: list[list[tuple[Piece, str, float]]] = []
    for piece in pieces:
        text, conf = ("-", None) if piece.dash else (readings[_key(piece.box)].text,
                                                            readings[_key(piece.box)].conf)
        item = (piece, text, conf)
        if words and piece.box.x - words[-1][-1][0].box.x2 < 0.5 * tallest:
            words[-1].append(item)
        else:
            words.append([item])
    read_confs = [conf for word in words for _, _, conf in word if conf is not None]
    out = []
    for word in words:
        confs = [conf for _, _, conf in word if conf is not None]
        out.append(Word(text="".join(text for _, text, _ in word), box=Box.union([p.box for p, _, _ in word]),
                        conf=round(min(confs) if confs else min(read_confs), 2)))
    return Line.of_words(out, lang, line.id).model_copy(update={"reason": REASON})
