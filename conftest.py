"""Markers for tests/ and notebooks/ (here at the root, so `pytest notebooks/...` reads it too).

A notebook's nbval items run a whole lesson in one kernel: they are marked `slow`, so `make unit`'s "not slow"
leaves them out and `make test-rest`'s "browser or slow" takes them. Under pytest-xdist `make test` distributes by
file (--dist loadfile): a notebook's cells share one kernel and run in order, the browser test's module fixtures
start one JupyterLab server, the install test's one wheel; each of those must stay on one worker."""
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in Chromium (deselect with -m 'not browser')")
    config.addinivalue_line("markers", "slow: runs whole notebooks (make unit leaves it out)")


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.slow)
