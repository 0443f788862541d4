"""Document texts for the sample sets and their layout as typed lines.

A `Doc` holds one document of a Soviet-era document publication in the shapes of docs/SAMPLE-SHAPES.md
(collection number, title, addressee, subject, place/date line, body, signature, citation) together with
the truth the segmenter should recover (doc_type, ISO date, cited sources). `doc_lines(doc)` types it as
lines of at most `WIDTH` characters (leading spaces = indentation, "" = an empty line).

The texts themselves live in `texts_eng` (taken from the seed translations), `texts_rus` and `texts_hye`
(written for the project); `plan.STACKS` orders them onto the pages of each sample set.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

WIDTH = 65  # typed characters per line (pica, about 6.5 inches of a 8.27 inch A4 sheet)
TITLE_WIDTH = 56
INDENT = 5  # paragraph indent in characters
SIGNATURE_INDENT = 28


@dataclass(frozen=True)
class Source:
    """One cited archival source, as truth.json reports it."""

    archive: str
    fund: str
    inventory: str
    file: str
    sheets: str
    sheet_first: int
    sheet_last: int
    verso: bool = False
    form: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "archive": self.archive,
            "fund": self.fund,
            "inventory": self.inventory,
            "file": self.file,
            "sheets": self.sheets,
            "sheet_first": self.sheet_first,
            "sheet_last": self.sheet_last,
            "verso": self.verso,
            "form": self.form,
        }


@dataclass(frozen=True)
class Doc:
    """One document: the typed parts plus the metadata the segmenter should find.

    `doc_type=None` with `title=None` is a tail: text before the first header of a batch.
    """

    key: str
    language: str
    doc_type: str | None
    title: str | None
    body: tuple[str, ...]
    citation: str
    sources: tuple[Source, ...]
    collection_number: str | None = None
    addressee: str | None = None
    subject: str | None = None
    date_line: str | None = None
    number: str | None = None
    place: str | None = None
    date: str | None = None
    date_text: str | None = None
    signature: tuple[str, ...] = ()

    def truth(self) -> dict[str, object]:
        """The document entry of truth.json without its `pages` (the layout decides those)."""
        return {
            "language": self.language,
            "doc_type": self.doc_type,
            "title": self.title,
            "collection_number": self.collection_number,
            "number": self.number,
            "place": self.place,
            "date": self.date,
            "date_text": self.date_text,
            "cited_source": [s.to_json() for s in self.sources],
        }


def _wrap(text: str, width: int = WIDTH, indent: int = 0, first_indent: int | None = None) -> list[str]:
    first = indent if first_indent is None else first_indent
    wrapped = textwrap.wrap(
        text,
        width=width,
        initial_indent=" " * first,
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return wrapped


def _centered(text: str, width: int) -> list[str]:
    return [" " * max(0, (WIDTH - len(line)) // 2) + line for line in _wrap(text, width)]


def _body_paragraph(par: str) -> list[str]:
    """A body paragraph; numbered items ("1. …") get a hanging indent instead of a first-line indent."""
    head = par.split(" ", 1)[0]
    if head[:-1].isdigit() and head.endswith("."):
        return _wrap(par, indent=INDENT + len(head) + 1, first_indent=INDENT)
    return _wrap(par, first_indent=INDENT)


def doc_lines(doc: Doc) -> list[str]:
    """Type a document as lines: header block, body paragraphs, signature, citation.

    Empty strings separate blocks; they are typed as empty lines and are not part of the ground truth.
    """
    out: list[str] = []
    if doc.collection_number is not None:
        number_line = {"eng": "No. "}.get(doc.language, "№ ") + doc.collection_number
        out += _centered(number_line, TITLE_WIDTH)
        out.append("")
    if doc.title is not None:
        out += _centered(doc.title, TITLE_WIDTH)
        out.append("")
    header = [part for part in (doc.addressee, doc.subject, doc.date_line) if part]
    for part in header:
        out += _wrap(part)
    if header:
        out.append("")
    for n, par in enumerate(doc.body):
        # A tail opens mid-sentence, so its first line carries no paragraph indent.
        out += _wrap(par) if n == 0 and doc.title is None else _body_paragraph(par)
        out.append("")
    if doc.signature:
        # Signatures share one indent, pulled left so the longest title still fits the line.
        indent = max(0, min(SIGNATURE_INDENT, *(WIDTH - len(sig) for sig in doc.signature)))
        for sig in doc.signature:
            out += _wrap(sig, indent=indent)
        out.append("")
    out += _wrap(doc.citation)
    return out


def gt_lines(lines: list[str]) -> list[str]:
    """Ground truth of typed lines: the non-empty ones, stripped, in reading order."""
    return [" ".join(line.split()) for line in lines if line.strip()]
