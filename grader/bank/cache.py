"""A JSON cache of the bank's validated files: every command that does not grade loads the
whole bank, and parsing its YAML (~45 ms) plus checking it costs more than the rest of `list`.

One file, <data dir>/cache/bank.json, maps each YAML file's absolute path to its size,
mtime_ns and validated content (grader.bank.strict.dump).  An entry is used only while size and
mtime_ns still match, and the whole cache only while the schema's source files are the ones
that wrote it.  Only valid files are stored, so every error still comes from parsing the
YAML, with its file and line.  The cache is an optimisation only: when it cannot be read it
is ignored, when it cannot be written nothing happens.

Grading never takes a question from the cache (``distrust``): anything that can write the
data folder -- a submission on a machine where its confinement failed, another program of
the same user -- could pair an unchanged file's size and mtime with a question of its own
making (no cases, a huge tolerance) and so hand out full marks.  Commands that grade parse
every YAML file afresh and rewrite the cache from what they parsed, which also repairs a
poisoned one.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Optional

from grader.bank import schema, strict

FORMAT = 1
MODELS = {cls.__name__: cls for cls in (schema.CodeQuestion, schema.QuizQuestion, schema.Topic)}
# A file written this recently may be rewritten within the same timestamp tick with the same
# size; it is not stored until it has been left alone for this long.
SETTLE_NS = 2_000_000_000


_distrusted = False


def distrust() -> None:
    """From now on, in this process, no question comes from the cache (grading)."""
    global _distrusted
    _distrusted = True


def cache_path() -> Path:
    from grader.learner.progress import data_dir

    return data_dir() / "cache" / "bank.json"


def _fingerprint() -> list:
    """Size and mtime of the modules that define what a validated file becomes."""
    out: list = [FORMAT]
    for module in (schema, strict):
        st = os.stat(module.__file__)
        out += [st.st_size, st.st_mtime_ns]
    return out


class BankCache:
    def __init__(self, path: Optional[Path]):
        self.path = path
        self.fingerprint = _fingerprint()
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is not None:
            self.entries = self._read(path)

    @classmethod
    def open(cls) -> BankCache:
        try:
            return cls(cache_path())
        except OSError:  # no usable data dir: run without a cache
            return cls(None)

    def _read(self, path: Path) -> dict:
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def get(self, path: Path, st: os.stat_result) -> Optional[Any]:
        """The object stored for ``path`` if the file is unchanged, else None (always None
        once ``distrust`` was called: the caller parses the file and puts what it found)."""
        if _distrusted:
            return None
        entry = self.entries.get(str(path))
        if not (isinstance(entry, list) and len(entry) == 4 and entry[:2] == [st.st_size, st.st_mtime_ns]):
            return None
        try:
            return strict.build(MODELS[entry[2]], entry[3])
        except Exception:  # a damaged entry: parse the file again
            return None

    def put(self, path: Path, st: os.stat_result, obj: Any) -> None:
        if time.time_ns() - st.st_mtime_ns < SETTLE_NS or self.path is None:
            return
        data = strict.dump(obj)
        try:
            exact = json.loads(json.dumps(data)) == data  # e.g. NaN, or a non-text key in args
        except (TypeError, ValueError):
            exact = False
        if exact:
            self.entries[str(path)] = [st.st_size, st.st_mtime_ns, type(obj).__name__, data]
            self.changed = True

    def save(self) -> None:
        """Write the cache if anything was added; files gone since are dropped."""
        if not self.changed or self.path is None:
            return
        files = {p: e for p, e in self.entries.items() if os.path.exists(p)}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"fingerprint": self.fingerprint, "files": files}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)  # readers see the old cache or the new one, never half
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
