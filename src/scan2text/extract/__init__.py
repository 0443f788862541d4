"""Extract stage: segment the page stream into documents and read every Record field."""

from __future__ import annotations

from scan2text.grammar import Grammar, default_grammar
from scan2text.models import Page, Record
from scan2text.settings import ExtractSettings


def build_records(pages: list[Page], grammar: Grammar | None = None,
                  settings: ExtractSettings | None = None) -> list[Record]:
    """One Record per document found in `pages` (batch order); leading text is a record with doc_type None.

    Record ids are '<first page id>:<first line id>', so the same input always gives the same ids.
    `settings` are the run's extract thresholds (default: ExtractSettings()).
    """
    # Imported here because the segmenter itself uses the extractors in this package.
    from scan2text.extract.fields import build_record
    from scan2text.extract.segment import segment

    grammar = grammar or default_grammar()
    settings = settings or ExtractSettings()
    return [build_record(seg, pages, grammar, settings) for seg in segment(pages, grammar, settings)]


__all__ = ["build_records"]
