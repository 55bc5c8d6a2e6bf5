"""The cache of validated bank files (grader.bank.cache): used while a file is unchanged,
never when it changed or is new, ignored when damaged, and never a reason to fail."""

from __future__ import annotations

import json
import os
import time

import pytest

from bank_copies import copy_question
from grader.bank import loader as bank_module
from grader.bank.cache import cache_path
from grader.bank.loader import BankError, load_bank

HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def age(*paths) -> None:
    """Files last written an hour ago: settled, so the cache may keep them."""
    for path in paths:
        os.utime(path, ns=(HOUR_AGO_NS, HOUR_AGO_NS))


@pytest.fixture
def small_bank(tmp_path):
    root = tmp_path / "bank"
    path = copy_question(root)
    age(path)
    return root, path


def parses(monkeypatch) -> list:
    """Names of the files parsed from YAML (not served by the cache) from now on."""
    seen: list = []
    real = bank_module.parse_file

    def counting(path, model):
        seen.append(path.name)
        return real(path, model)

    monkeypatch.setattr(bank_module, "parse_file", counting)
    return seen


def test_an_unchanged_bank_comes_from_the_cache_and_equals_the_parsed_one(small_bank, monkeypatch):
    root, _ = small_bank
    first = load_bank([root], builtin=False)
    assert cache_path().is_file()
    seen = parses(monkeypatch)
    second = load_bank([root], builtin=False)
    assert seen == []
    assert second.questions == first.questions and second.paths == first.paths and second.roots == first.roots


def test_the_whole_builtin_bank_round_trips_through_the_cache(bank):
    load_bank()  # writes the cache (of the files not edited in the last seconds)
    assert load_bank().questions == bank.questions and load_bank().topics == bank.topics


def test_a_changed_file_is_parsed_again_even_at_the_same_size(small_bank, monkeypatch):
    root, path = small_bank
    load_bank([root], builtin=False)
    text = path.read_text(encoding="utf-8")
    assert "points: 10\n" in text
    path.write_text(text.replace("points: 10\n", "points: 20\n"), encoding="utf-8")
    os.utime(path, ns=(HOUR_AGO_NS + 10**9, HOUR_AGO_NS + 10**9))  # same size, other mtime
    seen = parses(monkeypatch)
    assert load_bank([root], builtin=False).get("rmsnorm-forward-copy").points == 20
    assert seen == ["rmsnorm-forward-copy.yaml"]


def test_a_broken_change_still_names_file_and_line(small_bank):
    root, path = small_bank
    load_bank([root], builtin=False)
    path.write_text(path.read_text(encoding="utf-8").replace("points: 10\n", "points: ten\n"), encoding="utf-8")
    with pytest.raises(BankError, match=r"rmsnorm-forward-copy\.yaml:7: points: Input should be a valid number"):
        load_bank([root], builtin=False)


def test_an_added_file_is_seen(small_bank, monkeypatch):
    root, _ = small_bank
    load_bank([root], builtin=False)
    added = copy_question(root, new_id="rmsnorm-forward-second")
    age(added)
    seen = parses(monkeypatch)
    assert "rmsnorm-forward-second" in load_bank([root], builtin=False).questions
    assert seen == ["rmsnorm-forward-second.yaml"]


def test_a_file_edited_moments_ago_is_not_kept(tmp_path, monkeypatch):
    # Two writes within one timestamp tick can leave size and mtime alike: wait until it settles.
    root = tmp_path / "bank"
    copy_question(root)
    load_bank([root], builtin=False)
    seen = parses(monkeypatch)
    load_bank([root], builtin=False)
    assert seen == ["rmsnorm-forward-copy.yaml"]


@pytest.mark.parametrize("damage", [b"\x00garbage", b"[1, 2]", b'{"fingerprint": 1}', None])
def test_a_damaged_cache_is_ignored_and_rebuilt(small_bank, monkeypatch, damage):
    root, path = small_bank
    first = load_bank([root], builtin=False)
    cache = cache_path()
    if damage is None:  # well-formed, but entries of nonsense
        data = json.loads(cache.read_text(encoding="utf-8"))
        data["files"][str(path)][3] = {"id": 1}
        data["files"]["/elsewhere.yaml"] = [1, 2, "NoSuchModel", {}]
        cache.write_text(json.dumps(data), encoding="utf-8")
    else:
        cache.write_bytes(damage)
    assert load_bank([root], builtin=False).questions == first.questions
    seen = parses(monkeypatch)
    assert load_bank([root], builtin=False).questions == first.questions
    assert seen == []  # rebuilt by the load before


@pytest.mark.parametrize("change", ["drop", "add", "nested"])
def test_an_entry_with_other_fields_is_parsed_again_not_built_half(small_bank, monkeypatch, change):
    """The cache builds without checks (its entries were checked when written): an entry whose
    fields are not the model's, at any depth, is no question of the cache's."""
    root, path = small_bank
    first = load_bank([root], builtin=False)
    cache = cache_path()
    data = json.loads(cache.read_text(encoding="utf-8"))
    entry = data["files"][str(path)][3]
    if change == "drop":
        del entry["prompt"]
    elif change == "add":
        entry["extra"] = 1
    else:
        entry["title"]["fr"] = "titre"
    cache.write_text(json.dumps(data), encoding="utf-8")
    seen = parses(monkeypatch)
    assert load_bank([root], builtin=False).questions == first.questions
    assert seen == [path.name]


def test_a_cache_that_cannot_be_written_is_no_error(small_bank, monkeypatch, tmp_path):
    root, _ = small_bank
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LLAMAPREP_HOME", str(blocker / "home"))
    assert "rmsnorm-forward-copy" in load_bank([root], builtin=False).questions


def test_a_new_schema_discards_the_cache(small_bank, monkeypatch):
    root, _ = small_bank
    load_bank([root], builtin=False)
    import grader.bank.cache

    monkeypatch.setattr(grader.bank.cache, "FORMAT", grader.bank.cache.FORMAT + 1)
    seen = parses(monkeypatch)
    load_bank([root], builtin=False)
    assert seen == ["rmsnorm-forward-copy.yaml"]
