"""The demo's plugins: software rows, their commands (parameters, outputs, parameter
sets) and the default workflow chaining two of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.models import (
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
    Publication,
    Software,
    SoftwareArtifactType,
    SoftwarePublication,
)
from gateway.demo_loader import Loader
from gateway.demo_plugin_data import (
    DEFAULT_WORKFLOW_DESCRIPTION,
    DEFAULT_WORKFLOW_NAME,
    PICK_OTUS,
    PROCESSING_PLUGIN,
    SPLIT_LIBRARIES,
    DemoCommand,
    DemoPlugin,
)


@dataclass
class Commands:
    """The demo's commands with their output and parameter ids, keyed `<plugin>/<command>`."""

    rows: dict[str, Command] = field(default_factory=dict)
    outputs: dict[tuple[str, str], int] = field(default_factory=dict)
    parameters: dict[tuple[str, str], int] = field(default_factory=dict)
    parameter_sets: dict[tuple[str, str], int] = field(default_factory=dict)

    def processing(self, spec: DemoCommand) -> Command:
        """A command of the processing plugin."""
        return self.rows[f"{PROCESSING_PLUGIN.name}/{spec.name}"]

    def processing_output(self, spec: DemoCommand, name: str) -> int:
        return self.outputs[(f"{PROCESSING_PLUGIN.name}/{spec.name}", name)]


async def add_plugin(loader: Loader, plugin: DemoPlugin, commands: Commands) -> Software:
    software = Software(
        name=plugin.name,
        version=plugin.version,
        description=plugin.description,
        environment_script="true",
        start_script=plugin.start_script,
        type=plugin.type,
        active=True,
    )
    await loader.flush(software)
    for doi, pubmed_id in plugin.publications:
        if await loader.session.get(Publication, doi) is None:
            await loader.flush(Publication(doi=doi, pubmed_id=pubmed_id))
        await loader.flush(SoftwarePublication(software_id=software.id, doi=doi))
    await loader.flush(
        *(
            SoftwareArtifactType(
                software_id=software.id,
                artifact_type_id=loader.vocabulary.artifact_types[name],
            )
            for name in plugin.artifact_types
        )
    )
    for command in plugin.commands:
        await _add_command(loader, software, command, commands)
    return software


async def _add_command(
    loader: Loader, software: Software, spec: DemoCommand, commands: Commands
) -> None:
    row = Command(
        software_id=software.id,
        name=spec.name,
        description=spec.description,
        is_analysis=spec.is_analysis,
    )
    await loader.flush(row)
    key = f"{software.name}/{spec.name}"
    commands.rows[key] = row
    for position, parameter in enumerate(spec.parameters):
        param_row = CommandParameter(
            command_id=row.id,
            name=parameter.name,
            type=parameter.type,
            required=parameter.required,
            default_value=parameter.default,
            position=position,
        )
        await loader.flush(param_row)
        commands.parameters[(key, parameter.name)] = param_row.id
        await loader.flush(
            *(
                CommandParameterArtifactType(
                    parameter_id=param_row.id,
                    artifact_type_id=loader.vocabulary.artifact_types[name],
                )
                for name in parameter.artifact_types
            )
        )
    for name, artifact_type in spec.outputs:
        output = CommandOutput(
            command_id=row.id,
            name=name,
            artifact_type_id=loader.vocabulary.artifact_types[artifact_type],
        )
        await loader.flush(output)
        commands.outputs[(key, name)] = output.id
    for name, values in spec.parameter_sets:
        parameter_set = DefaultParameterSet(command_id=row.id, name=name, values=values)
        await loader.flush(parameter_set)
        commands.parameter_sets[(key, name)] = parameter_set.id


async def add_default_workflow(loader: Loader, commands: Commands) -> None:
    split = f"{PROCESSING_PLUGIN.name}/{SPLIT_LIBRARIES.name}"
    pick = f"{PROCESSING_PLUGIN.name}/{PICK_OTUS.name}"
    workflow = DefaultWorkflow(
        name=DEFAULT_WORKFLOW_NAME,
        description=DEFAULT_WORKFLOW_DESCRIPTION,
        artifact_type_id=loader.vocabulary.artifact_types["FASTQ"],
    )
    await loader.flush(workflow)
    await loader.flush(
        *(
            DefaultWorkflowDataType(
                workflow_id=workflow.id, data_type_id=loader.vocabulary.data_types[name]
            )
            for name in ("16S", "18S")
        )
    )
    first = DefaultWorkflowNode(
        workflow_id=workflow.id,
        default_parameter_set_id=commands.parameter_sets[(split, "Defaults")],
    )
    second = DefaultWorkflowNode(
        workflow_id=workflow.id,
        default_parameter_set_id=commands.parameter_sets[(pick, "Defaults")],
    )
    await loader.flush(first, second)
    edge = DefaultWorkflowEdge(parent_node_id=first.id, child_node_id=second.id)
    await loader.flush(edge)
    await loader.flush(
        DefaultWorkflowEdgeConnection(
            edge_id=edge.id,
            parent_output_id=commands.outputs[(split, "demultiplexed")],
            child_parameter_id=commands.parameters[(pick, "input_data")],
        )
    )
