"""Where the two sides of a diff come from: run folders, ground-truth folders, PAGE-XML, the store.

A `Source` lists page keys and loads one page at a time as a list of lines (text, and the line's box in
the page's cleaned image when known). Sources name the same page differently (a run uses its page id,
ground truth uses the image stem, a multi-page TIFF frame is `<stem>_<frame>.gt.txt`), so each page also
offers aliases and `pair_pages` matches them, trying longer paths before bare file names.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from lxml import etree
from pydantic import BaseModel, ValidationError

from scan2text.errors import Scan2TextError
from scan2text.models import Box, Page, Record
from scan2text.store.run_folder import PAGES_DIR, RunFolder


class DiffError(Scan2TextError):
    """A diff input cannot be read or understood."""

    stage = "diff"


class SourceLine(BaseModel):
    text: str
    id: str | None = None
    box: Box | None = None


class SourcePage(BaseModel):
    id: str
    lines: list[SourceLine] = []
    image: Path | None = None

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


class Source(ABC):
    """One side of a diff. `partial` sources (ground truth, corrections) cover a subset of the pages."""

    label: str = "source"
    partial: bool = False

    @abstractmethod
    def page_keys(self) -> dict[str, list[str]]:
        """page id -> aliases (the id first), in the source's page order."""

    @abstractmethod
    def load(self, page_id: str) -> SourcePage:
        """The page's lines in reading order."""

    def documents(self) -> dict[str, list[str]]:
        """record id -> page ids of this source, when the source knows its documents."""
        return {}


def _clean_lines(texts: Iterable[str]) -> list[str]:
    # Trailing spaces and blank separator lines carry no transcription content in either convention
    return [t.rstrip() for t in texts if t.strip()]


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DiffError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", str(path)) from exc
    except OSError as exc:
        raise DiffError(f"cannot read: {exc.strerror}", str(path)) from exc


def _posix(path: Path) -> str:
    return path.as_posix()


class RunFolderSource(Source):
    """The output folder of `scan2text run`: pages/**/*.txt beside pages/**/*.json and *.clean.png."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = RunFolder(root)
        self.label = root.name or str(root)
        if not self.folder.has_pages():
            raise DiffError(f"not a run output folder (no {PAGES_DIR}/ folder)", str(root))
        self._files: dict[str, str] = {}  # page id -> the page id its files are named by
        self._keys: dict[str, list[str]] = {}
        self._scan()

    def _input_name(self) -> str | None:
        """Name of the folder the newest run read, from the store (None when there is no store)."""
        if not self.folder.has_store():
            return None
        try:
            with self.folder.open_store(read_only=True) as store:
                runs = store.runs()
        except Scan2TextError:
            return None
        if not runs or not runs[-1].input_dir:
            return None
        path = PurePosixPath(runs[-1].input_dir.replace("\\", "/"))
        # a run over one file names the file; its pages are named relative to the file's folder
        return (path.parent if path.suffix else path).name or None

    def _scan(self) -> None:
        # Page ids are relative to the run's input folder, ground truth often to a folder above it
        # (`scan2text run samples/rus` gives `fund-200/…/0213`, the truth is `rus/fund-200/…/0213`):
        # the input folder's name in front of each alias tells `eng/…/0213` from `rus/…/0213`.
        prefix = self._input_name()
        for rel, _ in self.folder.page_files():
            aliases = [rel]
            page_id = rel
            meta = self._json_meta(self.folder.page_json(rel))
            if meta is not None:
                page_id = str(meta.get("id") or rel)
                image = meta.get("image")
                frame = int(meta.get("frame") or 0)
                if isinstance(image, str):
                    image_stem = _posix(PurePosixPath(image).with_suffix(""))
                    if "#" in page_id or frame > 0:
                        # tesstrain-style ground truth of a multi-page file: <stem>_<frame from 1>.gt.txt
                        aliases.append(f"{image_stem}_{frame + 1}")
                    else:
                        aliases.append(image_stem)
            self._files[page_id] = rel
            ordered = [page_id, *[a for a in aliases if a != page_id]]
            if prefix:
                ordered = [f"{prefix}/{a}" for a in ordered] + ordered
            self._keys[page_id] = list(dict.fromkeys(ordered))

    @staticmethod
    def _json_meta(path: Path) -> dict[str, object] | None:
        if not path.exists():
            return None
        try:
            data = json.loads(_read_text(path))
        except json.JSONDecodeError as exc:
            raise DiffError(f"page JSON is not valid JSON: {exc.msg} (line {exc.lineno})", str(path)) from exc
        return data if isinstance(data, dict) else None

    def page_keys(self) -> dict[str, list[str]]:
        return self._keys

    def load(self, page_id: str) -> SourcePage:
        rel = self._files[page_id]
        json_path, txt_path = self.folder.page_json(rel), self.folder.page_text(rel)
        page: Page | None = None
        if json_path.exists():
            try:
                page = Page.model_validate_json(_read_text(json_path))
            except ValidationError as exc:
                raise DiffError(
                    f"page JSON does not match the Page model: {exc.errors()[0]['msg']}", str(json_path)
                ) from exc
        json_lines = [line for line in page.lines if line.text.strip()] if page else []
        if txt_path.exists():
            texts = _clean_lines(_read_text(txt_path).splitlines())
        else:
            texts = [line.text.rstrip() for line in json_lines]
        # The .txt is the text of record (it may have been edited); the JSON only lends geometry, and only
        # when the two still agree line for line.
        if len(texts) == len(json_lines):
            pairs = zip(texts, json_lines, strict=True)
            lines = [SourceLine(text=t, id=jl.id, box=jl.box) for t, jl in pairs]
        else:
            lines = [SourceLine(text=t) for t in texts]
        return SourcePage(id=page_id, lines=lines, image=self._image(rel, page))

    def _image(self, rel: str, page: Page | None) -> Path | None:
        candidates = [self.folder.clean_image(rel)]
        if page is not None and page.cleaned_image:
            candidates.insert(0, self.folder.resolve(page.cleaned_image))
        return next((c for c in candidates if c.is_file()), None)

    def documents(self) -> dict[str, list[str]]:
        path = self.folder.records_path
        if not path.exists():
            return {}
        docs: dict[str, list[str]] = {}
        for no, raw in enumerate(_read_text(path).splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                record = Record.model_validate_json(raw)
            except ValidationError as exc:
                raise DiffError(f"line {no} is not a Record: {exc.errors()[0]['msg']}", str(path)) from exc
            docs[record.id] = [p.page_id for p in record.pages]
        return docs


class GroundTruthSource(Source):
    """A folder of `<page stem>.gt.txt` files (tesstrain convention), searched recursively."""

    partial = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = f"{root.name or root} (ground truth)"
        found = sorted(p for p in root.rglob("*.gt.txt") if p.is_file())
        self._files = {_posix(p.relative_to(root))[: -len(".gt.txt")]: p for p in found}
        if not self._files:
            raise DiffError("no *.gt.txt files found", str(root))

    def page_keys(self) -> dict[str, list[str]]:
        return {key: [key] for key in self._files}

    def load(self, page_id: str) -> SourcePage:
        texts = _clean_lines(_read_text(self._files[page_id]).splitlines())
        return SourcePage(id=page_id, lines=[SourceLine(text=t) for t in texts])


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _box_from_points(points: str) -> Box | None:
    try:
        xy = [tuple(int(float(v)) for v in pair.split(",")) for pair in points.split()]
    except ValueError:
        return None
    if not xy:
        return None
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    return Box(x=min(xs), y=min(ys), w=max(xs) - min(xs), h=max(ys) - min(ys))


def _text_equiv(el: etree._Element) -> str | None:
    equivs = _children(el, "TextEquiv")
    if not equivs:
        return None
    # PAGE allows several alternatives; index 1 (or the lowest index) is the primary reading
    equivs.sort(key=lambda e: int(e.get("index", "")) if e.get("index", "").lstrip("-").isdigit() else 0)
    for equiv in equivs:
        uni = _children(equiv, "Unicode")
        if uni:
            return uni[0].text or ""
    return None


class PageXmlSource(Source):
    """PAGE-XML files (one page each): lines from TextLine/TextEquiv in reading order."""

    partial = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = f"{root.name or root} (PAGE-XML)"
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*.xml") if p.is_file())
        base = root.parent if root.is_file() else root
        self._files: dict[str, Path] = {}
        self._keys: dict[str, list[str]] = {}
        for path in files:
            tree = self._parse(path)
            if _local(tree.getroot().tag) != "PcGts":
                continue
            key = _posix(path.relative_to(base).with_suffix(""))
            aliases = [key]
            page_el = next(iter(tree.getroot().iter("{*}Page")), None)
            image = page_el.get("imageFilename") if page_el is not None else None
            if image:
                aliases.append(_posix(PurePosixPath(image).with_suffix("")))
            self._files[key] = path
            self._keys[key] = aliases
        if not self._files:
            raise DiffError("no PAGE-XML (PcGts) files found", str(root))

    @staticmethod
    def _parse(path: Path) -> etree._ElementTree:
        try:
            return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            raise DiffError(f"not well-formed XML: {exc.msg}", str(path)) from exc

    def page_keys(self) -> dict[str, list[str]]:
        return self._keys

    def load(self, page_id: str) -> SourcePage:
        root = self._parse(self._files[page_id]).getroot()
        page_el = next(iter(root.iter("{*}Page")), None)
        if page_el is None:
            return SourcePage(id=page_id)
        regions = [r for r in page_el.iter("{*}TextRegion")]
        order = [ref.get("regionRef") for ref in page_el.iter("{*}RegionRefIndexed", "{*}RegionRef")]
        indexed = [ref for ref in page_el.iter("{*}RegionRefIndexed")]
        if indexed:
            indexed.sort(key=lambda r: int(r.get("index", "0")))
            order = [r.get("regionRef") for r in indexed]
        if order:
            rank = {rid: i for i, rid in enumerate(order)}
            regions.sort(key=lambda r: rank.get(r.get("id"), len(rank)))
        lines: list[SourceLine] = []
        for region in regions:
            for line_el in _children(region, "TextLine"):
                text = _text_equiv(line_el)
                if text is None:
                    words = [_text_equiv(w) or "" for w in _children(line_el, "Word")]
                    text = " ".join(w for w in words if w)
                if not text.strip():
                    continue
                coords = _children(line_el, "Coords")
                box = _box_from_points(coords[0].get("points", "")) if coords else None
                lines.append(SourceLine(text=text.rstrip(), id=line_el.get("id"), box=box))
        return SourcePage(id=page_id, lines=lines)


def _suffixes(key: str) -> list[str]:
    parts = key.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts))]


class PagePair(BaseModel):
    """A page as seen by both sides; either id is None when one side lacks the page."""

    page_id: str
    ref_id: str | None
    hyp_id: str | None


def pair_pages(reference: Source, hypothesis: Source) -> list[PagePair]:
    """Match pages by id or alias, then by trailing path (`eng/f1/0213` matches `samples/eng/f1/0213`).

    One key must be a whole trailing part of the other: `eng/0213` never matches `rus/0213`, and a
    trailing part two reference pages share matches neither.
    """
    full: dict[str, str] = {}
    by_suffix: dict[str, str | None] = {}
    for ref_id, aliases in reference.page_keys().items():
        for alias in aliases:
            full.setdefault(alias, ref_id)
            for suffix in _suffixes(alias):
                by_suffix[suffix] = ref_id if by_suffix.get(suffix, ref_id) == ref_id else None
    pairs: list[PagePair] = []
    used: set[str] = set()
    for hyp_id, aliases in hypothesis.page_keys().items():
        match: str | None = None
        for alias in aliases:
            candidates = [full.get(alias), by_suffix.get(alias)]
            candidates += [full.get(s) for s in _suffixes(alias)[1:]]
            match = next((c for c in candidates if c is not None and c not in used), None)
            if match:
                break
        if match:
            used.add(match)
        pairs.append(PagePair(page_id=hyp_id, ref_id=match, hyp_id=hyp_id))
    for ref_id in reference.page_keys():
        if ref_id not in used:
            pairs.append(PagePair(page_id=ref_id, ref_id=ref_id, hyp_id=None))
    return pairs
