"""The confinement's pure parts: the folders allowed, the seccomp program, the report."""

from __future__ import annotations

import struct

import pytest

from grader.sandbox import confine, landlock, seccomp


def test_a_hidden_folder_inside_an_allowed_one_is_carved_out(tmp_path):
    for sub in ("pkg/solutions/rmsnorm", "pkg/questions", "pkg/grader", "other"):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / "pkg" / "setup.cfg").write_text("")
    allowed = confine.carve([str(tmp_path / "pkg"), str(tmp_path / "other")], [str(tmp_path / "pkg" / "solutions")])
    assert str(tmp_path / "pkg") not in allowed
    assert str(tmp_path / "pkg" / "solutions") not in allowed
    assert {str(tmp_path / p) for p in ("pkg/questions", "pkg/grader", "pkg/setup.cfg", "other")} == set(allowed)


def test_a_root_inside_a_hidden_folder_stays_allowed(tmp_path):
    """The interpreter in a home folder that also holds the graded file."""
    stdlib = tmp_path / "home" / ".pyenv" / "lib"
    stdlib.mkdir(parents=True)
    assert confine.carve([str(stdlib)], [str(tmp_path / "home")]) == [str(stdlib)]


@pytest.mark.parametrize("machine", ["x86_64", "aarch64"])
def test_the_seccomp_program_assembles_for_each_architecture(machine):
    prog = seccomp.program(machine)
    assert prog is not None and len(prog) % 8 == 0
    ops = [struct.unpack("<HBBI", prog[i:i + 8]) for i in range(0, len(prog), 8)]
    denied = {seccomp.NUMBERS[machine][n] for n in seccomp.DENIED if n in seccomp.NUMBERS[machine]}
    compared = {k for code, _jt, _jf, k in ops if code == seccomp.JEQ_K}
    assert denied <= compared  # every denied call is compared against
    assert ops[-1] == (seccomp.RET_K, 0, 0, seccomp.RET_ERRNO | 1)  # the shared EPERM return
    assert seccomp.program("sparc") is None


def test_landlock_handles_every_right_its_abi_knows():
    assert landlock.handled_fs(1) == (1 << 13) - 1
    assert landlock.handled_fs(3) & landlock.TRUNCATE and not landlock.handled_fs(2) & landlock.TRUNCATE
    assert landlock.handled_fs(5) & landlock.IOCTL_DEV
    assert not landlock.OWN_FOLDER & (landlock.EXECUTE | landlock.MAKE_FIFO | landlock.MAKE_SYM | landlock.MAKE_SOCK)


def test_the_level_needs_every_confining_layer_and_signal_scoping():
    plan = confine.Plan(landlock_abi=7, layers=["landlock", "namespaces", "no-privileges", "seccomp"])
    assert plan.report()["level"] == "full"
    plan.landlock_abi = 5
    assert plan.report()["level"] == "partial"
    assert confine.Plan(layers=["pids"]).report()["level"] == "basic"


def test_the_disable_hook_names_layers_and_caps_the_abi(monkeypatch):
    monkeypatch.setenv(confine.DISABLE_ENV, "landlock:4, userns,cgroups")
    assert confine._disabled() == {"landlock": "4", "namespaces": "", "pids": "", "memory": ""}
    plan = confine.prepare(probe=False, cgroups=False)
    assert plan.landlock_abi in (0, 4)
    assert "namespaces" in plan.missing and "pids" in plan.missing and "memory" in plan.missing
