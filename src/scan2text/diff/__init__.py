"""Compare two transcriptions of the same pages: CER/WER, aligned line diffs, HTML and JSON reports."""

from scan2text.diff.metrics import EditCounts, cer, edit_counts, wer

__all__ = ["EditCounts", "cer", "edit_counts", "wer"]
