"""One DataLoader per batch function, built per request (never shared between requests).

Each is built on first use: a request pays only for the loaders its operation touches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, Generic, TypeVar, overload

from strawberry.dataloader import DataLoader

from resolvers.analyses import loaders as analyses
from resolvers.artifacts import deletion_loaders as artifact_deletion
from resolvers.artifacts import loaders as artifacts
from resolvers.artifacts import reference_loaders as references
from resolvers.artifacts import vocabulary_loaders as vocabulary
from resolvers.auth import loaders as accounts
from resolvers.batch_scope import ReadScope
from resolvers.files import loaders as files
from resolvers.jobs import loaders as jobs
from resolvers.plugins import loaders as plugins
from resolvers.studies import deletion_loaders as study_deletion
from resolvers.studies import loaders as studies
from resolvers.studies import person_loaders as persons
from resolvers.studies import preparation_loaders as preparations
from resolvers.studies import sample_loaders as samples

K = TypeVar("K")
V = TypeVar("V")


Batch = Callable[[ReadScope, Sequence[K]], Awaitable[Sequence[V]]]


class loader(Generic[K, V]):
    """A request's DataLoader over `batch`, built when first read and kept on the instance."""

    def __init__(self, batch: Batch[K, V]) -> None:
        self.batch = batch
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, loaders: None, owner: type) -> loader[K, V]: ...
    @overload
    def __get__(self, loaders: Loaders, owner: type) -> DataLoader[K, V]: ...
    def __get__(self, loaders: Loaders | None, owner: type) -> Any:
        if loaders is None:
            return self
        built: DataLoader[K, V] = DataLoader(load_fn=partial(self.batch, loaders.scope))
        loaders.__dict__[self.name] = built
        return built


class Loaders:
    """The request's loaders; each batch function opens its own short read session."""

    def __init__(self, scope: ReadScope) -> None:
        self.scope = scope

    study_by_id = loader(studies.studies_by_id)
    study_editable = loader(studies.editable_flags_for_studies)
    study_status = loader(studies.statuses_for_studies)
    study_publications = loader(studies.publications_for_studies)
    study_shared_accounts = loader(studies.shared_accounts_for_studies)
    study_environmental_packages = loader(studies.environmental_packages_for_studies)
    study_tags = loader(studies.tags_for_studies)
    person_by_id = loader(persons.persons_by_id)
    account_by_id = loader(accounts.accounts_by_id)
    account_by_email = loader(accounts.accounts_by_email)
    sample_template_for_study = loader(samples.sample_templates_for_studies)
    sample_count_for_study = loader(samples.sample_counts_for_studies)
    sample_page_for_study = loader(samples.sample_pages_for_studies)
    preparation_by_id = loader(preparations.preparations_by_id)
    preparations_for_study = loader(preparations.preparations_for_studies)
    preparation_status = loader(preparations.statuses_for_preparations)
    sample_count_for_preparation = loader(preparations.sample_counts_for_preparations)
    sample_page_for_preparation = loader(preparations.sample_pages_for_preparations)
    artifact_by_id = loader(artifacts.artifacts_by_id)
    artifacts_for_study = loader(artifacts.artifacts_for_studies)
    artifacts_for_preparation = loader(artifacts.artifacts_for_preparations)
    artifacts_for_analysis = loader(artifacts.artifacts_for_analyses)
    parents_for_artifact = loader(artifacts.parents_for_artifacts)
    children_for_artifact = loader(artifacts.children_for_artifacts)
    outputs_for_job = loader(artifacts.outputs_for_jobs)
    inputs_for_job = loader(artifacts.inputs_for_jobs)
    files_for_artifact = loader(files.files_for_artifacts)
    file_by_id = loader(files.files_by_id)
    sample_by_name = loader(samples.samples_by_name)
    files_for_reference = loader(files.files_for_references)
    data_type_by_id = loader(vocabulary.data_types_by_id)
    artifact_type_by_id = loader(vocabulary.artifact_types_by_id)
    filepath_type_by_id = loader(vocabulary.filepath_types_by_id)
    filepath_rules_for_artifact_type = loader(vocabulary.filepath_rules_for_artifact_types)
    job_by_id = loader(jobs.jobs_by_id)
    jobs_for_artifact = loader(jobs.jobs_for_artifacts)
    validators_for_job = loader(jobs.validators_for_jobs)
    log_entry_by_id = loader(jobs.log_entries_by_id)
    workflow_by_id = loader(jobs.workflows_by_id)
    jobs_for_workflow = loader(jobs.jobs_for_workflows)
    roots_for_workflow = loader(jobs.roots_for_workflows)
    parents_for_job = loader(jobs.parents_for_jobs)
    plugin_by_id = loader(plugins.plugins_by_id)
    command_by_id = loader(plugins.commands_by_id)
    commands_for_plugin = loader(plugins.commands_for_plugins)
    parameters_for_command = loader(plugins.parameters_for_commands)
    artifact_type_ids_for_parameter = loader(plugins.artifact_type_ids_for_parameters)
    outputs_for_command = loader(plugins.outputs_for_commands)
    commands_for_artifact_type = loader(plugins.commands_for_artifact_types)
    parameter_sets_for_command = loader(plugins.parameter_sets_for_commands)
    artifact_type_ids_for_plugin = loader(plugins.artifact_type_ids_for_plugins)
    publications_for_plugin = loader(plugins.publications_for_plugins)
    analysis_by_id = loader(analyses.analyses_by_id)
    analysis_selections = loader(analyses.selections_for_analyses)
    analysis_shared_accounts = loader(analyses.shared_accounts_for_analyses)
    analysis_editable = loader(analyses.editable_flags_for_analyses)
    analysis_public = loader(analyses.public_flags_for_analyses)
    reference_by_id = loader(references.references_by_id)
    study_deletable = loader(study_deletion.deletable_flags_for_studies)
    preparation_deletable = loader(study_deletion.deletable_flags_for_preparations)
    artifact_deletable = loader(artifact_deletion.deletable_flags_for_artifacts)
