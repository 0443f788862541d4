"""Character and word error rates on Unicode grapheme clusters.

This is the stable entry point other parts of the project import for their benchmarks:

    from scan2text.diff.metrics import cer, wer, edit_counts

Texts are NFC-normalised and split into extended grapheme clusters (uniseg) before comparison, so a
combining accent and its base letter count as one character whichever way they were encoded. Edit distance
and edit scripts come from rapidfuzz, which works on lists of hashables.

Options (keyword arguments of every public function): ``ignore_case``, ``ignore_punctuation``,
``ignore_whitespace``. Ignoring whitespace drops it entirely for CER; for WER words are still split on it.

Conventions: CER = (substitutions + insertions + deletions) / reference graphemes. An empty reference
gives 0.0 against an empty hypothesis and 1.0 otherwise (a bounded stand-in for "infinitely wrong" so
summaries stay valid JSON). Aggregate rates over many pages must be computed from summed ``EditCounts``,
not by averaging page rates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel
from rapidfuzz.distance import Levenshtein
from uniseg.graphemecluster import grapheme_clusters
from uniseg.wordbreak import words as uax29_words

__all__ = [
    "EditCounts",
    "TextOptions",
    "cer",
    "edit_counts",
    "graphemes",
    "opcodes",
    "rate",
    "tokens",
    "wer",
    "word_counts",
]


@dataclass(frozen=True)
class TextOptions:
    """How texts are folded before comparison."""

    ignore_case: bool = False
    ignore_punctuation: bool = False
    ignore_whitespace: bool = False

    @classmethod
    def from_kwargs(cls, **opts: bool) -> TextOptions:
        unknown = set(opts) - {"ignore_case", "ignore_punctuation", "ignore_whitespace"}
        if unknown:
            raise TypeError(f"unknown comparison option(s): {', '.join(sorted(unknown))}")
        return cls(**opts)


_PLAIN = TextOptions()


class EditCounts(BaseModel):
    """Edit-script totals between a reference and a hypothesis, summable across lines and pages."""

    reference_length: int = 0
    hypothesis_length: int = 0
    substitutions: int = 0
    insertions: int = 0
    deletions: int = 0

    @property
    def edits(self) -> int:
        return self.substitutions + self.insertions + self.deletions

    @property
    def hits(self) -> int:
        return self.reference_length - self.substitutions - self.deletions

    @property
    def rate(self) -> float:
        return rate(self.edits, self.reference_length, self.hypothesis_length)

    def __add__(self, other: EditCounts) -> EditCounts:
        return EditCounts(
            reference_length=self.reference_length + other.reference_length,
            hypothesis_length=self.hypothesis_length + other.hypothesis_length,
            substitutions=self.substitutions + other.substitutions,
            insertions=self.insertions + other.insertions,
            deletions=self.deletions + other.deletions,
        )


def rate(edits: int, reference_length: int, hypothesis_length: int = 0) -> float:
    """Error rate with the empty-reference convention described in the module docstring."""
    if reference_length == 0:
        return 0.0 if edits == 0 and hypothesis_length == 0 else 1.0
    return edits / reference_length


def _is_punctuation(cluster: str) -> bool:
    return all(unicodedata.category(c)[0] == "P" for c in cluster)


def _is_space(cluster: str) -> bool:
    return cluster.isspace()


@lru_cache(maxsize=4096)
def _fold_case(cluster: str) -> str:
    # casefold can change the cluster length (ß -> ss); renormalise so the cluster stays one token
    return unicodedata.normalize("NFC", cluster.casefold())


def graphemes(text: str, **opts: bool) -> list[str]:
    """NFC grapheme clusters of `text` after the requested folding."""
    return _graphemes(text, TextOptions.from_kwargs(**opts))


def _ranges_where(keep: Callable[[str], bool], *ranges: tuple[int, int]) -> frozenset[str]:
    return frozenset(chr(o) for lo, hi in ranges for o in range(lo, hi + 1) if keep(chr(o)))


# Code points that always form a grapheme cluster on their own (no marks, joiners, format characters or
# CR): for text made only of these — nearly all Latin, Cyrillic and Armenian typescript — clusters are
# the code points, and the slow pure-Python UAX #29 segmentation can be skipped.
_SOLO_CLUSTER = _ranges_where(
    lambda c: c != "\r" and unicodedata.category(c) not in ("Mn", "Mc", "Me", "Cf", "Cs", "Co", "Cn"),
    (0x0000, 0x058F),
    (0x2000, 0x2BFF),
)
# Letters and decimal digits that UAX #29 joins into one word with each other (ALetter, Numeric).
_WORD_CHARS = _ranges_where(lambda c: unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd"), (0, 0x058F))
# Characters around which UAX #29 always breaks a word (white space, line ends), except U+202F, which it
# treats as a joiner (ExtendNumLet).
_WORD_SEPARATORS = re.compile(r"[\t\n\x0b\x0c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u205f\u3000]+")


def _split_clusters(text: str) -> list[str]:
    if _SOLO_CLUSTER.issuperset(text):
        return list(text)
    return list(grapheme_clusters(text))


@lru_cache(maxsize=65536)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    if _WORD_CHARS.issuperset(chunk):
        return (chunk,)
    return tuple(w for w in uax29_words(chunk) if _is_word(w))


def _graphemes(text: str, options: TextOptions) -> list[str]:
    clusters = _split_clusters(unicodedata.normalize("NFC", text))
    if options == _PLAIN:
        return clusters
    return [f for c in clusters if (f := fold_cluster(c, options)) is not None]


def fold_cluster(cluster: str, options: TextOptions) -> str | None:
    """The form of one cluster that is compared, or None when the options leave it out."""
    if options.ignore_whitespace and _is_space(cluster):
        return None
    if options.ignore_punctuation and _is_punctuation(cluster):
        return None
    return _fold_case(cluster) if options.ignore_case else cluster


def _is_word(token: str) -> bool:
    # UAX #29 also yields runs of spaces, punctuation and symbols as "words"; those are not words to count
    return any(unicodedata.category(c)[0] in "LN" for c in token)


def tokens(text: str, **opts: bool) -> list[str]:
    """Words of `text` (UAX #29 word boundaries, punctuation-only and space-only tokens dropped)."""
    return _tokens(text, TextOptions.from_kwargs(**opts))


def _tokens(text: str, options: TextOptions) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    out = [w for chunk in _WORD_SEPARATORS.split(text) if chunk for w in _chunk_words(chunk)]
    if options.ignore_punctuation:
        out = ["".join(c for c in w if not _is_punctuation(c)) for w in out]
    if options.ignore_case:
        out = [unicodedata.normalize("NFC", w.casefold()) for w in out]
    return out


def opcodes(reference: Sequence[str], hypothesis: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """Alignment blocks (tag, ref_start, ref_end, hyp_start, hyp_end); tags equal/replace/insert/delete."""
    return [
        (op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
        for op in Levenshtein.opcodes(list(reference), list(hypothesis))
    ]


def counts_from_sequences(reference: Sequence[str], hypothesis: Sequence[str]) -> EditCounts:
    subs = ins = dels = 0
    for op in Levenshtein.editops(list(reference), list(hypothesis)):
        if op.tag == "replace":
            subs += 1
        elif op.tag == "insert":
            ins += 1
        else:
            dels += 1
    return EditCounts(
        reference_length=len(reference),
        hypothesis_length=len(hypothesis),
        substitutions=subs,
        insertions=ins,
        deletions=dels,
    )


def edit_counts(reference: str, hypothesis: str, **opts: bool) -> EditCounts:
    """Substitutions, insertions and deletions (in grapheme clusters) turning reference into hypothesis."""
    options = TextOptions.from_kwargs(**opts)
    return counts_from_sequences(_graphemes(reference, options), _graphemes(hypothesis, options))


def word_counts(reference: str, hypothesis: str, **opts: bool) -> EditCounts:
    """Like `edit_counts` but over words (see `tokens`)."""
    options = TextOptions.from_kwargs(**opts)
    return counts_from_sequences(_tokens(reference, options), _tokens(hypothesis, options))


def cer(reference: str, hypothesis: str, **opts: bool) -> float:
    """Character error rate of `hypothesis` against `reference`, on NFC grapheme clusters."""
    options = TextOptions.from_kwargs(**opts)
    ref = _graphemes(reference, options)
    hyp = _graphemes(hypothesis, options)
    return rate(Levenshtein.distance(ref, hyp), len(ref), len(hyp))


def wer(reference: str, hypothesis: str, **opts: bool) -> float:
    """Word error rate of `hypothesis` against `reference`."""
    options = TextOptions.from_kwargs(**opts)
    ref = _tokens(reference, options)
    hyp = _tokens(hypothesis, options)
    return rate(Levenshtein.distance(ref, hyp), len(ref), len(hyp))
