# Two commands: `make lab` (set up, then open the lessons) and `make test` (set up, then run every test).
# Set-up is a stamp file: a second run skips what is done and only redoes it when requirements change.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.gan-lessons-installed

.PHONY: lab test setup clean-venv

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name gan-lessons --display-name "GAN lessons"
	@touch $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)  # root: containers, CI images

test: setup
	GAN_LESSONS_QUICK=1 $(PY) -m pytest -v

clean-venv:
	rm -rf $(VENV)
