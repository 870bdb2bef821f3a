"""Batch script, resource and state rules of the Slurm launcher (no cluster needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.settings import Settings, SettingsError
from gateway.launchers.slurm import (
    InvalidResources,
    SlurmError,
    SlurmLauncher,
    filename_pattern,
    render_batch_script,
    resolve_resources,
    state_of,
)
from resolvers.jobs.launching import LaunchRequest

DEFAULTS = Settings(slurm_partition="short", slurm_time="2:00:00", slurm_mem="8G", slurm_cpus=2)


def test_settings_are_the_defaults() -> None:
    assert resolve_resources(DEFAULTS, {}) == {
        "partition": "short",
        "time": "2:00:00",
        "mem": "8G",
        "cpus": "2",
    }


def test_command_resources_override_settings_and_empty_values_drop_out() -> None:
    resources = resolve_resources(
        DEFAULTS, {"partition": "", "time": "1-12:00", "memory": "512M", "cpus": 16}
    )

    assert resources == {"time": "1-12:00", "mem": "512M", "cpus": "16"}


def test_empty_partition_setting_lets_slurm_choose() -> None:
    assert "partition" not in resolve_resources(Settings(), {})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("mem", "4G --uid=0"),
        ("time", "1:00:00\n#SBATCH --exclusive"),
        ("partition", "short;rm -rf /"),
        ("cpus", "0"),
        ("cpus", "-1"),
    ],
)
def test_values_outside_slurm_formats_are_refused(key: str, value: str) -> None:
    with pytest.raises(InvalidResources, match=f"^Slurm resource {key}=.* \\(from the command's"):
        resolve_resources(DEFAULTS, {key: value})


def test_bad_setting_fails_when_the_launcher_is_built_naming_the_variable() -> None:
    with pytest.raises(
        SettingsError, match=r"^Slurm resource mem='lots' \(from QIITA_SLURM_MEM\) is not valid"
    ):
        SlurmLauncher(Settings(slurm_mem="lots"))


def test_unknown_resource_is_refused_with_the_known_ones() -> None:
    with pytest.raises(
        InvalidResources,
        match=r"^Unknown Slurm resource 'gpus' in the command's resources: use partition, time",
    ):
        resolve_resources(DEFAULTS, {"gpus": "1"})


def test_script_without_environment_script_just_runs_the_start_script() -> None:
    request = LaunchRequest(
        job_id="j1",
        argv_setup="  ",
        argv=["start_plugin", "https://qiita.example:21174", "j1", "/data/working_dir/j1"],
        job_dir=Path("/data/working_dir/j1"),
        log_path=Path("/data/working_dir/j1/qiita-launch.log"),
    )

    script = render_batch_script(request, {"mem": "1G"})

    assert script.splitlines()[-2:] == [
        "echo 'qiita job j1' slurm job \"$SLURM_JOB_ID\"",
        "exec start_plugin https://qiita.example:21174 j1 /data/working_dir/j1",
    ]
    assert "#SBATCH --mem=1G" in script.splitlines()


def test_percent_in_paths_is_not_a_slurm_pattern() -> None:
    assert filename_pattern(Path("/jobs/100%/%j.log")) == "/jobs/100%%/%%j.log"
    assert filename_pattern(Path("/jobs/a\\b/%j.log")) == "/jobs/a\\b/%j.log"


@pytest.mark.parametrize(
    ("slurm_state", "state"),
    [
        ("PENDING", "pending"),
        ("CONFIGURING", "pending"),
        ("RUNNING", "running"),
        ("COMPLETING", "running"),
        ("COMPLETED", "finished"),
        ("FAILED", "failed"),
        ("TIMEOUT", "failed"),
        ("OUT_OF_MEMORY", "failed"),
        ("NODE_FAIL", "failed"),
        ("CANCELLED", "gone"),
        ("CANCELLED+", "gone"),
        ("CANCELLED by 0", "gone"),
    ],
)
def test_slurm_states_map_to_launch_states(slurm_state: str, state: str) -> None:
    assert state_of(slurm_state) == state


def test_unknown_slurm_state_is_an_error_not_a_guess() -> None:
    with pytest.raises(SlurmError, match=r"^Unknown Slurm job state 'WEIRD'"):
        state_of("WEIRD")
