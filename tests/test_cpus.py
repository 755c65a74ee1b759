"""The cores a kernel may use: affinity, cgroup v2 and v1 quotas."""

import os
import subprocess
import sys

from course.runtime import cpus


def test_cgroup_v2_quota_and_no_limit(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert cpus.cgroup_quota(tmp_path) == 1.5
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cpus.cgroup_quota(tmp_path) is None


def test_cgroup_v1_quota(tmp_path):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("200000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cpus.cgroup_quota(tmp_path) == 2.0
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert cpus.cgroup_quota(tmp_path) is None


def test_a_nested_cgroup_v2_quota_is_found_as_under_a_systemd_unit(tmp_path):
    unit = "/user.slice/user-1000.slice/jupyter-alice.service"  # The Littlest JupyterHub's user server
    proc = tmp_path / "self-cgroup"
    proc.write_text(f"0::{unit}\n")
    (tmp_path / unit.strip("/")).mkdir(parents=True)
    (tmp_path / "cpu.max").write_text("max 100000\n")
    (tmp_path / unit.strip("/") / "cpu.max").write_text("200000 100000\n")
    assert cpus.cgroup_quota(tmp_path, proc) == 2.0
    (tmp_path / "user.slice" / "cpu.max").write_text("150000 100000\n")  # a tighter quota higher up binds too
    assert cpus.cgroup_quota(tmp_path, proc) == 1.5
    assert cpus.cgroup_quota(tmp_path, tmp_path / "no-such-file") is None  # only the root's, unlimited


def test_a_nested_cgroup_v1_quota_is_found_as_in_a_container(tmp_path):
    proc = tmp_path / "self-cgroup"
    proc.write_text("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n")
    folder = tmp_path / "cpu,cpuacct" / "docker" / "abc"
    folder.mkdir(parents=True)
    (folder / "cpu.cfs_quota_us").write_text("50000\n")
    (folder / "cpu.cfs_period_us").write_text("100000\n")
    assert cpus.cgroup_quota(tmp_path, proc) == 0.5


def test_a_quota_below_the_core_count_wins(tmp_path, monkeypatch):
    monkeypatch.setattr(cpus.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(cpus.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    (tmp_path / "cpu.max").write_text("200000 100000\n")
    assert cpus.available(tmp_path) == 2
    assert cpus.available(tmp_path / "missing") == 64
    (tmp_path / "cpu.max").write_text("20000 100000\n")  # 0.2 CPU still gets one thread
    assert cpus.available(tmp_path) == 1


def test_use_cpus_sizes_tensorflow_and_says_when_too_late():
    import subprocess
    import sys

    script = (
        "import course, tensorflow as tf\n"
        "course.use_cpus(1)\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads(), tf.config.threading.get_inter_op_parallelism_threads())\n"
        "tf.constant(1.0) + 1.0\n"
        "course.use_cpus(2)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "1 1" and "already started" in out


def test_limit_threads_only_under_a_quota_and_keeps_set_values(monkeypatch):
    monkeypatch.setattr(cpus.os, "cpu_count", lambda: 64)
    monkeypatch.setattr(cpus, "available", lambda: 2)
    environ = {"OMP_NUM_THREADS": "4"}
    assert cpus.limit_threads(environ) == 2
    assert environ == {"TF_NUM_INTRAOP_THREADS": "2", "TF_NUM_INTEROP_THREADS": "2", "OMP_NUM_THREADS": "4"}
    monkeypatch.setattr(cpus, "available", lambda: 64)
    environ = {}
    assert cpus.limit_threads(environ) is None and environ == {}


def test_use_onednn_turns_the_kernels_on_unless_the_user_chose():
    environ = {}
    assert cpus.use_onednn(environ) is True
    assert environ == {"TF_ENABLE_ONEDNN_OPTS": "1"}
    chosen = {"TF_ENABLE_ONEDNN_OPTS": "0"}
    assert cpus.use_onednn(chosen) is False
    assert chosen == {"TF_ENABLE_ONEDNN_OPTS": "0"}


def test_import_course_sets_onednn_before_tensorflow_loads():
    code = "import os, sys; import course; print(os.environ['TF_ENABLE_ONEDNN_OPTS'], 'tensorflow' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "False"]
