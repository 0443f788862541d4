"""Where the stages meet: a page's recipe, the batch, and the decisions that need more than one stage.

Every stage package (ingest, preprocess, ocr, extract, store) works on its own input and knows nothing of
the stages after it; this package composes them:

- `page.process_page`: load → preprocess → OCR → page files, one page, no Prefect;
- `up_down.settle_up_down`: orientation's final decision, from the main reading where the layout left it open;
- `language_hints`: which language to try first on a page, learnt from the batch so far;
- `batch`: pages in parallel, resumable, then documents and records from the finished pages;
- `progress`: what the user sees while it runs.

The Prefect flows (`scan2text.flows`) and the CLI run these; nothing here needs a Prefect server.
"""
