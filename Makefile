# Two commands: `make lab` (set up, then open the lessons) and `make test` (set up, then run every test).
# Set-up is a stamp file: a second run skips what is done and only redoes it when requirements change.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.gan-lessons-installed
NEED_GB ?= 8

.PHONY: lab editions test test-quick test-rest unit lint sweep setup clean-venv

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@# a new environment holds torch with its CUDA libraries (about 6.3 GB): say so before pip fails half-way
	@test -x $(PY) || { free=$$(df -Pk . | awk 'NR == 2 {print int($$4 / 1048576)}'); test "$$free" -ge $(NEED_GB) || { \
	    echo "make: setting up needs about $(NEED_GB) GB free on this disk and $$free GB are: free some space, then run make again." >&2; \
	    exit 1; }; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name gan-lessons --display-name "GAN lessons"
	@# nbgrader is here only for its ClearSolutions preprocessor: keep its grading menus and server parts out of the lab
	@for e in formgrader validate_assignment assignment_list course_list; do \
	    $(VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e >/dev/null 2>&1; done
	@$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	@touch $(STAMP)

# Students get the student edition (exercises to write); `make lab EDITION=instructor` opens the lessons with solutions.
# `make lab LANG=zh` (or a Chinese locale, LANG=zh_CN.UTF-8) opens the Chinese edition (README.zh.md).
EDITION ?= student
LESSON_LANG := $(if $(filter zh%,$(LANG)),zh,en)
LAB_DIR := $(if $(filter zh,$(LESSON_LANG)),editions/zh$(if $(filter instructor,$(EDITION)),,-student)/,$(if $(filter instructor,$(EDITION)),notebooks/,editions/student/))
lab: setup
	@echo "opening $(LAB_DIR)"
	$(if $(filter zh,$(LANG)),LANG=C.UTF-8) $(VENV)/bin/jupyter lab $(LAB_DIR) \
	    $(if $(filter 0,$(shell id -u)),--allow-root)  # root: containers, CI images; LANG=zh is no locale, so C.UTF-8

# Rebuild the student and Chinese editions after changing a lesson or a translation (make test fails while stale).
editions: setup
	$(PY) -m tools.editions build

# Two pytest-xdist workers (the course machines have 2 cores), a file to a worker (--dist loadfile): a notebook's
# nbval cells share one kernel and run in order, the browser test starts one JupyterLab server and the install test
# builds one wheel (module fixtures), so each file must stay on one worker.
XDIST := -n 2 --dist loadfile
UNIT  := -m "not browser and not slow"

# Everything, with the lessons in default mode (what students run): unit tests, nbval, the browser test, and
# tests/test_install.py (a wheel in throwaway venvs; lessons outside the checkout, with ipywidgets 7.7.1 from PyPI).
test: setup
	$(PY) -m pytest -v $(XDIST)

# The developers' fast loops: lessons in quick mode; or no notebooks and no browser at all.
test-quick: setup
	GAN_LESSONS_QUICK=1 $(PY) -m pytest -v $(XDIST)

unit: setup
	$(PY) -m pytest -q -n 2 tests $(UNIT)

# What `make unit` leaves out (the notebooks, slow runs, the browser): `make unit test-rest` is `make test`, each
# test once (.ci/run calls them so).
test-rest: setup
	$(PY) -m pytest -v $(XDIST) -m "browser or slow"

lint: setup
	$(VENV)/bin/ruff check gan_lessons tests tools

# Every check of the lessons in default mode over the tuning seeds 0-4 (1 and 2 torch threads) and the untuned seeds
# 10-19, merged into notebooks/check_spread.json, which tests/test_check_spread.py holds every limit against (hours).
sweep: setup
	$(PY) -m tools.bench sweep --seeds 0,1,2,3,4 --threads 1,2 --jobs 2 --record notebooks/check_spread.json
	$(PY) -m tools.bench sweep --seeds 10,11,12,13,14,15,16,17,18,19 --threads 1 --jobs 2 --record notebooks/check_spread.json

clean-venv:
	rm -rf $(VENV)
