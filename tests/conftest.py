def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in Chromium (deselect with -m 'not browser')")
    config.addinivalue_line("markers", "slow: runs whole notebooks (make unit leaves it out)")
