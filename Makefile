# make run   — install what is missing, then OCR samples/ into outputs/samples/
# make test  — install what is missing (test tools included), then run the whole suite
# make test-unit — the quick tier only (no Tesseract, no browser), while working
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install install-dev run test test-unit lint bench samples docker clean

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

$(VENV)/.runtime: pyproject.toml scripts/install-system.sh
	scripts/install-system.sh
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q -e '.[pdf]'
	touch $@

$(VENV)/.dev: $(VENV)/.runtime tools/pyproject.toml
	scripts/install-system.sh --dev
	$(BIN)/pip install -q -e '.[dev]'
	# the workshop (sample generator, benchmarks, evaluation), kept out of the product's wheel
	$(BIN)/pip install -q -e tools
	# built against the system Tesseract, not the wheel that bundles its own (and no models)
	$(BIN)/pip install -q --no-binary tesserocr 'tesserocr>=2.6'
	touch $@

run: install
	$(BIN)/scan2text run samples --out outputs/samples

test: install-dev
	$(BIN)/ruff check src flows tools tests bench
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadgroup

test-unit: install-dev
	$(BIN)/pytest -n 2 --dist loadgroup -m unit

bench: install-dev
	$(BIN)/scan2text bench quality bench/hard

samples: install-dev
	$(BIN)/python -m scan2text_tools.samplegen --level mild --out samples
	$(BIN)/python -m scan2text_tools.samplegen --level hard --out bench/hard

docker:
	docker build -t scan2text .

clean:
	rm -rf outputs/*/ .pytest_cache
