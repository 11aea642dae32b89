# Two entry points: `make demo` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
COSP := $(VENV)/bin/cosp
DB ?= cosp.db
PORT ?= 8001
STAMP := $(VENV)/.installed

.PHONY: demo test install build serve eval bench clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	$(COSP) build --db $(DB)

demo: build
	@echo "Serving $(DB) on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(COSP) serve --db $(DB) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -q

eval: $(STAMP)
	$(COSP) eval

bench: $(STAMP)
	$(COSP) bench

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
