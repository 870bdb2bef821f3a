"""One DataLoader per batch function, built per request (never shared between requests)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar

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


class Loaders:
    """The request's loaders; each batch function opens its own short read session."""

    def __init__(self, scope: ReadScope) -> None:
        self.scope = scope

        def make(
            batch: Callable[[ReadScope, Sequence[K]], Awaitable[Sequence[V]]],
        ) -> DataLoader[K, V]:
            return DataLoader(load_fn=partial(batch, scope))

        self.study_by_id = make(studies.studies_by_id)
        self.study_editable = make(studies.editable_flags_for_studies)
        self.study_status = make(studies.statuses_for_studies)
        self.study_publications = make(studies.publications_for_studies)
        self.study_shared_accounts = make(studies.shared_accounts_for_studies)
        self.study_environmental_packages = make(studies.environmental_packages_for_studies)
        self.study_tags = make(studies.tags_for_studies)
        self.person_by_id = make(persons.persons_by_id)
        self.account_by_id = make(accounts.accounts_by_id)
        self.account_by_email = make(accounts.accounts_by_email)
        self.sample_template_for_study = make(samples.sample_templates_for_studies)
        self.sample_count_for_study = make(samples.sample_counts_for_studies)
        self.sample_page_for_study = make(samples.sample_pages_for_studies)
        self.preparation_by_id = make(preparations.preparations_by_id)
        self.preparations_for_study = make(preparations.preparations_for_studies)
        self.preparation_status = make(preparations.statuses_for_preparations)
        self.sample_count_for_preparation = make(preparations.sample_counts_for_preparations)
        self.sample_page_for_preparation = make(preparations.sample_pages_for_preparations)
        self.artifact_by_id = make(artifacts.artifacts_by_id)
        self.artifacts_for_study = make(artifacts.artifacts_for_studies)
        self.artifacts_for_preparation = make(artifacts.artifacts_for_preparations)
        self.artifacts_for_analysis = make(artifacts.artifacts_for_analyses)
        self.parents_for_artifact = make(artifacts.parents_for_artifacts)
        self.children_for_artifact = make(artifacts.children_for_artifacts)
        self.outputs_for_job = make(artifacts.outputs_for_jobs)
        self.inputs_for_job = make(artifacts.inputs_for_jobs)
        self.files_for_artifact = make(files.files_for_artifacts)
        self.file_by_id = make(files.files_by_id)
        self.sample_by_name = make(samples.samples_by_name)
        self.files_for_reference = make(files.files_for_references)
        self.data_type_by_id = make(vocabulary.data_types_by_id)
        self.artifact_type_by_id = make(vocabulary.artifact_types_by_id)
        self.filepath_type_by_id = make(vocabulary.filepath_types_by_id)
        self.filepath_rules_for_artifact_type = make(vocabulary.filepath_rules_for_artifact_types)
        self.job_by_id = make(jobs.jobs_by_id)
        self.jobs_for_artifact = make(jobs.jobs_for_artifacts)
        self.validators_for_job = make(jobs.validators_for_jobs)
        self.log_entry_by_id = make(jobs.log_entries_by_id)
        self.workflow_by_id = make(jobs.workflows_by_id)
        self.jobs_for_workflow = make(jobs.jobs_for_workflows)
        self.roots_for_workflow = make(jobs.roots_for_workflows)
        self.parents_for_job = make(jobs.parents_for_jobs)
        self.plugin_by_id = make(plugins.plugins_by_id)
        self.command_by_id = make(plugins.commands_by_id)
        self.commands_for_plugin = make(plugins.commands_for_plugins)
        self.parameters_for_command = make(plugins.parameters_for_commands)
        self.artifact_type_ids_for_parameter = make(plugins.artifact_type_ids_for_parameters)
        self.outputs_for_command = make(plugins.outputs_for_commands)
        self.commands_for_artifact_type = make(plugins.commands_for_artifact_types)
        self.parameter_sets_for_command = make(plugins.parameter_sets_for_commands)
        self.artifact_type_ids_for_plugin = make(plugins.artifact_type_ids_for_plugins)
        self.publications_for_plugin = make(plugins.publications_for_plugins)
        self.analysis_by_id = make(analyses.analyses_by_id)
        self.analysis_selections = make(analyses.selections_for_analyses)
        self.analysis_shared_accounts = make(analyses.shared_accounts_for_analyses)
        self.analysis_editable = make(analyses.editable_flags_for_analyses)
        self.analysis_public = make(analyses.public_flags_for_analyses)
        self.reference_by_id = make(references.references_by_id)
        self.study_deletable = make(study_deletion.deletable_flags_for_studies)
        self.preparation_deletable = make(study_deletion.deletable_flags_for_preparations)
        self.artifact_deletable = make(artifact_deletion.deletable_flags_for_artifacts)
