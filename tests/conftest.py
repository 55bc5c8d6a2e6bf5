from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own progress store and workspace, never the user's."""
    monkeypatch.setenv("LLAMAPREP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LLAMAPREP_WORKSPACE", str(tmp_path / "work"))
    monkeypatch.delenv("LLAMAPREP_BANK", raising=False)
    monkeypatch.delenv("LLAMAPREP_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    yield


@pytest.fixture(scope="session")
def bank():
    from grader.bank.loader import load_bank

    return load_bank()


@pytest.fixture(scope="session")
def zygote():
    from grader.sandbox.zygote import Zygote

    z = Zygote()
    yield z
    z.close()

# The source article the bank quotes (shipped in the repo so quotes can be checked verbatim).
SEED_ARTICLE = REPO / "questions" / "_source" / "000_885669bd3c9b2fed.txt"
