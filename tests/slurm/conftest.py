"""A real Slurm cluster for the Slurm launcher tests.

The cluster is found through SLURM_CONF, else at the place `.ci/slurm-up` writes its
configuration. Without a cluster that answers, these tests skip; with QIITA_REQUIRE_SLURM=1
(CI, where `.ci/run` starts one) they fail instead.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.settings import Settings
from gateway.launchers.slurm import SlurmLauncher

REQUIRE_SLURM = os.environ.get("QIITA_REQUIRE_SLURM") == "1"
KNOWN_CONF = Path(os.environ.get("QIITA_SLURM_DIR", "/var/tmp/qiita-slurm")) / "slurm.conf"


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[dict[str, str]]:
    """The cluster's partition and CPU count; SLURM_CONF set for every subprocess."""
    conf = os.environ.get("SLURM_CONF") or (str(KNOWN_CONF) if KNOWN_CONF.is_file() else "")
    reason = _unavailable(conf)
    if reason is not None:
        if REQUIRE_SLURM:
            pytest.fail(f"Slurm is required (QIITA_REQUIRE_SLURM=1) but {reason}")
        pytest.skip(f"{reason} (run .ci/slurm-up as root to start a single-node cluster)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SLURM_CONF", conf)
        partition, cpus = _sinfo(conf, "%P %c").split()
        yield {"conf": conf, "partition": partition.rstrip("*"), "cpus": cpus}


@pytest.fixture
def slurm_settings(slurm_cluster: dict[str, str], tmp_path: Path) -> Settings:
    """Small resources, so jobs fit on any machine CI runs on."""
    return Settings(
        data_dir=tmp_path / "data",
        launcher="slurm",
        slurm_time="0:05:00",
        slurm_mem="64M",
        slurm_cpus=1,
    )


@pytest.fixture
def launcher(slurm_settings: Settings) -> SlurmLauncher:
    return SlurmLauncher(slurm_settings, timeout=15.0)


def _unavailable(conf: str) -> str | None:
    if not conf:
        return "no Slurm configuration (SLURM_CONF unset and none from .ci/slurm-up)"
    try:
        state = _sinfo(conf, "%T")
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Slurm does not answer: {exc}"
    if state not in {"idle", "mixed", "allocated", "completing"}:
        return f"the Slurm node is {state!r}, not usable"
    return None


def _sinfo(conf: str, fmt: str) -> str:
    result = subprocess.run(
        ["sinfo", "--noheader", "-o", fmt],
        env={**os.environ, "SLURM_CONF": conf},
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    )
    return result.stdout.strip().splitlines()[0].strip()
