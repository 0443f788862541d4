"""Benchmarks that print measured figures.

- `scan2text_tools.bench.quality.quality_bench(root)` — CER/WER of plain Tesseract vs. preprocess + Tesseract, skew
  and orientation errors, preprocessing and OCR time (`scan2text bench quality DIR`).
- `scan2text_tools.bench.real.run_real_bench(root)` — the judge on real transcribed pages: words lost, CER and CPU of
  plain Tesseract vs. scan2text's page path (`scan2text bench quality DIR` on a folder without truth.json).
- `scan2text_tools.bench.throughput` — pages per minute of a whole run.

Nothing is imported here, so loading one benchmark does not load the other's dependencies.
"""
