"""Kernel-enforced isolation (issue 10): the attacks of tests/corpus/isolation/ through the real
`llamaprep grade`, as the grader runs (root here, as in CI), in single-file and class mode,
beside honest classmates whose scores must not change; then the degraded paths, with layers
switched off by $LLAMAPREP_ISOLATION_DISABLE as an older kernel would lack them.

Each attack file makes its attempts once, at import, and answers every call by raising
RuntimeError("attempts: name=verdict ..."); a verdict is blocked(...) or OPEN.  ATTACKS says
which attempts each file must report, all of them blocked.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_adversarial import REPO, env_for, make_bank, no_leftovers, open_folder, opened, qid_of

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "isolation"
LLAMAPREP = str(Path(sys.executable).with_name("llamaprep"))
REFERENCE = REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py"
WRONG = "import torch\n\ndef rms_norm(x, weight, eps=1e-5):\n    return x * weight  # forgot to normalise\n"
CASES = 9

# file -> attempts it must report (each blocked).  The attacks whose outcome is something
# else (a count, a score, a report that stays readable) are in SPECIAL.
ATTACKS = {
    "proc_mem": [
        "grader-mem-write", "grader-mem-read", "grader-environ", "grader-fd-reopen", "grader-fd-readlink", "grader-cwd",
        "zygote-mem-write", "zygote-mem-read", "zygote-fd-reopen",
    ],
    "ptrace_attach": ["grader-ptrace", "grader-seize", "zygote-ptrace", "grader-process-vm-readv"],
    "reads_reference_libc": ["reference0", "reference1", "etc-shadow", "home"],
    "starts_programs": ["fork-exec-cat", "fork-exec-sh", "exec-in-child", "multiprocessing-spawn"],
    "writes_everywhere": [
        "package-pyc-dirfd", "package-pyc-libc", "site-pth-dirfd", "site-pth-libc", "bashrc-dirfd", "bashrc-libc",
        "torch-dirfd", "cache-dirfd", "cache-libc", "progress-dirfd", "progress-sqlite",
    ],
    "signals_grader": ["grader-pidfd", "grader-libc-kill", "zygote-pidfd", "zygote-libc-kill", "siblings"],
    "uses_network": ["tcp4-loopback", "tcp6-loopback", "tcp-bind", "udp", "raw", "abstract-unix"],
    "tampers_classmates": ["torch-file"],
    "unix_socket_file": ["unix-stream-file", "unix-dgram-file", "socketpair", "sendmsg-inherited"],
}
SPECIAL = ("many_processes", "replaces_output", "hostile_text", "huge_reply", "deep_tree")
ALL = sorted([*ATTACKS, *SPECIAL])


def test_the_corpus_and_the_table_agree():
    assert sorted(p.stem for p in CORPUS.glob("*.py")) == ALL


class Listener:
    """A loopback TCP server, and a stream and a datagram server on unix socket *files* anyone
    may write to (as a host service's docker.sock would be), that record every connection or
    datagram a submission manages to make."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.folder = Path(tempfile.mkdtemp(prefix="lp-unix-listener-"))
        self.folder.chmod(0o777)
        self.unix_path, self.unix_dgram = str(self.folder / "service.sock"), str(self.folder / "dgram.sock")
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(self.unix_path)
        self.unix.listen()
        self.dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.dgram.bind(self.unix_dgram)
        for path in (self.unix_path, self.unix_dgram):
            os.chmod(path, 0o777)
        self.accepted: list[bytes] = []
        for server in (self.sock, self.unix):
            threading.Thread(target=self._serve, args=(server,), daemon=True).start()
        threading.Thread(target=self._datagrams, daemon=True).start()

    def close(self) -> None:
        for server in (self.sock, self.unix, self.dgram):
            server.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _datagrams(self) -> None:
        while True:
            try:
                self.accepted.append(self.dgram.recv(100))
            except OSError:
                return

    def _serve(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.accepted.append(conn.recv(100))
            except OSError:
                self.accepted.append(b"")
            conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def _watched(root: Path) -> dict[str, Path]:
    """Files no submission may create or change (checked before and after a run)."""
    import torch

    import grader

    site = Path(torch.__file__).parent.parent
    return {
        "bashrc": Path.home() / ".bashrc",
        "pth": site / "planted-by-submission.pth",
        "pyc": Path(grader.__file__).parent / "__pycache__" / "planted.cpython-311.pyc",
        "torch": Path(torch.__file__),
        "cache": root / "home" / "cache" / "bank.json",
        "progress": root / "home" / "progress.sqlite3",
    }


def _targets(root: Path, bank: Path, name: str, listener: Listener, classmates=()) -> dict:
    home = root / "home"
    return {
        "references": [str(bank / "solutions" / "rmsnorm" / f"{qid_of(name).replace('-', '_')}.py"), str(REFERENCE)],
        "home": str(Path.home()),
        "write": {"cache": str(home / "cache" / "bank.json"), "progress": str(home / "progress.sqlite3")},
        "port": listener.port,
        "unix_path": listener.unix_path,
        "unix_dgram": listener.unix_dgram,
        "abstract": "\0llamaprep-isolation-test",
        "mark": str(root),
        "classmates": [str(p) for p in classmates],
    }


def _source(name: str, targets: dict) -> str:
    text = (CORPUS / f"{name}.py").read_text(encoding="utf-8")
    assert "TARGETS = {}" in text or "TARGETS" not in text, name
    return text.replace("TARGETS = {}", f"TARGETS = {targets!r}", 1)


def _attempts(message: str) -> dict[str, str]:
    assert "attempts:" in message, message[:300]
    body = message.split("attempts:", 1)[1].split(" (line")[0]
    return dict(item.split("=", 1) for item in body.split() if "=" in item)


def _check_attack(name: str, question: dict) -> None:
    """The verdict each attack must come to, from its question's JSON."""
    cases = question["cases"]
    detail = [(c["status"], c["message"][:300]) for c in cases]
    assert len(cases) == CASES, detail
    if name in ATTACKS:
        assert {c["status"] for c in cases} == {"error"}, detail
        found = _attempts(cases[0]["message"])
        for attempt in ATTACKS[name]:
            assert attempt in found, (attempt, found)
            assert found[attempt].startswith("blocked"), (name, attempt, found)
        assert not any(v.startswith("OPEN") for v in found.values()), (name, found)
        assert question["score"] == 0
    elif name == "many_processes":
        started = int(_attempts(cases[0]["message"])["started"])
        assert started < 300, started  # the pids cgroup stopped the fork loop
    elif name in ("replaces_output", "deep_tree"):
        assert question["score"] == pytest.approx(10), detail  # the honest answer still counts
    elif name == "hostile_text":
        assert {c["status"] for c in cases} == {"error"}, detail
    elif name == "huge_reply":
        assert cases[0]["status"] == "crashed", detail
        assert "too large" in cases[0]["message"], detail


@pytest.fixture(scope="module")
def isolation_runs():
    """One single-file run and one class run over every attack (and honest answers beside)."""
    root = open_folder()
    listener = Listener()
    watched = _watched(root)
    before = {k: _digest(p) for k, p in watched.items()}
    try:
        names = [*ALL, "honest", "wrong", "class"]
        bank = opened(make_bank(root, names))
        env = env_for(root)

        # single-file mode: every attack is its own question of one `grade` run
        work = root / "work"
        (work / "rmsnorm").mkdir(parents=True)
        for name in ALL:
            (work / "rmsnorm" / f"{qid_of(name).replace('-', '_')}.py").write_text(_source(name, _targets(root, bank, name, listener)))
        shutil.copy(REFERENCE, work / "rmsnorm" / "rmsnorm_honest.py")
        (work / "rmsnorm" / "rmsnorm_wrong.py").write_text(WRONG)
        opened(work)
        ids = [qid_of(n) for n in [*ALL, "honest", "wrong"]]
        single = _run([LLAMAPREP, "grade", *ids, "--bank", str(bank), "--workspace", str(work), "--format", "json"], env, root)

        # class mode: attackers sort before their honest classmates, who are graded after them
        klass = root / "class"
        honest = []
        for student in ("z_honest1", "z_honest2"):
            (klass / student).mkdir(parents=True)
            honest.append(klass / student / "rmsnorm_class.py")
            shutil.copy(REFERENCE, honest[-1])
        (klass / "z_wrong").mkdir()
        (klass / "z_wrong" / "rmsnorm_class.py").write_text(WRONG)
        classmates = [*honest, klass / "z_wrong" / "rmsnorm_class.py"]
        originals = {p: p.read_bytes() for p in classmates}
        for name in ALL:
            (klass / f"a_{name}").mkdir()
            targets = {**_targets(root, bank, "class", listener, classmates), "siblings_expected": True}
            (klass / f"a_{name}" / "rmsnorm_class.py").write_text(_source(name, targets))
        opened(klass)
        cls = _run([LLAMAPREP, "grade", "--submissions", str(klass), "--bank", str(bank), "--format", "json"], env, root)
        yield {
            "single": single, "class": cls, "listener": listener, "before": before, "watched": watched,
            "after": {k: _digest(p) for k, p in watched.items()}, "originals": originals, "root": root,
        }
    finally:
        listener.close()
        shutil.rmtree(root, ignore_errors=True)


def _run(cmd: list[str], env: dict, root: Path, timeout: float = 600) -> dict:
    import subprocess

    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, cwd=root)
    return {"proc": proc, "json": json.loads(proc.stdout) if proc.stdout.strip().startswith(b"{") else None,
            "leftovers": no_leftovers(str(root))}


def _question(report: dict, qid: str) -> dict:
    return next(q for q in report["questions"] if q["id"] == qid)


@pytest.mark.parametrize("name", ALL)
def test_each_attack_is_blocked_in_a_single_file_run(isolation_runs, name):
    report = isolation_runs["single"]["json"]
    assert report is not None, isolation_runs["single"]["proc"].stderr[-2000:]
    _check_attack(name, _question(report, qid_of(name)))


@pytest.mark.parametrize("name", ALL)
def test_each_attack_is_blocked_in_class_grading(isolation_runs, name):
    report = isolation_runs["class"]["json"]
    assert report is not None, isolation_runs["class"]["proc"].stderr[-2000:]
    student = next(s for s in report["students"] if s["student"] == f"a_{name}")
    (question,) = student["questions"]
    _check_attack(name, question)
    if name == "signals_grader":  # a classmate's worker was running, and was out of reach
        assert int(_attempts(question["cases"][0]["message"])["siblings"].split("(")[1].rstrip(")")) >= 1, question["cases"][0]["message"]


def test_runs_are_fully_confined_and_end_cleanly(isolation_runs):
    for mode in ("single", "class"):
        run = isolation_runs[mode]
        proc = run["proc"]
        assert proc.returncode == 1, (mode, proc.stderr[-2000:])  # points lost, nothing broken
        assert b"Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert run["json"]["isolation"]["level"] == "full", run["json"]["isolation"]
        assert run["leftovers"] == [], run["leftovers"]


def test_honest_and_wrong_scores_are_the_same_beside_attackers(isolation_runs):
    single = isolation_runs["single"]["json"]
    assert _question(single, qid_of("honest"))["score"] == pytest.approx(10)
    wrong = _question(single, qid_of("wrong"))["score"]
    assert wrong < 10
    students = {s["student"]: s for s in isolation_runs["class"]["json"]["students"]}
    assert students["z_honest1"]["score"] == pytest.approx(10)
    assert students["z_honest2"]["score"] == pytest.approx(10)
    assert students["z_wrong"]["score"] == pytest.approx(wrong)
    for path, data in isolation_runs["originals"].items():
        assert path.read_bytes() == data, path  # no classmate's file was overwritten


def test_nothing_outside_the_workers_folders_changed_and_no_connection_came(isolation_runs):
    assert isolation_runs["listener"].accepted == []
    before, after = isolation_runs["before"], isolation_runs["after"]
    for key in ("bashrc", "pth", "pyc", "torch"):
        assert after[key] == before[key], key
    # the data folder is the grader's to write (progress), never a submission's
    progress = isolation_runs["watched"]["progress"]
    if progress.exists():
        import sqlite3

        tables = {r[0] for r in sqlite3.connect(progress).execute("SELECT name FROM sqlite_master")}
        assert "planted" not in tables, tables


def test_a_folder_tree_too_deep_for_rmtree_is_removed_and_the_run_ends_cleanly(open_tmp):
    """The worker's folder is removed after grading even 3000 levels deep (shutil.rmtree
    raised RecursionError and stopped the grader), never following the link at the bottom."""
    bank = opened(make_bank(open_tmp, ["deep_tree"]))
    tmp = open_tmp / "tmp"  # the grader's temporary folder, to see exactly what it leaves
    tmp.mkdir()
    (open_tmp / "keep").write_text("keep")
    path = open_tmp / "deep_tree.py"
    path.write_text(_source("deep_tree", {"mark": str(open_tmp)}))
    opened(open_tmp)
    env = {**env_for(open_tmp), "TMPDIR": str(tmp)}
    run = _run([LLAMAPREP, "grade", qid_of("deep_tree"), "--file", str(path), "--bank", str(bank), "--format", "json"], env, open_tmp)
    proc = run["proc"]
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr[-2000:]
    (question,) = run["json"]["questions"]
    assert [c["status"] for c in question["cases"]] == ["passed"] * CASES, question
    assert question["score"] == pytest.approx(10)
    assert [p.name for p in tmp.iterdir() if p.name.startswith("llamaprep-")] == []
    assert (open_tmp / "keep").read_text() == "keep"
    assert run["leftovers"] == []


# ---------------------------------------------------------------- the reports survive any text


def _file_run(root: Path, bank: Path, name: str, fmt: str, listener: Listener):
    import subprocess

    path = root / f"{name}.py"
    path.write_text(_source(name, _targets(root, bank, name, listener)))
    cmd = [LLAMAPREP, "grade", qid_of(name), "--file", str(path), "--bank", str(bank), "--format", fmt]
    if fmt == "table":
        cmd.append("--verbose")  # the table shows what the code printed only then
    return subprocess.run(cmd, capture_output=True, timeout=600, env=env_for(root), cwd=root)


@pytest.fixture(scope="module")
def text_runs():
    root = open_folder()
    listener = Listener()
    try:
        bank = opened(make_bank(root, ["hostile_text", "replaces_output"]))
        opened(root)
        runs = {(n, f): _file_run(root, bank, n, f, listener) for n in ("hostile_text", "replaces_output") for f in ("json", "junit", "gradescope", "table")}
        yield runs
    finally:
        listener.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("name", ["hostile_text", "replaces_output"])
def test_every_format_stays_well_formed(text_runs, name):
    for fmt in ("json", "junit", "gradescope", "table"):
        proc = text_runs[(name, fmt)]
        assert b"Traceback" not in proc.stderr, (fmt, proc.stderr[-2000:])
        text = proc.stdout.decode("utf-8")  # strict: a lone surrogate would not encode
        for bad in ("\x00", "\x1b", "\x07", "\x85", "\x9b", "\ufffe", "\uffff", "\u202e", "\u2066"):
            assert bad not in text, (fmt, repr(bad))
        if fmt in ("json", "gradescope"):
            json.loads(text)
        elif fmt == "junit":
            ET.fromstring(text.encode())


def test_printed_output_cannot_pass_for_the_graders_lines(text_runs):
    table = text_runs[("hostile_text", "table")].stdout.decode()
    fake = [line for line in table.splitlines() if "Total: 10/10" in line or "rmsnorm-forward: 10/10" in line]
    assert fake, table[-2000:]  # shown, but framed as the submission's
    assert all(not line.lstrip().startswith(("Total", "rmsnorm")) for line in fake), fake
    results = json.loads(text_runs[("hostile_text", "gradescope")].stdout)
    assert "Total: 10/10" not in results["output"]  # the summary Gradescope shows is the grader's alone


def test_a_replaced_output_file_is_never_followed(text_runs):
    reference = REFERENCE.read_text()
    results = json.loads(text_runs[("replaces_output", "gradescope")].stdout)
    shown = json.dumps(results)
    assert "def rms_norm" not in shown and reference[:80] not in shown
    assert results["score"] == pytest.approx(10)


# ---------------------------------------------------------------- degraded kernels


@pytest.fixture(scope="module")
def degraded_runs():
    """The same grader with layers switched off, as on older kernels."""
    root = open_folder()
    listener = Listener()
    try:
        names = ["honest", "wrong", "uses_network", "ptrace_attach", "starts_programs", "unix_socket_file"]
        bank = opened(make_bank(root, names))
        work = root / "work"
        (work / "rmsnorm").mkdir(parents=True)
        shutil.copy(REFERENCE, work / "rmsnorm" / "rmsnorm_honest.py")
        (work / "rmsnorm" / "rmsnorm_wrong.py").write_text(WRONG)
        for name in names[2:]:
            (work / "rmsnorm" / f"{qid_of(name).replace('-', '_')}.py").write_text(_source(name, _targets(root, bank, name, listener)))
        opened(work)
        runs = {}
        for disabled in ("landlock", "namespaces", "landlock:4", "landlock,seccomp,namespaces,no-privileges,cgroups"):
            env = {**env_for(root), "LLAMAPREP_ISOLATION_DISABLE": disabled}
            ids = [qid_of(n) for n in names] if "seccomp" not in disabled else [qid_of("honest"), qid_of("wrong")]
            runs[disabled] = _run([LLAMAPREP, "grade", *ids, "--bank", str(bank), "--workspace", str(work), "--format", "json"], env, root)
        env = {**env_for(root), "LLAMAPREP_ISOLATION_DISABLE": "landlock"}
        runs["required"] = _run([LLAMAPREP, "grade", qid_of("honest"), "--bank", str(bank), "--workspace", str(work), "--require-isolation"], env, root)
        runs["listener"] = listener.accepted
        yield runs
    finally:
        listener.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("disabled", ["landlock", "namespaces", "landlock:4", "landlock,seccomp,namespaces,no-privileges,cgroups"])
def test_a_missing_layer_is_reported_and_grading_still_works(degraded_runs, disabled):
    run = degraded_runs[disabled]
    report = run["json"]
    assert report is not None and b"Traceback" not in run["proc"].stderr, run["proc"].stderr[-2000:]
    isolation = report["isolation"]
    expected = "basic" if "seccomp" in disabled else "partial"
    assert isolation["level"] == expected, isolation
    first = disabled.split(",")[0].split(":")[0]
    assert first in isolation["missing"] or "landlock-scoping" in isolation["missing"], isolation
    assert _question(report, qid_of("honest"))["score"] == pytest.approx(10)
    assert _question(report, qid_of("wrong"))["score"] < 10
    assert run["leftovers"] == []


@pytest.mark.parametrize("disabled", ["landlock", "namespaces", "landlock:4"])
def test_the_remaining_layers_still_block_what_they_cover(degraded_runs, disabled):
    report = degraded_runs[disabled]["json"]
    # seccomp and the dropped capabilities still stop ptrace, programs and (with Landlock or
    # the network namespace) the network, whichever layer is missing
    for name in ("uses_network", "ptrace_attach", "starts_programs", "unix_socket_file"):
        _check_attack(name, _question(report, qid_of(name)))
    assert degraded_runs["listener"] == []


def test_require_isolation_refuses_a_partly_confined_machine_in_one_line(degraded_runs):
    proc = degraded_runs["required"]["proc"]
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "--require-isolation" in lines[0] and "landlock" in lines[0], lines
    assert proc.stdout == b""


def test_doctor_reports_the_layers_without_importing_torch(tmp_path):
    import subprocess

    code = (
        "import sys, cli; sys.argv = ['llamaprep', 'doctor']\n"
        "try:\n    cli.app()\nexcept SystemExit as e:\n    print('exit', e.code, 'torch' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO, env=env_for(tmp_path))
    assert "Landlock" in proc.stdout and "grade will confine workers with" in proc.stdout, proc.stdout + proc.stderr
    level = "full" if "with full" in proc.stdout else "other"
    assert proc.stdout.strip().endswith(f"exit {0 if level == 'full' else 1} False"), proc.stdout[-300:]
    assert os.geteuid() != 0 or "running as" in proc.stdout


# ---------------------------------------------------------------- the bank cache


def test_a_poisoned_bank_cache_cannot_grade_a_wrong_answer_full_marks(tmp_path):
    """What a submission could plant where its confinement failed: the cached question for an
    unchanged file, with tolerances that accept anything."""
    import subprocess

    env = env_for(tmp_path)
    (tmp_path / "home").mkdir()
    listed = subprocess.run([LLAMAPREP, "list"], capture_output=True, timeout=120, env=env, cwd=tmp_path)  # writes the cache
    assert listed.returncode == 0, listed.stderr[-2000:]
    cache = tmp_path / "home" / "cache" / "bank.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    key = next(k for k in data["files"] if k.endswith("rmsnorm-forward.yaml"))
    huge = {"rtol": 1e9, "atol": 1e9}
    data["files"][key][3]["grading"]["tolerances"] = {d: huge for d in ("float64", "float32", "float16", "bfloat16")}
    data["files"][key][3]["grading"]["properties"] = []  # (read from this cache, the wrong answer gets 10/10)
    cache.write_text(json.dumps(data), encoding="utf-8")
    wrong = tmp_path / "wrong.py"
    wrong.write_text(WRONG)
    proc = subprocess.run([LLAMAPREP, "grade", "rmsnorm-forward", "--file", str(wrong), "--format", "json"],
                          capture_output=True, timeout=240, env=env, cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert report["score"] < 10 and proc.returncode == 1, report
    # and the cache holds the file's own question again
    repaired = json.loads(cache.read_text(encoding="utf-8"))["files"][key][3]["grading"]["tolerances"]
    assert repaired != {d: huge for d in ("float64", "float32", "float16", "bfloat16")}


def test_hostile_student_names_are_escaped_and_cannot_become_formulas(tmp_path):
    """Folder names a student chose: a terminal escape, a spreadsheet formula, a bidi override."""
    import csv
    import io
    import subprocess

    bank = make_bank(tmp_path, ["names"])
    klass = tmp_path / "class"
    names = ["\x1b[31mred\x1b[0m", '=HYPERLINK("evil.example","click")', "\u202eevil", "plain"]
    for name in names:
        (klass / name).mkdir(parents=True)
        shutil.copy(REFERENCE, klass / name / "rmsnorm_names.py")
    (klass / "plain" / "=cmd|' -C calc'!A0.py").write_text("# not a question's file\n")
    outputs = {}
    for fmt in ("csv", "table", "json"):
        proc = subprocess.run([LLAMAPREP, "grade", "--submissions", str(klass), "--bank", str(bank), "--format", fmt],
                              capture_output=True, timeout=600, env=env_for(tmp_path), cwd=tmp_path)
        assert proc.returncode == 0, (fmt, proc.stderr[-2000:])
        outputs[fmt] = proc
        shown = (proc.stdout + proc.stderr).decode("utf-8")
        assert "\x1b[31m" not in shown and "\u202e" not in shown, fmt
    rows = list(csv.reader(io.StringIO(outputs["csv"].stdout.decode())))
    students = {row[0] for row in rows[1:]}
    assert students == {"\\x1b[31mred\\x1b[0m", "'=HYPERLINK(\"evil.example\",\"click\")", "\\u202eevil", "plain"}, students
    assert {s["student"] for s in json.loads(outputs["json"].stdout)["students"]} >= {"\\x1b[31mred\\x1b[0m", "plain"}
    assert "\\x1b[31mred" in outputs["table"].stdout.decode()  # printed, visibly escaped
