"""Write a sample set: scanned page images, per-page ground truth and truth.json (docs/SAMPLE-SHAPES.md).

    python -m scan2text_tools.samplegen --level mild --out samples
    python -m scan2text_tools.samplegen --level hard --out bench/hard
    build_set("mild", Path("samples"))          # returns the truth dict it wrote

Pages are rendered with `render.render_page`, damaged with `degrade.degrade` and saved by suffix (PNG,
JPEG quality 90, multi-page TIFF with deflate). Every page's RNG seed is derived from the level and its
image path, so a rebuild on the same machine writes the same bytes. Ground truth sits next to each image as
`<stem>.gt.txt` (`<stem>_<frame>.gt.txt`, frame from 1, for TIFF frames).
"""

from __future__ import annotations

import json
import shutil
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from .degrade import degrade
from .plan import STACKS, PageSpec, Stack
from .render import SampleGenError, lines_per_page, render_page
from .texts import doc_lines, gt_lines

DOC_GAP = 2  # empty lines between two documents on one page


@dataclass
class LaidPage:
    spec: PageSpec
    lines: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)


def layout(stack: Stack) -> list[LaidPage]:
    """Flow the stack's documents over its pages; raises SampleGenError if they do not fit exactly."""
    pages = [LaidPage(spec) for spec in stack.pages]
    i = 0
    for n, doc in enumerate(stack.docs):
        if n and doc.key in stack.new_page:
            i += 1
        elif n:
            pages[i].lines += [""] * DOC_GAP
        for line in doc_lines(doc):
            while len(pages[i].lines) >= lines_per_page(pages[i].spec.dpi, pages[i].spec.spacing):
                i += 1
                if i == len(pages):
                    raise SampleGenError(f"{stack.language}: documents overflow the last page at {doc.key}")
            if not line and not pages[i].lines:
                continue  # a page never starts with an empty line
            pages[i].lines.append(line)
            if line and doc.key not in pages[i].docs:
                pages[i].docs.append(doc.key)
    for page in pages:
        while page.lines and not page.lines[-1]:
            page.lines.pop()
        if not page.lines:
            raise SampleGenError(f"{stack.language}: page {page.spec.image} got no text")
    return pages


def page_seed(level: str, spec: PageSpec) -> int:
    return zlib.crc32(f"{level}/{spec.image}#{spec.frame}".encode())


def gt_name(spec: PageSpec) -> str:
    stem = spec.image.rsplit(".", 1)[0]
    return f"{stem}_{spec.frame + 1}.gt.txt" if spec.image.endswith(".tif") else f"{stem}.gt.txt"


def _scan(args: tuple[str, str, LaidPage, LaidPage]) -> tuple[np.ndarray, float, int]:
    """Render and degrade one page; the verso (another page of the stack) shows through at level hard."""
    level, lang, page, other = args
    spec = page.spec
    seed = page_seed(level, spec)
    clean = render_page(page.lines, lang, dpi=spec.dpi, seed=seed, spacing=spec.spacing)
    verso = None
    if level == "hard":
        verso = render_page(other.lines, lang, dpi=spec.dpi, seed=page_seed(level, other.spec))
    rng = np.random.default_rng(seed)
    scan, info = degrade(clean, level, rng, skew=spec.skew, rotation=spec.rotation, verso=verso, dpi=spec.dpi)
    if "text clipped" in info.steps:
        raise SampleGenError(f"{spec.image}: skew {info.skew} turns typed text off the sheet")
    return scan, info.skew, info.rotation


def _save(path: Path, frames: list[np.ndarray], dpi: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [Image.fromarray(f, mode="L") for f in frames]
    suffix = path.suffix.lower()
    if suffix == ".png":
        images[0].save(path, "PNG", compress_level=9, dpi=(dpi, dpi))
    elif suffix in (".jpg", ".jpeg"):
        images[0].save(path, "JPEG", quality=90, dpi=(dpi, dpi))
    elif suffix in (".tif", ".tiff"):
        images[0].save(
            path, "TIFF", compression="tiff_deflate", dpi=(dpi, dpi), save_all=True, append_images=images[1:]
        )
    else:
        raise SampleGenError(f"{path}: unsupported image suffix {suffix!r}")


def build_set(level: str, out: Path, jobs: int = 1) -> dict[str, list[dict[str, object]]]:
    """Generate the `level` set ("mild" or "hard") into `out` and write `out/truth.json`."""
    if level not in STACKS:
        raise SampleGenError(f"unknown sample level {level!r} (choose from {', '.join(STACKS)})")
    stacks = STACKS[level]
    laid = [(stack, layout(stack)) for stack in stacks]
    work = [
        (level, stack.language, page, pages[(k + 1) % len(pages)])
        for stack, pages in laid
        for k, page in enumerate(pages)
    ]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            scans = list(pool.map(_scan, work))
    else:
        scans = [_scan(w) for w in work]

    out.mkdir(parents=True, exist_ok=True)
    for stack in stacks:  # a rebuild replaces the previous output, never leaves stale pages behind
        shutil.rmtree(out / stack.language, ignore_errors=True)
    frames: dict[str, list[tuple[int, np.ndarray, int]]] = {}
    truth_pages: list[dict[str, object]] = []
    where: dict[str, list[dict[str, object]]] = {}
    for (_, lang, page, _other), (scan, skew, rotation) in zip(work, scans, strict=True):
        spec = page.spec
        frames.setdefault(spec.image, []).append((spec.frame, scan, spec.dpi))
        gt_path = out / gt_name(spec)
        gt_path.parent.mkdir(parents=True, exist_ok=True)
        gt_path.write_text("\n".join(gt_lines(page.lines)) + "\n", encoding="utf-8")
        truth_pages.append(
            {
                "image": spec.image,
                "frame": spec.frame,
                "language": lang,
                "gt": gt_name(spec),
                "skew": skew,
                "rotation": rotation,
                "dpi": spec.dpi,
                "level": level,
            }
        )
        for key in page.docs:
            where.setdefault(key, []).append({"image": spec.image, "frame": spec.frame})
    for image, items in frames.items():
        items.sort(key=lambda item: item[0])
        _save(out / image, [scan for _, scan, _ in items], items[0][2])

    documents = []
    for stack in stacks:
        for doc in stack.docs:
            entry = doc.truth()
            entry["pages"] = where[doc.key]
            entry["cited_source"] = entry.pop("cited_source")
            documents.append(entry)
    truth = {"pages": truth_pages, "documents": documents}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth
