"""The child: loads the learner's file and evaluates calls, one message at a time.

This module runs in a process forked for one question's submission, after the limits
of grader.sandbox.zygote are applied.  It only ever sends plain data back (grader.sandbox.wire); the
parent judges.  Its own references (socket, encoders, drivers, originals of banned
APIs) are taken before the learner's code is imported, so monkeypatching after that
only changes the learner's own answers.
"""

from __future__ import annotations

import ast
import builtins
import errno
import linecache
import socket
import sys
import traceback
from typing import Any, Optional

import torch

from grader.sandbox import drivers, guard, wire


class ForbiddenAPI(Exception):
    pass


_forbidden_used: list[str] = []


def _resolve(path: str) -> tuple[Any, str]:
    parts = path.split(".")
    obj: Any = sys.modules.get(parts[0]) or __import__(parts[0])
    for part in parts[1:-1]:
        obj = getattr(obj, part)
    return obj, parts[-1]


def install_bans(banned: list[str]) -> None:
    """Replace each banned API by a stand-in that records the use and raises."""
    for path in banned:
        try:
            owner, attr = _resolve(path)
            if not hasattr(owner, attr):
                continue
        except (ImportError, AttributeError):
            continue

        def forbidden(*args: Any, _path: str = path, **kwargs: Any) -> Any:
            _forbidden_used.append(_path)
            raise ForbiddenAPI(f"{_path} is not allowed in this question")

        try:
            setattr(owner, attr, forbidden)
        except (AttributeError, TypeError):
            pass


def _dotted(node: ast.AST) -> Optional[list[str]]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def find_banned(source: str | ast.AST, banned: list[str]) -> Optional[tuple[str, int]]:
    """The first banned API the source (or its parsed tree) names, resolving import
    aliases, with its line.  One walk of the tree: every alias is known before a name is
    looked up, wherever in the file its import stands."""
    if not banned:
        return None
    if isinstance(source, str):
        try:
            source = ast.parse(source)
        except SyntaxError:
            return None
    wanted = frozenset(banned)
    roots = {path.split(".")[0] for path in wanted}
    aliases: dict[str, str] = {}
    names: list[ast.AST] = []
    for node in ast.walk(source):
        if isinstance(node, (ast.Attribute, ast.Name)):
            names.append(node)
        elif isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if full in wanted:
                    return full, node.lineno
                aliases[a.asname or a.name] = full
    for node in names:
        parts = _dotted(node)
        if not parts:
            continue
        root = aliases.get(parts[0], parts[0])
        if root.split(".")[0] not in roots:  # no banned path starts there
            continue
        full = ".".join([root] + parts[1:])
        if full in wanted:
            return full, node.lineno  # type: ignore[attr-defined]
    return None


def _learner_line(tb: Any, filename: str) -> Optional[tuple[int, str, str]]:
    """(line, its text, function) of the innermost frame of the learner's own file."""
    found = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            found = (frame.lineno or 0, (frame.line or "").strip(), frame.name)
    return found


def _reason(code: str, /, **params: Any) -> dict:
    """A failure as data (code and parameters, grader/grading/reasons.py); the parent
    checks it and words it.  Plain dicts: the child imports no grading code."""
    return {"code": code, "params": {k: v for k, v in params.items() if v is not None}}


def describe_exception(exc: BaseException, filename: str, stub_raises: frozenset = frozenset()) -> dict:
    """Only the stub's own, untouched ``raise NotImplementedError`` (same function, same line
    text: ``stub_raises``) is "not implemented yet"; the learner's own NotImplementedError,
    or one raised inside a library, is reported like any other exception, with its message."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        return _reason("syntax-error", line=exc.lineno or 0, message=str(exc.msg)[:300])
    where = _learner_line(exc.__traceback__, filename)
    if isinstance(exc, NotImplementedError) and where and (where[2], where[1]) in stub_raises:
        return _reason("not-implemented")
    at = {"line": where[0], "source": where[1][:200]} if where else {}
    if isinstance(exc, SystemExit):
        return _reason("sys-exit", code=repr(exc.code)[:100], **at)
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return _reason("output-limit", **at)
    return _reason("exception", type=type(exc).__name__, message=str(exc).strip()[:400] or None, **at)


def _is_memory_error(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and ("can't allocate memory" in text or "DefaultCPUAllocator" in text)


def forget_references() -> None:
    """Drop reference solutions this process inherited: a zygote forked after one was
    loaded (a library caller's choice) must not hand it to the learner.  Run once in the
    zygote before its first worker (it never loads one itself), so that every worker
    starts without them instead of scanning the modules again (grader.sandbox.zygote)."""
    names = [n for n in sys.modules if n.startswith("llamaprep_solution_")]
    for name in names:
        del sys.modules[name]
    if names:  # a full collection costs ~0.15 s with torch loaded: only when it frees something
        import gc

        gc.collect()


class Worker:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.send = wire.send_message
        self.recv = wire.recv_message
        self.entry: Any = None
        self.driver = drivers.call
        self.filename = ""
        self.stub_raises: frozenset = frozenset()

    def reply(self, header: dict, blobs: Optional[list[bytes]] = None) -> None:
        self.send(self.sock, header, blobs)

    def failure(self, exc: BaseException) -> dict:
        if _forbidden_used:
            return {"status": "forbidden", "reason": _reason("banned-call", name=_forbidden_used[-1])}
        if _is_memory_error(exc):
            return {"status": "memory"}
        return {"status": "error", "reason": describe_exception(exc, self.filename, self.stub_raises)}

    def load(self, req: dict, blobs: list[bytes]) -> dict:
        self.filename = req["filename"]
        banned = list(req.get("banned", []))
        # The source travels as a blob (no JSON escaping, no header limit); a BOM is
        # dropped as Python drops it when it reads a file.
        source = bytes(blobs[0]).decode("utf-8", errors="replace") if blobs else str(req.get("source", ""))
        source = source.removeprefix("\ufeff")
        self.stub_raises = frozenset((str(f), str(line)) for f, line in req.get("stub_raises", []))
        # With banned names, parsed once: searched, then compiled from the same tree.
        # Without, compiled from the text: compile() parses it faster than ast.parse does.
        tree: Optional[ast.Module] = None
        if banned:
            try:
                tree = ast.parse(source, self.filename)
            except SyntaxError:
                pass  # compile() below raises it again, as the learner's failure
        hit = find_banned(tree, banned) if tree is not None else None
        if hit:
            return {"status": "forbidden", "reason": _reason("banned-api", name=hit[0], line=hit[1])}
        self.driver = drivers.DRIVERS[req.get("driver", "call")]
        install_bans(banned)
        # The source came over the wire; tracebacks must not need to read the file.
        linecache.cache[self.filename] = (len(source), None, source.splitlines(True), self.filename)
        guard.install(protected=req.get("protected", []), workdir=req.get("workdir") or ".")
        module = type(sys)("submission")
        module.__file__ = self.filename
        sys.modules["submission"] = module
        try:
            code = compile(tree if tree is not None else source, self.filename, "exec")
            exec(code, module.__dict__)
        except BaseException as exc:  # noqa: BLE001 - any failure of the learner's import is a result
            return self.failure(exc)
        entry = module.__dict__.get(req["entry_point"])
        if entry is None or not callable(entry):
            return {"status": "error", "reason": _reason("missing-entry-point", name=req["entry_point"])}
        self.entry = entry
        return {"status": "ok"}

    def call(self, header: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        _forbidden_used.clear()
        values = wire.decode(header["args"], blobs, noncontig=True)
        try:
            result = self.driver(self.entry, header["names"], values)
        except BaseException as exc:  # noqa: BLE001 - sys.exit and friends cost only this case
            return self.failure(exc), []
        if _forbidden_used:
            return {"status": "forbidden", "reason": _reason("banned-call", name=_forbidden_used[-1])}, []
        out: list[bytes] = []
        try:
            tree = wire.encode(result, out)
        except BaseException as exc:  # noqa: BLE001 - a hostile result object
            return {"status": "error", "reason": _reason("unreadable-result", type=type(exc).__name__)}, []
        return {"status": "ok", "result": tree}, out

    def serve(self) -> None:
        while True:
            try:
                header, blobs = self.recv(self.sock)
            except wire.WireError:
                return
            op = header.get("op")
            rid = header.get("rid")  # echoed: the grader ties each reply to its request (grader.sandbox.wire)
            if op == "load":
                self.reply({**self.load(header, blobs), "rid": rid})
            elif op == "call":
                reply, out = self.call(header, blobs)
                self.reply({**reply, "rid": rid}, out)
            else:
                return


def main(sock: socket.socket) -> None:
    torch.set_num_threads(1)
    sys.setrecursionlimit(10_000)
    sys.dont_write_bytecode = True
    builtins.input = lambda *a: ""  # never block on stdin
    Worker(sock).serve()
