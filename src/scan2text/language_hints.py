"""Which language to try first on a page, learnt from the pages of the batch already read.

An archival file is typed in one language, so the language of a folder's last page is the best guess
for its next one. Read with that guess and confirmed by its confidence, a page needs one Tesseract
pass instead of a script detection and a pass (see `ocr.ocr_page`). A wrong guess costs a whole wasted
pass, so the guesses stop where they keep failing: a folder whose languages change every few pages, or
pages that finish out of order.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

from scan2text.ingest import file_folder
from scan2text.models import Page

# A rejected guess wastes a page's reading; a confirmed one saves a script detection, about a third of
# that (measured). Guessing pays while at most a quarter of the recent guesses were wrong.
_RECENT = 12
_MAX_WRONG = 3


def folders(image: str) -> list[str]:
    """The image's folder and those above it, nearest first (a new file folder of the same inventory
    likely shares its neighbours' language). The input root counts only for a flat batch."""
    folder = file_folder(image)
    return [folder] + [str(p) for p in Path(folder).parents if str(p) != "."]


class LanguageHints:
    def __init__(self) -> None:
        self.last: dict[str, str] = {}
        self.given: dict[str, str] = {}
        self.recent: deque[bool] = deque(maxlen=_RECENT)  # was each recent guess right?

    def paying(self) -> bool:
        return list(self.recent).count(False) <= _MAX_WRONG

    def hint(self, page_id: str, image: str) -> str | None:
        """The language to try first on this page, or None to detect its script.

        A guess is scored even when it is not handed out, so guessing resumes when the batch settles."""
        guess = next((self.last[f] for f in folders(image) if f in self.last), None)
        if guess is None:
            return None
        self.given[page_id] = guess
        return guess if self.paying() else None

    def learn(self, page: Page) -> None:
        """Take a finished page's language as its folders' latest, and score the guess made for it."""
        guess = self.given.pop(page.id, None)
        if guess is not None:
            self.recent.append(guess == page.language)
        if page.language:
            for folder in folders(page.image):
                self.last[folder] = page.language
