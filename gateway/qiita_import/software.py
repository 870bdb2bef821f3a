"""Plugins, commands, parameters, outputs, parameter sets, default workflows, references,
and the launcher's resource allocations."""

from __future__ import annotations

from typing import Any

import asyncpg
import orjson

from db.models import (
    SOFTWARE_TYPES,
    Command,
    CommandOutput,
    CommandParameter,
    CommandParameterArtifactType,
    DefaultParameterSet,
    DefaultWorkflow,
    DefaultWorkflowDataType,
    DefaultWorkflowEdge,
    DefaultWorkflowEdgeConnection,
    DefaultWorkflowNode,
    JobResourceAllocation,
    Publication,
    Reference,
    Software,
    SoftwareArtifactType,
    SoftwarePublication,
)
from gateway.qiita_import.state import ImportRun, positional, renamed


def _json_object(run: ImportRun, resource: str, what: str, text: Any) -> dict[str, Any] | None:
    if text is None or isinstance(text, dict):
        return text
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        run.report.warn(resource, f"{what}: not JSON, dropped: {str(text)[:60]!r}")
        return None
    if isinstance(value, dict):
        return value
    return {"value": value}


async def import_software(run: ImportRun) -> None:
    def software(r: asyncpg.Record) -> dict[str, Any] | None:
        kind = run.ids.name("software_type", r["software_type_id"])
        if kind not in SOFTWARE_TYPES:
            run.report.warn("plugins", f"{r['name']} {r['version']}: unknown type {kind!r}")
            return None
        return {
            "id": r["software_id"], "name": r["name"], "version": r["version"],
            "description": r["description"] or "",
            "environment_script": r["environment_script"] or "",
            "start_script": r["start_script"] or "", "type": kind, "active": r["active"],
            "deprecated": bool(r["deprecated"]),
        }  # fmt: skip

    await run.copy_table(
        "plugins", Software.__table__, "SELECT * FROM qiita.software ORDER BY software_id", software
    )
    await run.copy_table(
        "publications", Publication.__table__, "SELECT doi, pubmed_id FROM qiita.publication",
        positional("doi", "pubmed_id"),
    )  # fmt: skip
    await run.copy_table(
        "plugin publications", SoftwarePublication.__table__,
        "SELECT software_id, publication_doi FROM qiita.software_publication",
        positional("software_id", "doi"),
    )  # fmt: skip
    await run.copy_table(
        "plugin artifact types", SoftwareArtifactType.__table__,
        "SELECT software_id, artifact_type_id FROM qiita.software_artifact_type",
        lambda r: {"software_id": r[0], "artifact_type_id": run.ids.artifact_types[r[1]]},
    )  # fmt: skip
    await _commands(run)
    await _default_workflows(run)
    await run.copy_table(
        "resource allocations",
        JobResourceAllocation.__table__,
        "SELECT * FROM qiita.processing_job_resource_allocation",
        renamed(
            name="name", job_type="job_type", description="description", allocation="allocation"
        ),
    )


async def _commands(run: ImportRun) -> None:
    """Commands with their parameters, outputs and default parameter sets."""

    def command(r: asyncpg.Record) -> dict[str, Any]:
        return {
            "id": r["command_id"], "software_id": r["software_id"], "name": r["name"],
            "description": r["description"] or "", "active": r["active"],
            "is_analysis": r["is_analysis"], "ignore_parent_command": r["ignore_parent_command"],
            "post_processing_cmd": _json_object(
                run, "commands", f"command {r['command_id']} post_processing_cmd",
                r["post_processing_cmd"],
            ),
        }  # fmt: skip

    await run.copy_table(
        "commands", Command.__table__,
        "SELECT * FROM qiita.software_command ORDER BY command_id", command,
    )  # fmt: skip
    await run.copy_table(
        "command parameters", CommandParameter.__table__,
        "SELECT *, row_number() OVER (PARTITION BY command_id ORDER BY command_parameter_id) "
        "AS position FROM qiita.command_parameter ORDER BY command_parameter_id",
        lambda r: {
            "id": r["command_parameter_id"], "command_id": r["command_id"],
            "name": r["parameter_name"], "type": r["parameter_type"],
            "required": r["required"], "default_value": r["default_value"],
            "name_order": r["name_order"], "check_biom_merge": bool(r["check_biom_merge"]),
            "position": r["position"] - 1,
        },
    )  # fmt: skip
    await run.copy_table(
        "parameter artifact types", CommandParameterArtifactType.__table__,
        "SELECT command_parameter_id, artifact_type_id FROM qiita.parameter_artifact_type",
        lambda r: {"parameter_id": r[0], "artifact_type_id": run.ids.artifact_types[r[1]]},
    )  # fmt: skip
    await run.copy_table(
        "command outputs", CommandOutput.__table__,
        "SELECT * FROM qiita.command_output ORDER BY command_output_id",
        lambda r: {
            "id": r["command_output_id"], "command_id": r["command_id"], "name": r["name"],
            "artifact_type_id": run.ids.artifact_types[r["artifact_type_id"]],
            "check_biom_merge": bool(r["check_biom_merge"]),
        },
    )  # fmt: skip
    await run.copy_table(
        "default parameter sets", DefaultParameterSet.__table__,
        "SELECT * FROM qiita.default_parameter_set ORDER BY default_parameter_set_id",
        lambda r: {
            "id": r["default_parameter_set_id"], "command_id": r["command_id"],
            "name": r["parameter_set_name"], "values": r["parameter_set"] or {},
        },
    )  # fmt: skip


async def _default_workflows(run: ImportRun) -> None:
    await run.copy_table(
        "default workflows", DefaultWorkflow.__table__,
        "SELECT * FROM qiita.default_workflow ORDER BY default_workflow_id",
        lambda r: {
            "id": r["default_workflow_id"], "name": r["name"], "description": r["description"],
            "active": r["active"],
            "artifact_type_id": run.ids.artifact_types[r["artifact_type_id"]],
            "parameters": r["parameters"] or {"prep": {}, "sample": {}},
        },
    )  # fmt: skip
    await run.copy_table(
        "default workflow data types", DefaultWorkflowDataType.__table__,
        "SELECT default_workflow_id, data_type_id FROM qiita.default_workflow_data_type",
        lambda r: {"workflow_id": r[0], "data_type_id": run.ids.data_types[r[1]]},
    )  # fmt: skip
    await run.copy_table(
        "default workflow nodes", DefaultWorkflowNode.__table__,
        "SELECT * FROM qiita.default_workflow_node ORDER BY default_workflow_node_id",
        renamed(
            id="default_workflow_node_id", workflow_id="default_workflow_id",
            default_parameter_set_id="default_parameter_set_id",
        ),
    )  # fmt: skip
    await run.copy_table(
        "default workflow edges", DefaultWorkflowEdge.__table__,
        "SELECT * FROM qiita.default_workflow_edge ORDER BY default_workflow_edge_id",
        renamed(
            id="default_workflow_edge_id", parent_node_id="parent_id", child_node_id="child_id"
        ),
    )  # fmt: skip
    await run.copy_table(
        "default workflow connections", DefaultWorkflowEdgeConnection.__table__,
        "SELECT * FROM qiita.default_workflow_edge_connections",
        renamed(
            edge_id="default_workflow_edge_id", parent_output_id="parent_output_id",
            child_parameter_id="child_input_id",
        ),
    )  # fmt: skip


async def import_references(run: ImportRun) -> None:
    await run.copy_table(
        "references", Reference.__table__, "SELECT * FROM qiita.reference ORDER BY reference_id",
        renamed(id="reference_id", name="reference_name", version="reference_version"),
    )  # fmt: skip
