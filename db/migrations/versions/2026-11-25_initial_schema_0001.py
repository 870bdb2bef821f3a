"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 18:00:11.599988
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ROOT_ARTIFACT_FK = "fk_prep_template_artifact_id_artifact"


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _root_artifact_fk_inline() -> list[sa.ForeignKeyConstraint]:
    """prep_template and artifact reference each other: PostgreSQL adds this FK afterwards."""
    if not _is_sqlite():
        return []
    return [sa.ForeignKeyConstraint(["artifact_id"], ["artifact.id"], name=ROOT_ARTIFACT_FK)]


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("email_lower", sa.String(), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "admin",
                "dev",
                "superuser",
                "user",
                "unverified",
                "guest",
                "wet-lab admin",
                name="user_level",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("affiliation", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("verify_code", sa.String(), nullable=True),
        sa.Column("reset_code", sa.String(), nullable=True),
        sa.Column("reset_code_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receive_processing_job_emails", sa.Boolean(), nullable=False),
        sa.Column("social_orcid", sa.String(), nullable=True),
        sa.Column("social_researchgate", sa.String(), nullable=True),
        sa.Column("social_googlescholar", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
        sa.UniqueConstraint("email_lower", name=op.f("uq_account_email_lower")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "archive_merging_scheme",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("scheme", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_merging_scheme")),
        sa.UniqueConstraint("scheme", name=op.f("uq_archive_merging_scheme_scheme")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "artifact_type",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("can_be_submitted_to_ebi", sa.Boolean(), nullable=False),
        sa.Column("can_be_submitted_to_vamps", sa.Boolean(), nullable=False),
        sa.Column("is_user_uploadable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifact_type")),
        sa.UniqueConstraint("name", name=op.f("uq_artifact_type_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "data_directory",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("mountpoint", sa.String(), nullable=False),
        sa.Column("subdirectory", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_directory")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("data_directory", schema=None) as batch_op:
        batch_op.create_index(
            "uq_data_directory_active_kind",
            ["kind"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "data_type",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_type")),
        sa.UniqueConstraint("name", name=op.f("uq_data_type_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "environmental_package",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("metadata_table", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_environmental_package")),
    )
    op.create_table(
        "filepath_type",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filepath_type")),
        sa.UniqueConstraint("name", name=op.f("uq_filepath_type_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "human_reads_filter_method",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_reads_filter_method")),
        sa.UniqueConstraint("name", name=op.f("uq_human_reads_filter_method_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "investigation_type_term",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("identifier", sa.String(), nullable=True),
        sa.Column("user_defined", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_type_term")),
        sa.UniqueConstraint("term", name=op.f("uq_investigation_type_term_term")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "job_resource_allocation",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("job_type", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("allocation", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name", "job_type", name=op.f("pk_job_resource_allocation")),
    )
    op.create_table(
        "log_entry",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "severity",
            sa.Enum(
                "Warning",
                "Runtime",
                "Fatal",
                name="severity",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("msg", sa.String(), nullable=False),
        sa.Column(
            "info",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "message",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "metadata_restriction",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "template_kind",
            sa.Enum(
                "sample", "prep", name="template_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column(
            "valid_values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_restriction")),
        sa.UniqueConstraint(
            "template_kind",
            "column_name",
            name=op.f("uq_metadata_restriction_template_kind_column_name"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "publication",
        sa.Column("doi", sa.String(), nullable=False),
        sa.Column("pubmed_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("doi", name=op.f("pk_publication")),
    )
    op.create_table(
        "reference",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_reference_name_version")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "server_setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column(
            "value",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_server_setting")),
    )
    op.create_table(
        "software",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("environment_script", sa.String(), nullable=False),
        sa.Column("start_script", sa.String(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "artifact transformation",
                "artifact definition",
                "private",
                name="software_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deprecated", sa.Boolean(), nullable=False),
        sa.Column("config_path", sa.String(), nullable=True),
        sa.Column("plugin_coupling", sa.String(), nullable=False),
        sa.Column("server_cert", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_software")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_software_name_version")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "study_person",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("affiliation", sa.String(), nullable=False),
        sa.Column("address", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_person")),
        sa.UniqueConstraint("name", "affiliation", name=op.f("uq_study_person_name_affiliation")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "timeseries_type",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("timeseries_type", sa.String(), nullable=False),
        sa.Column("intervention_type", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeseries_type")),
        sa.UniqueConstraint(
            "timeseries_type",
            "intervention_type",
            name=op.f("uq_timeseries_type_timeseries_type_intervention_type"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "analysis",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("pmid", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column(
            "error_log_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("slurm_reservation", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["error_log_id"], ["log_entry.id"], name=op.f("fk_analysis_error_log_id_log_entry")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["account.id"], name=op.f("fk_analysis_owner_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("analysis", schema=None) as batch_op:
        batch_op.create_index("ix_analysis_owner_default", ["owner_id", "is_default"], unique=False)

    op.create_table(
        "archive_feature_value",
        sa.Column(
            "merging_scheme_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("feature", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merging_scheme_id"],
            ["archive_merging_scheme.id"],
            name=op.f("fk_archive_feature_value_merging_scheme_id_archive_merging_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "merging_scheme_id", "feature", name=op.f("pk_archive_feature_value")
        ),
    )
    op.create_table(
        "artifact_type_filepath_type",
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "filepath_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_artifact_type_filepath_type_artifact_type_id_artifact_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["filepath_type_id"],
            ["filepath_type.id"],
            name=op.f("fk_artifact_type_filepath_type_filepath_type_id_filepath_type"),
        ),
        sa.PrimaryKeyConstraint(
            "artifact_type_id", "filepath_type_id", name=op.f("pk_artifact_type_filepath_type")
        ),
    )
    op.create_table(
        "command",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "software_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_analysis", sa.Boolean(), nullable=False),
        sa.Column("ignore_parent_command", sa.Boolean(), nullable=False),
        sa.Column(
            "post_processing_cmd",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "resources",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["software_id"],
            ["software.id"],
            name=op.f("fk_command_software_id_software"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command")),
        sa.UniqueConstraint("software_id", "name", name=op.f("uq_command_software_id_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "default_workflow",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_default_workflow_artifact_type_id_artifact_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_default_workflow")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "message_recipient",
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_message_recipient_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
            name=op.f("fk_message_recipient_message_id_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", "account_id", name=op.f("pk_message_recipient")),
    )
    with op.batch_alter_table("message_recipient", schema=None) as batch_op:
        batch_op.create_index("ix_message_recipient_account", ["account_id"], unique=False)

    op.create_table(
        "oauth_client",
        sa.Column("client_id", sa.String(length=50), nullable=False),
        sa.Column("client_secret_hash", sa.String(), nullable=True),
        sa.Column(
            "software_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["software_id"],
            ["software.id"],
            name=op.f("fk_oauth_client_software_id_software"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_oauth_client")),
        sa.UniqueConstraint("software_id", name=op.f("uq_oauth_client_software_id")),
    )
    op.create_table(
        "processing_workflow",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_processing_workflow_account_id_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_workflow")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "software_artifact_type",
        sa.Column(
            "software_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_software_artifact_type_artifact_type_id_artifact_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["software_id"],
            ["software.id"],
            name=op.f("fk_software_artifact_type_software_id_software"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "software_id", "artifact_type_id", name=op.f("pk_software_artifact_type")
        ),
    )
    op.create_table(
        "software_publication",
        sa.Column(
            "software_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("doi", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["doi"], ["publication.doi"], name=op.f("fk_software_publication_doi_publication")
        ),
        sa.ForeignKeyConstraint(
            ["software_id"],
            ["software.id"],
            name=op.f("fk_software_publication_software_id_software"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("software_id", "doi", name=op.f("pk_software_publication")),
    )
    op.create_table(
        "study",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("alias", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("abstract", sa.String(), nullable=False),
        sa.Column(
            "principal_investigator_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "lab_person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "timeseries_type_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("metadata_complete", sa.Boolean(), nullable=False),
        sa.Column("mixs_compliant", sa.Boolean(), nullable=False),
        sa.Column("reprocess", sa.Boolean(), nullable=False),
        sa.Column("spatial_series", sa.Boolean(), nullable=True),
        sa.Column("first_contact", sa.DateTime(timezone=True), nullable=False),
        sa.Column("most_recent_contact", sa.DateTime(timezone=True), nullable=True),
        sa.Column("funding", sa.String(), nullable=True),
        sa.Column("vamps_id", sa.String(), nullable=True),
        sa.Column("ebi_study_accession", sa.String(), nullable=True),
        sa.Column("public_raw_download", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("autoloaded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lab_person_id"], ["study_person.id"], name=op.f("fk_study_lab_person_id_study_person")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["account.id"], name=op.f("fk_study_owner_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["principal_investigator_id"],
            ["study_person.id"],
            name=op.f("fk_study_principal_investigator_id_study_person"),
        ),
        sa.ForeignKeyConstraint(
            ["timeseries_type_id"],
            ["timeseries_type.id"],
            name=op.f("fk_study_timeseries_type_id_timeseries_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study")),
        sa.UniqueConstraint("title", name=op.f("uq_study_title")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_study_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            "uq_study_ebi_study_accession",
            ["ebi_study_accession"],
            unique=True,
            sqlite_where=sa.text("ebi_study_accession IS NOT NULL"),
            postgresql_where=sa.text("ebi_study_accession IS NOT NULL"),
        )

    op.create_table(
        "study_tag",
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column(
            "created_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["account.id"], name=op.f("fk_study_tag_created_by_account")
        ),
        sa.PrimaryKeyConstraint("tag", name=op.f("pk_study_tag")),
    )
    op.create_table(
        "analysis_share",
        sa.Column(
            "analysis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_analysis_share_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analysis.id"],
            name=op.f("fk_analysis_share_analysis_id_analysis"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("analysis_id", "account_id", name=op.f("pk_analysis_share")),
    )
    op.create_table(
        "command_output",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "command_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("check_biom_merge", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_command_output_artifact_type_id_artifact_type"),
        ),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["command.id"],
            name=op.f("fk_command_output_command_id_command"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_output")),
        sa.UniqueConstraint("command_id", "name", name=op.f("uq_command_output_command_id_name")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "command_parameter",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "command_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("default_value", sa.String(), nullable=True),
        sa.Column(
            "name_order", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("check_biom_merge", sa.Boolean(), nullable=False),
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["command.id"],
            name=op.f("fk_command_parameter_command_id_command"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_command_parameter")),
        sa.UniqueConstraint(
            "command_id", "name", name=op.f("uq_command_parameter_command_id_name")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "default_parameter_set",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "command_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["command_id"],
            ["command.id"],
            name=op.f("fk_default_parameter_set_command_id_command"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_default_parameter_set")),
        sa.UniqueConstraint(
            "command_id", "name", name=op.f("uq_default_parameter_set_command_id_name")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "default_workflow_data_type",
        sa.Column(
            "workflow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "data_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["data_type_id"],
            ["data_type.id"],
            name=op.f("fk_default_workflow_data_type_data_type_id_data_type"),
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["default_workflow.id"],
            name=op.f("fk_default_workflow_data_type_workflow_id_default_workflow"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "workflow_id", "data_type_id", name=op.f("pk_default_workflow_data_type")
        ),
    )
    op.create_table(
        "oauth_rate_limit",
        sa.Column("client_id", sa.String(length=50), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "remaining", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_oauth_rate_limit_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["oauth_client.client_id"],
            name=op.f("fk_oauth_rate_limit_client_id_oauth_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", "account_id", name=op.f("pk_oauth_rate_limit")),
    )
    op.create_table(
        "oauth_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=50), nullable=False),
        sa.Column(
            "grant_type",
            sa.Enum(
                "client", "password", name="grant_type", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_oauth_token_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["oauth_client.client_id"],
            name=op.f("fk_oauth_token_client_id_oauth_client"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_oauth_token")),
    )
    with op.batch_alter_table("oauth_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oauth_token_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oauth_token_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oauth_token_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "processing_job",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "command_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "in_construction",
                "queued",
                "running",
                "waiting",
                "success",
                "error",
                name="job_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("heartbeat", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.String(), nullable=True),
        sa.Column(
            "pending",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("external_id", sa.String(), nullable=True),
        sa.Column("launcher", sa.String(), nullable=True),
        sa.Column(
            "error_log_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "workflow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("target_job_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_processing_job_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["command_id"], ["command.id"], name=op.f("fk_processing_job_command_id_command")
        ),
        sa.ForeignKeyConstraint(
            ["error_log_id"],
            ["log_entry.id"],
            name=op.f("fk_processing_job_error_log_id_log_entry"),
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["processing_workflow.id"],
            name=op.f("fk_processing_job_workflow_id_processing_workflow"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_job")),
    )
    with op.batch_alter_table("processing_job", schema=None) as batch_op:
        batch_op.create_index(
            "ix_processing_job_account_status", ["account_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_processing_job_command_id"), ["command_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_processing_job_external_id"), ["external_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_processing_job_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_processing_job_target_job_id"), ["target_job_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_processing_job_workflow_id"), ["workflow_id"], unique=False
        )

    op.create_table(
        "sample_template",
        sa.Column(
            "study_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column(
            "columns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_sample_template_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", name=op.f("pk_sample_template")),
    )
    op.create_table(
        "study_environmental_package",
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("package", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package"],
            ["environmental_package.name"],
            name=op.f("fk_study_environmental_package_package_environmental_package"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_environmental_package_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "package", name=op.f("pk_study_environmental_package")),
    )
    op.create_table(
        "study_publication",
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("publication", sa.String(), nullable=False),
        sa.Column("is_doi", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_publication_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "publication", name=op.f("pk_study_publication")),
    )
    op.create_table(
        "study_share",
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_study_share_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_share_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "account_id", name=op.f("pk_study_share")),
    )
    with op.batch_alter_table("study_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_study_share_account_id"), ["account_id"], unique=False)

    op.create_table(
        "study_tag_link",
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["study.id"],
            name=op.f("fk_study_tag_link_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag"],
            ["study_tag.tag"],
            name=op.f("fk_study_tag_link_tag_study_tag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("study_id", "tag", name=op.f("pk_study_tag_link")),
    )
    op.create_table(
        "analysis_job",
        sa.Column(
            "analysis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analysis.id"],
            name=op.f("fk_analysis_job_analysis_id_analysis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["processing_job.id"],
            name=op.f("fk_analysis_job_job_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("analysis_id", "job_id", name=op.f("pk_analysis_job")),
    )
    op.create_table(
        "command_parameter_artifact_type",
        sa.Column(
            "parameter_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_command_parameter_artifact_type_artifact_type_id_artifact_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parameter_id"],
            ["command_parameter.id"],
            name=op.f("fk_command_parameter_artifact_type_parameter_id_command_parameter"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "parameter_id", "artifact_type_id", name=op.f("pk_command_parameter_artifact_type")
        ),
    )
    op.create_table(
        "default_workflow_node",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "workflow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "default_parameter_set_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["default_parameter_set_id"],
            ["default_parameter_set.id"],
            name=op.f("fk_default_workflow_node_default_parameter_set_id_default_parameter_set"),
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["default_workflow.id"],
            name=op.f("fk_default_workflow_node_workflow_id_default_workflow"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_default_workflow_node")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "prep_template",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "data_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("investigation_type", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("deprecated", sa.Boolean(), nullable=False),
        sa.Column("current_human_filtering", sa.Boolean(), nullable=False),
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("creation_job_id", sa.String(length=36), nullable=True),
        sa.Column("reprocess_job_id", sa.String(length=36), nullable=True),
        sa.Column(
            "columns",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        *_root_artifact_fk_inline(),
        sa.ForeignKeyConstraint(
            ["data_type_id"], ["data_type.id"], name=op.f("fk_prep_template_data_type_id_data_type")
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["sample_template.study_id"],
            name=op.f("fk_prep_template_study_id_sample_template"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prep_template")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("prep_template", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prep_template_study_id"), ["study_id"], unique=False)
        batch_op.create_index(
            "uq_prep_template_artifact_id",
            ["artifact_id"],
            unique=True,
            sqlite_where=sa.text("artifact_id IS NOT NULL"),
            postgresql_where=sa.text("artifact_id IS NOT NULL"),
        )

    op.create_table(
        "processing_job_parent",
        sa.Column("parent_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_job_parent_child_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_job_parent_parent_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("parent_id", "child_id", name=op.f("pk_processing_job_parent")),
    )
    with op.batch_alter_table("processing_job_parent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processing_job_parent_child_id"), ["child_id"], unique=False
        )

    op.create_table(
        "processing_job_validator",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("validator_id", sa.String(length=36), nullable=False),
        sa.Column(
            "artifact_info",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_job_validator_job_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validator_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_job_validator_validator_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "validator_id", name=op.f("pk_processing_job_validator")),
        sa.UniqueConstraint("validator_id", name=op.f("uq_processing_job_validator_validator_id")),
    )
    op.create_table(
        "processing_workflow_root",
        sa.Column(
            "workflow_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_workflow_root_job_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["processing_workflow.id"],
            name=op.f("fk_processing_workflow_root_workflow_id_processing_workflow"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workflow_id", "job_id", name=op.f("pk_processing_workflow_root")),
    )
    op.create_table(
        "sample",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sample_name", sa.String(), nullable=False),
        sa.Column("ebi_sample_accession", sa.String(), nullable=True),
        sa.Column("biosample_accession", sa.String(), nullable=True),
        sa.Column(
            "values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["study_id"],
            ["sample_template.study_id"],
            name=op.f("fk_sample_study_id_sample_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample")),
        sa.UniqueConstraint("sample_name", name=op.f("uq_sample_sample_name")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.create_index("ix_sample_study_name", ["study_id", "sample_name"], unique=False)

    op.create_table(
        "artifact",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column(
            "artifact_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "data_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "visibility",
            sa.Enum(
                "awaiting_approval",
                "public",
                "private",
                "sandbox",
                "archived",
                name="visibility",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "command_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "command_parameters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("study_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("prep_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "analysis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("produced_by_job_id", sa.String(length=36), nullable=True),
        sa.Column(
            "command_output_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("submitted_to_vamps", sa.Boolean(), nullable=False),
        sa.Column(
            "archive_data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "human_reads_filter_method_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "NOT (study_id IS NOT NULL AND analysis_id IS NOT NULL)",
            name=op.f("ck_artifact_one_home"),
        ),
        sa.CheckConstraint(
            "prep_id IS NULL OR study_id IS NOT NULL", name=op.f("ck_artifact_prep_has_study")
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"], ["analysis.id"], name=op.f("fk_artifact_analysis_id_analysis")
        ),
        sa.ForeignKeyConstraint(
            ["artifact_type_id"],
            ["artifact_type.id"],
            name=op.f("fk_artifact_artifact_type_id_artifact_type"),
        ),
        sa.ForeignKeyConstraint(
            ["command_id"], ["command.id"], name=op.f("fk_artifact_command_id_command")
        ),
        sa.ForeignKeyConstraint(
            ["command_output_id"],
            ["command_output.id"],
            name=op.f("fk_artifact_command_output_id_command_output"),
        ),
        sa.ForeignKeyConstraint(
            ["data_type_id"], ["data_type.id"], name=op.f("fk_artifact_data_type_id_data_type")
        ),
        sa.ForeignKeyConstraint(
            ["human_reads_filter_method_id"],
            ["human_reads_filter_method.id"],
            name=op.f("fk_artifact_human_reads_filter_method_id_human_reads_filter_method"),
        ),
        sa.ForeignKeyConstraint(
            ["prep_id"], ["prep_template.id"], name=op.f("fk_artifact_prep_id_prep_template")
        ),
        sa.ForeignKeyConstraint(
            ["produced_by_job_id"],
            ["processing_job.id"],
            name=op.f("fk_artifact_produced_by_job_id_processing_job"),
        ),
        sa.ForeignKeyConstraint(
            ["study_id"], ["study.id"], name=op.f("fk_artifact_study_id_study")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifact")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("artifact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_artifact_analysis_id"), ["analysis_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_artifact_prep_id"), ["prep_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_artifact_produced_by_job_id"), ["produced_by_job_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_artifact_study_id"), ["study_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_artifact_visibility"), ["visibility"], unique=False)

    op.create_table(
        "default_workflow_edge",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "parent_node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "child_node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["child_node_id"],
            ["default_workflow_node.id"],
            name=op.f("fk_default_workflow_edge_child_node_id_default_workflow_node"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_node_id"],
            ["default_workflow_node.id"],
            name=op.f("fk_default_workflow_edge_parent_node_id_default_workflow_node"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_default_workflow_edge")),
        sa.UniqueConstraint(
            "parent_node_id",
            "child_node_id",
            name=op.f("uq_default_workflow_edge_parent_node_id_child_node_id"),
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "prep_sample",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("prep_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "sample_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("ebi_experiment_accession", sa.String(), nullable=True),
        sa.Column(
            "values",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["prep_id"],
            ["prep_template.id"],
            name=op.f("fk_prep_sample_prep_id_prep_template"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["sample.id"],
            name=op.f("fk_prep_sample_sample_id_sample"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prep_sample")),
        sa.UniqueConstraint("prep_id", "sample_id", name=op.f("uq_prep_sample_prep_id_sample_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("prep_sample", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prep_sample_sample_id"), ["sample_id"], unique=False)

    op.create_table(
        "analysis_sample",
        sa.Column(
            "analysis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "sample_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analysis.id"],
            name=op.f("fk_analysis_sample_analysis_id_analysis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_id"], ["artifact.id"], name=op.f("fk_analysis_sample_artifact_id_artifact")
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"], ["sample.id"], name=op.f("fk_analysis_sample_sample_id_sample")
        ),
        sa.PrimaryKeyConstraint(
            "analysis_id", "artifact_id", "sample_id", name=op.f("pk_analysis_sample")
        ),
    )
    with op.batch_alter_table("analysis_sample", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_analysis_sample_artifact_id"), ["artifact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_analysis_sample_sample_id"), ["sample_id"], unique=False
        )

    op.create_table(
        "artifact_parent",
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "parent_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
            name=op.f("fk_artifact_parent_artifact_id_artifact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["artifact.id"],
            name=op.f("fk_artifact_parent_parent_id_artifact"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("artifact_id", "parent_id", name=op.f("pk_artifact_parent")),
    )
    with op.batch_alter_table("artifact_parent", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artifact_parent_parent_id"), ["parent_id"], unique=False
        )

    op.create_table(
        "default_workflow_edge_connection",
        sa.Column("edge_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "parent_output_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "child_parameter_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["child_parameter_id"],
            ["command_parameter.id"],
            name=op.f("fk_default_workflow_edge_connection_child_parameter_id_command_parameter"),
        ),
        sa.ForeignKeyConstraint(
            ["edge_id"],
            ["default_workflow_edge.id"],
            name=op.f("fk_default_workflow_edge_connection_edge_id_default_workflow_edge"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_output_id"],
            ["command_output.id"],
            name=op.f("fk_default_workflow_edge_connection_parent_output_id_command_output"),
        ),
        sa.PrimaryKeyConstraint(
            "edge_id",
            "parent_output_id",
            "child_parameter_id",
            name=op.f("pk_default_workflow_edge_connection"),
        ),
    )
    op.create_table(
        "ebi_run_accession",
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "sample_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("accession", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
            name=op.f("fk_ebi_run_accession_artifact_id_artifact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_id"], ["sample.id"], name=op.f("fk_ebi_run_accession_sample_id_sample")
        ),
        sa.PrimaryKeyConstraint("artifact_id", "sample_id", name=op.f("pk_ebi_run_accession")),
    )
    op.create_table(
        "processing_job_input",
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
            name=op.f("fk_processing_job_input_artifact_id_artifact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["processing_job.id"],
            name=op.f("fk_processing_job_input_job_id_processing_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "artifact_id", name=op.f("pk_processing_job_input")),
    )
    with op.batch_alter_table("processing_job_input", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processing_job_input_artifact_id"), ["artifact_id"], unique=False
        )

    op.create_table(
        "stored_file",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "data_directory_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("relpath", sa.String(), nullable=False),
        sa.Column(
            "filepath_type_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("checksum", sa.String(), nullable=False),
        sa.Column("checksum_algorithm", sa.String(), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "artifact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "sample_template_study_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("prep_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "analysis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "reference_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "analysis_data_type_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "(CASE WHEN artifact_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN sample_template_study_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN prep_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN analysis_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN reference_id IS NULL THEN 0 ELSE 1 END) <= 1",
            name=op.f("ck_stored_file_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["analysis_data_type_id"],
            ["data_type.id"],
            name=op.f("fk_stored_file_analysis_data_type_id_data_type"),
        ),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["analysis.id"],
            name=op.f("fk_stored_file_analysis_id_analysis"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["artifact_id"],
            ["artifact.id"],
            name=op.f("fk_stored_file_artifact_id_artifact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_directory_id"],
            ["data_directory.id"],
            name=op.f("fk_stored_file_data_directory_id_data_directory"),
        ),
        sa.ForeignKeyConstraint(
            ["filepath_type_id"],
            ["filepath_type.id"],
            name=op.f("fk_stored_file_filepath_type_id_filepath_type"),
        ),
        sa.ForeignKeyConstraint(
            ["prep_id"],
            ["prep_template.id"],
            name=op.f("fk_stored_file_prep_id_prep_template"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reference_id"],
            ["reference.id"],
            name=op.f("fk_stored_file_reference_id_reference"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sample_template_study_id"],
            ["study.id"],
            name=op.f("fk_stored_file_sample_template_study_id_study"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint(
            "data_directory_id", "relpath", name=op.f("uq_stored_file_data_directory_id_relpath")
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stored_file_analysis_id"), ["analysis_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stored_file_artifact_id"), ["artifact_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stored_file_prep_id"), ["prep_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stored_file_reference_id"), ["reference_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stored_file_sample_template_study_id"),
            ["sample_template_study_id"],
            unique=False,
        )
    if not _is_sqlite():
        op.create_foreign_key(
            ROOT_ARTIFACT_FK, "prep_template", "artifact", ["artifact_id"], ["id"]
        )


def downgrade() -> None:
    if not _is_sqlite():
        op.drop_constraint(ROOT_ARTIFACT_FK, "prep_template", type_="foreignkey")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_file_sample_template_study_id"))
        batch_op.drop_index(batch_op.f("ix_stored_file_reference_id"))
        batch_op.drop_index(batch_op.f("ix_stored_file_prep_id"))
        batch_op.drop_index(batch_op.f("ix_stored_file_artifact_id"))
        batch_op.drop_index(batch_op.f("ix_stored_file_analysis_id"))

    op.drop_table("stored_file")
    with op.batch_alter_table("processing_job_input", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processing_job_input_artifact_id"))

    op.drop_table("processing_job_input")
    op.drop_table("ebi_run_accession")
    op.drop_table("default_workflow_edge_connection")
    with op.batch_alter_table("artifact_parent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artifact_parent_parent_id"))

    op.drop_table("artifact_parent")
    with op.batch_alter_table("analysis_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analysis_sample_sample_id"))
        batch_op.drop_index(batch_op.f("ix_analysis_sample_artifact_id"))

    op.drop_table("analysis_sample")
    with op.batch_alter_table("prep_sample", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prep_sample_sample_id"))

    op.drop_table("prep_sample")
    op.drop_table("default_workflow_edge")
    with op.batch_alter_table("artifact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artifact_visibility"))
        batch_op.drop_index(batch_op.f("ix_artifact_study_id"))
        batch_op.drop_index(batch_op.f("ix_artifact_produced_by_job_id"))
        batch_op.drop_index(batch_op.f("ix_artifact_prep_id"))
        batch_op.drop_index(batch_op.f("ix_artifact_analysis_id"))

    op.drop_table("artifact")
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.drop_index("ix_sample_study_name")

    op.drop_table("sample")
    op.drop_table("processing_workflow_root")
    op.drop_table("processing_job_validator")
    with op.batch_alter_table("processing_job_parent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processing_job_parent_child_id"))

    op.drop_table("processing_job_parent")
    with op.batch_alter_table("prep_template", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_prep_template_artifact_id",
            sqlite_where=sa.text("artifact_id IS NOT NULL"),
            postgresql_where=sa.text("artifact_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_prep_template_study_id"))

    op.drop_table("prep_template")
    op.drop_table("default_workflow_node")
    op.drop_table("command_parameter_artifact_type")
    op.drop_table("analysis_job")
    op.drop_table("study_tag_link")
    with op.batch_alter_table("study_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_share_account_id"))

    op.drop_table("study_share")
    op.drop_table("study_publication")
    op.drop_table("study_environmental_package")
    op.drop_table("sample_template")
    with op.batch_alter_table("processing_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processing_job_workflow_id"))
        batch_op.drop_index(batch_op.f("ix_processing_job_target_job_id"))
        batch_op.drop_index(batch_op.f("ix_processing_job_status"))
        batch_op.drop_index(batch_op.f("ix_processing_job_external_id"))
        batch_op.drop_index(batch_op.f("ix_processing_job_command_id"))
        batch_op.drop_index("ix_processing_job_account_status")

    op.drop_table("processing_job")
    with op.batch_alter_table("oauth_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oauth_token_expires_at"))
        batch_op.drop_index(batch_op.f("ix_oauth_token_client_id"))
        batch_op.drop_index(batch_op.f("ix_oauth_token_account_id"))

    op.drop_table("oauth_token")
    op.drop_table("oauth_rate_limit")
    op.drop_table("default_workflow_data_type")
    op.drop_table("default_parameter_set")
    op.drop_table("command_parameter")
    op.drop_table("command_output")
    op.drop_table("analysis_share")
    op.drop_table("study_tag")
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_study_ebi_study_accession",
            sqlite_where=sa.text("ebi_study_accession IS NOT NULL"),
            postgresql_where=sa.text("ebi_study_accession IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_study_owner_id"))

    op.drop_table("study")
    op.drop_table("software_publication")
    op.drop_table("software_artifact_type")
    op.drop_table("processing_workflow")
    op.drop_table("oauth_client")
    with op.batch_alter_table("message_recipient", schema=None) as batch_op:
        batch_op.drop_index("ix_message_recipient_account")

    op.drop_table("message_recipient")
    op.drop_table("default_workflow")
    op.drop_table("command")
    op.drop_table("artifact_type_filepath_type")
    op.drop_table("archive_feature_value")
    with op.batch_alter_table("analysis", schema=None) as batch_op:
        batch_op.drop_index("ix_analysis_owner_default")

    op.drop_table("analysis")
    op.drop_table("timeseries_type")
    op.drop_table("study_person")
    op.drop_table("software")
    op.drop_table("server_setting")
    op.drop_table("reference")
    op.drop_table("publication")
    op.drop_table("metadata_restriction")
    op.drop_table("message")
    op.drop_table("log_entry")
    op.drop_table("job_resource_allocation")
    op.drop_table("investigation_type_term")
    op.drop_table("human_reads_filter_method")
    op.drop_table("filepath_type")
    op.drop_table("environmental_package")
    op.drop_table("data_type")
    with op.batch_alter_table("data_directory", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_data_directory_active_kind",
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )

    op.drop_table("data_directory")
    op.drop_table("artifact_type")
    op.drop_table("archive_merging_scheme")
    op.drop_table("account")
