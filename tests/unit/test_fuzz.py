"""Fuzzing with hypothesis (bounded examples): the bank loader, the command line, and the
result channel must turn anything into a clean error, never an exception of another kind."""

from __future__ import annotations

import json
import math
import shutil
import socket
import struct
import threading
from pathlib import Path

import pytest

# hypothesis comes with the `test` extra; without it this file is skipped, not an error.
pytest.importorskip("hypothesis")

import torch  # noqa: E402
import yaml  # noqa: E402
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from conftest import REPO  # noqa: E402
from grader.bank.loader import BankError, load_question  # noqa: E402
from grader.sandbox import wire  # noqa: E402

QID = "rmsnorm-forward"
ORIGINAL = (REPO / "questions" / "rmsnorm" / f"{QID}.yaml").read_text(encoding="utf-8")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# ---------------------------------------------------------------- the YAML loader

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_text(draw) -> bytes:
    """The real question file, cut, spliced or sprinkled with junk; or junk alone."""
    data = ORIGINAL.encode()
    kind = draw(st.sampled_from(["delete", "insert", "replace-line", "truncate", "random", "bytes"]))
    at = draw(st.integers(0, len(data)))
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 200)) :]
    if kind == "insert":
        junk = draw(st.sampled_from([b":", b"- ", b"\t", b"{", b"]", b"&a", b"*a", b"!!python/object:os.system", b"\n  - x", b"\xff\xfe", b"%YAML 9"]))
        return data[:at] + junk + data[at:]
    if kind == "replace-line":
        lines = data.split(b"\n")
        lines[draw(st.integers(0, len(lines) - 1))] = draw(st.binary(max_size=40))
        return b"\n".join(lines)
    if kind == "truncate":
        return data[:at]
    if kind == "random":
        return draw(st.text(max_size=300)).encode("utf-8", errors="surrogatepass")
    return draw(st.binary(max_size=300))


@st.composite
def mutated_fields(draw) -> bytes:
    """The real question with one field, at any depth, replaced by an arbitrary value."""
    data = yaml.safe_load(ORIGINAL)
    node = data
    path = []
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        if not isinstance(node[key], (dict, list)):
            break
        node = node[key]
    value = draw(json_values)
    if not path:
        return yaml.safe_dump(value).encode()
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def _load(folder: Path, content: bytes) -> None:
    path = folder / "questions" / "rmsnorm" / f"{QID}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    try:
        load_question(path)
    except BankError as exc:
        message = str(exc)
        assert f"{QID}.yaml" in message.split(":", 1)[0], message  # names the file first
        assert "\n" not in message and "Traceback" not in message, message


@FUZZ
@given(content=mutated_text())
@example(content=b"")
@example(content=b"- just\n- a list\n")
@example(content=b"id: !!python/object/apply:os.system ['true']\n")
def test_mutated_question_files_give_only_bank_errors_naming_the_file(tmp_path, content):
    _load(tmp_path, content)


@FUZZ
@given(content=mutated_fields())
def test_questions_with_arbitrary_field_values_give_only_bank_errors(tmp_path, content):
    _load(tmp_path, content)


# ---------------------------------------------------------------- argument parsing

WORDS = [
    "list", "practice", "hint", "grade", "quiz", "corrections", "progress", "solution", "--help",
    "rope", "rmsnorm", "gqa", "llama", "rmsnorm-forward", "rope-quiz-acronym", "nope", "",
    "--lang", "zh", "en", "xx", "--format", "json", "table", "csv", "junit", "gradescope", "--file",
    "/nonexistent/file.py", "--workspace", "--bank", "/nonexistent", "--submissions", "--jobs", "0", "-1", "3",
    "--reset", "--seed", "--count", "--shuffle", "--force", "--yes", "-y", "--", "-x", "--bogus", "\x1b[2J", "é",
]


@pytest.fixture(scope="module")
def cli_app():
    from cli import app

    return app


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=6))
@example(argv=["grade", "--file"])
@example(argv=["grade", "rmsnorm-forward", "--file", "/nonexistent/file.py"])
@example(argv=["grade", "--submissions", "/nonexistent"])
@example(argv=["quiz", "--count", "-1"])
def test_any_command_line_exits_cleanly(cli_app, monkeypatch, argv):
    if argv and argv[0] in ("watch", "validate", "new"):
        return  # long-running or writing into the bank: not for random arguments
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("VISUAL", "true")
    result = CliRunner().invoke(cli_app, argv, input="")
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code in (0, 1, 2), (argv, result.exit_code, output[-500:], result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (argv, repr(result.exception))
    assert "Traceback" not in output, (argv, output[-1000:])


# ---------------------------------------------------------------- the result channel


def _frame(header: dict, blobs: list[bytes]) -> bytes:
    head = json.dumps(header).encode()
    out = wire.MAGIC + struct.pack("<I", len(head)) + head + struct.pack("<I", len(blobs))
    return out + b"".join(struct.pack("<Q", len(b)) + b for b in blobs)


def _valid_reply() -> bytes:
    blobs: list[bytes] = []
    value = (torch.randn(2, 3), {"grad": torch.arange(4)}, [1, 2.5, None, True, "s", float("nan")])
    return _frame({"status": "ok", "result": wire.encode(value, blobs)}, blobs)


VALID = _valid_reply()


@st.composite
def replies(draw) -> bytes:
    kind = draw(st.sampled_from(["flip", "cut", "splice", "random", "header"]))
    data = bytearray(VALID)
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        return bytes(data)
    if kind == "cut":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at] + draw(st.binary(max_size=64)) + data[at:])
    if kind == "random":
        return draw(st.binary(max_size=256))
    tensor = st.fixed_dictionaries({"__tensor__": json_values, "dtype": st.sampled_from(["float32", "bool", "int8", "x"]), "shape": json_values})
    tree = draw(json_values | tensor)
    return _frame({"status": draw(st.sampled_from(["ok", "error", "memory", "zzz"])), "result": tree}, draw(st.lists(st.binary(max_size=32), max_size=3)))


def _parse(data: bytes):
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(data)
        theirs.close()
        header, blobs = wire.recv_message(ours, deadline=None)
        if "result" in header:
            wire.decode(header["result"], blobs)
    finally:
        ours.close()


@FUZZ
@given(data=replies())
@example(data=_frame({"status": "ok", "result": {"__tensor__": 0, "dtype": "float32", "shape": [0, 2**70]}}, [b""]))
@example(data=_frame({"status": "ok", "result": {"__tensor__": 0, "dtype": "bool", "shape": [2]}}, [b"\x07\x01"]))
@example(data=wire.MAGIC + struct.pack("<I", 2**31) + b"{")
@example(data=_frame({"status": "ok", "result": json.loads("[" * 40 + "1" + "]" * 40)}, []))
def test_a_malformed_reply_raises_only_wire_errors(data):
    try:
        _parse(data)
    except wire.WireError:
        pass


def test_a_valid_reply_still_decodes():
    ours, theirs = socket.socketpair()
    theirs.sendall(VALID)
    header, blobs = wire.recv_message(ours)
    value = wire.decode(header["result"], blobs)
    assert value[0].shape == (2, 3) and torch.equal(value[1]["grad"], torch.arange(4)) and math.isnan(value[2][5])


def _writing(sock: socket.socket, data: bytes) -> threading.Thread:
    """``data`` sent from a thread: more than the socket buffer holds, read as it goes."""

    def write() -> None:
        try:
            sock.sendall(data)
        except OSError:  # the reader stopped reading and closed its end
            pass

    writer = threading.Thread(target=write)
    writer.start()
    return writer


@pytest.mark.parametrize("lists", [1000, 1_390_000])
def test_a_reply_header_is_capped_far_above_any_real_one(lists):
    """4 MiB of "[[],[],...]" cost the grader ~200 MB to parse: a reply header over
    MAX_REPLY_HEADER is refused before it is read; one well under it still decodes."""
    grader_end, worker_end = socket.socketpair()
    wire.send_message(grader_end, {"op": "call"})  # a real request: the reply limits apply
    request, _ = wire.recv_message(worker_end)
    reply = _frame({"rid": request["rid"], "status": "ok", "result": [[]] * lists}, [])
    writer = _writing(worker_end, reply)
    try:
        if len(reply) > wire.MAX_REPLY_HEADER:
            with pytest.raises(wire.WireError, match="header too large"):
                wire.recv_message(grader_end)
        else:
            header, blobs = wire.recv_message(grader_end)
            assert wire.decode(header["result"], blobs) == [[]] * lists
    finally:
        grader_end.close()
        writer.join()
        worker_end.close()


def test_a_request_header_may_still_exceed_the_reply_cap():
    """The cap is on what a worker sends; the grader's own requests keep MAX_HEADER."""
    grader_end, worker_end = socket.socketpair()
    try:
        big = "x" * (wire.MAX_REPLY_HEADER + 1000)
        writer = _writing(grader_end, _frame({"op": "load", "source": big}, []))
        header, _ = wire.recv_message(worker_end)
        assert header["source"] == big
    finally:
        worker_end.close()
        writer.join()
        grader_end.close()


# The same bytes, written by a submission straight into its result channel in place of the
# worker's reply, must end as a clean case status through the real grading session.
CHANNEL_WRITER = """
import os, stat
PAYLOAD = {payload!r}

def rms_norm(x, weight, eps=1e-5):
    for fd in range(3, 256):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, PAYLOAD)
        except OSError:
            pass
    os._exit(0)
"""


@pytest.fixture(scope="module")
def one_case_bank(tmp_path_factory):
    """rmsnorm-forward with only its first case and short limits."""
    from grader.bank.loader import load_bank

    root = tmp_path_factory.mktemp("bank")
    for sub in ("questions", "solutions"):
        (root / sub / "rmsnorm").mkdir(parents=True)
    data = yaml.safe_load(ORIGINAL)
    data["grading"].update(time_limit=2, question_time_limit=4, cases=data["grading"]["cases"][:1], properties=[])
    (root / "questions" / "rmsnorm" / f"{QID}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shutil.copy(REPO / "questions" / "rmsnorm" / "rmsnorm_forward.py", root / "questions" / "rmsnorm")
    shutil.copy(REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py", root / "solutions" / "rmsnorm")
    return load_bank([root], builtin=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=replies())
def test_garbage_from_the_child_becomes_a_clean_case_status(one_case_bank, zygote, tmp_path, data):
    from grader.grading.engine import grade_question

    path = tmp_path / "writer.py"
    path.write_text(CHANNEL_WRITER.format(payload=data))
    result = grade_question(question=one_case_bank.get(QID), submission=path, bank=one_case_bank, zygote=zygote)
    (case,) = result.cases
    assert case.status in ("crashed", "failed", "error", "timeout"), (case.status, case.message)
    assert result.score == 0
