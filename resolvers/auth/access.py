"""The whole rule book: who may see and change what (decisions.md, "Authorization").

Every permission rule of the gateway is one named function here and nowhere else: pure
predicates on a principal (`is_*`, `has_*`, `can_*`, returning a bool), SQL predicates for
list queries (`*_filter`, so that counts and pages stay right), and a few `require_*`
helpers that raise the usual error. Other modules never look at a principal's kind, level
or admin flag themselves: they call a predicate and raise their own message when it says
no (tests/resolvers/test_rule_book.py keeps it so). `schema/` computes its `viewerCan*`
fields from the same predicates.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from db.models import (
    Analysis,
    AnalysisShare,
    Artifact,
    ArtifactType,
    Command,
    ProcessingJob,
    ProcessingJobInput,
    ProcessingWorkflow,
    SoftwareArtifactType,
    Study,
    StudyShare,
)
from resolvers.context import Context, Principal
from resolvers.errors import Forbidden, NotFound, Unauthenticated
from resolvers.plugins.trust import untrusted_plugin_message

READ_ONLY_LEVELS = ("guest", "unverified")
"""User levels that read public data only (an unverified account gets no token at all)."""


def is_member(principal: Principal) -> bool:
    """A verified user who is not a guest: owns, shares and edits studies and analyses."""
    return (
        principal.kind == "user"
        and principal.account_id is not None
        and principal.level not in READ_ONLY_LEVELS
    )


def has_plugin_api_rights(principal: Principal) -> bool:
    """Plugin and system clients (and admins) may call the plugin API."""
    return principal.kind in ("plugin", "system") or principal.is_admin


def is_client(principal: Principal) -> bool:
    """Signed in with a client token (a plugin or a system client), not as a user."""
    return principal.kind in ("plugin", "system")


def can_write_plugin_api(principal: Principal) -> bool:
    """Plugin-API writes (`/qiita_db` POST and PATCH) need a client token; a user's token,
    an admin's included, reads only (decisions.md)."""
    return is_client(principal)


def is_untrusted_plugin(principal: Principal) -> bool:
    return principal.kind == "plugin" and not principal.trusted


def has_admin_rights(principal: Principal) -> bool:
    """Admins; and, on /api/v1 and GraphQL, system clients and the clients of plugins an
    admin has trusted, which act with an admin's rights (decisions.md, "Authorization")."""
    return (
        principal.is_admin
        or principal.kind == "system"
        or (principal.kind == "plugin" and principal.trusted)
    )


def can_manage_accounts(principal: Principal) -> bool:
    """Admins and the system (the command line) invite users, set levels and passwords and
    change other accounts; unlike data writes, no plugin client may, trusted or not."""
    return principal.is_admin or principal.kind == "system"


def require_user(principal: Principal, what: str) -> int:
    """The account id of a signed-in user; clients (plugins, system) have no account."""
    if principal.kind == "user" and principal.account_id is not None:
        return principal.account_id
    if principal.kind == "anonymous":
        raise Unauthenticated(f"Sign in as a user to {what}.")
    raise Forbidden(f"Only users {what}; a client token has no account.")


def can_create_study_for(principal: Principal, owner_id: int) -> bool:
    """Users create studies they own; whoever has admin rights creates them for anyone."""
    return has_admin_rights(principal) or (
        is_member(principal) and principal.account_id == owner_id
    )


def can_add_persons(principal: Principal) -> bool:
    """Signed-in users (not guests) and whoever has admin rights add study contacts."""
    return has_admin_rights(principal) or (
        principal.kind == "user" and principal.level not in READ_ONLY_LEVELS
    )


def can_cancel_job(principal: Principal, job: ProcessingJob) -> bool:
    """The user who submitted a job, or whoever has admin rights."""
    return has_admin_rights(principal) or (
        principal.kind == "user" and principal.account_id == job.account_id
    )


def can_change_plugin(principal: Principal, software_id: int) -> bool:
    """A plugin's client changes its own plugin's commands; system clients and admins any."""
    if principal.kind == "system" or principal.is_admin:
        return True
    return principal.kind == "plugin" and principal.software_id == software_id


def can_read_audit_log(principal: Principal) -> bool:
    return principal.is_admin


def can_resume_upload(principal: Principal, uploader_id: int | None) -> bool:
    """A resumable upload is continued by the account that started it, or by an admin."""
    return principal.is_admin or (
        principal.account_id is not None and principal.account_id == uploader_id
    )


def can_moderate_visibility(principal: Principal) -> bool:
    """Whoever has admin rights changes public artifacts, makes artifacts private when the
    server requires approval, and publishes from any state (decisions.md Q16)."""
    return has_admin_rights(principal)


def can_submit_jobs(principal: Principal) -> bool:
    """Jobs are submitted by signed-in users who are not guests."""
    return (
        principal.kind == "user" and principal.account_id is not None and principal.level != "guest"
    )


def can_be_shared_with(account_level: str) -> bool:
    """A study or analysis is shared only with accounts whose e-mail address is verified."""
    return account_level != "unverified"


def can_work_on_analyses(account_level: str) -> bool:
    """Analyses are shared only with accounts that may change data (not guests)."""
    return account_level not in READ_ONLY_LEVELS


def awaits_verification(account_level: str) -> bool:
    """An account whose e-mail address is not verified yet: it may not sign in, and its
    verification link is still good."""
    return account_level == "unverified"


def can_create_tags(principal: Principal) -> bool:
    """New study tags are created by signed-in users who may change data."""
    return principal.account_id is not None and principal.level not in READ_ONLY_LEVELS


def reads_everything(principal: Principal) -> bool:
    """Plugin and system clients and admins read every study, artifact, analysis."""
    return principal.kind in ("system", "plugin") or principal.is_admin


def can_trust_plugins(principal: Principal) -> bool:
    """Admins and the server's operator (the command line) trust and untrust plugins."""
    return principal.is_admin or (principal.kind == "system" and principal.client_id is None)


def can_define_vocabulary(principal: Principal) -> bool:
    """Global vocabulary (artifact types and their mountpoints) is created by plugin and
    system clients and admins; never by users or guests."""
    return is_client(principal) or principal.is_admin


def require_authenticated(ctx: Context) -> Principal:
    if not ctx.principal.is_authenticated:
        raise Unauthenticated("Authentication required: send a bearer token.")
    return ctx.principal


def readable_studies_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: public studies, own, shared with the caller; all for admins.

    A study is public when any of its non-archived artifacts is public (domain.md §3.6).
    """
    if reads_everything(principal):
        return true()
    public = exists(
        select(Artifact.id).where(Artifact.study_id == Study.id, Artifact.visibility == "public")
    )
    if not is_member(principal):
        return public
    shared = exists(
        select(StudyShare.study_id).where(
            StudyShare.study_id == Study.id, StudyShare.account_id == principal.account_id
        )
    )
    return or_(public, Study.owner_id == principal.account_id, shared)


def editable_studies_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: owners, sharers and whoever has admin rights may write."""
    if has_admin_rights(principal):
        return true()
    if not is_member(principal):
        return false()
    shared = exists(
        select(StudyShare.study_id).where(
            StudyShare.study_id == Study.id, StudyShare.account_id == principal.account_id
        )
    )
    return or_(Study.owner_id == principal.account_id, shared)


async def can_read_study(ctx: Context, study_id: int) -> bool:
    query = select(Study.id).where(Study.id == study_id, readable_studies_filter(ctx.principal))
    return (await ctx.session.execute(query)).first() is not None


async def can_edit_study(ctx: Context, study_id: int) -> bool:
    query = select(Study.id).where(Study.id == study_id, editable_studies_filter(ctx.principal))
    return (await ctx.session.execute(query)).first() is not None


async def require_edit_study(ctx: Context, study_id: int) -> None:
    if not await can_edit_study(ctx, study_id):
        if is_untrusted_plugin(ctx.principal):
            raise Forbidden(untrusted_plugin_message(ctx.principal))
        raise Forbidden(f"You do not have permission to modify study {study_id}.")


def readable_artifacts_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Artifact`: public artifacts for everyone; the non-public artifacts of
    studies and analyses the caller owns or shares; all for admins and clients (domain.md §3.9).
    """
    if reads_everything(principal):
        return true()
    public = Artifact.visibility == "public"
    if not is_member(principal):
        return public
    own_study = exists(
        select(Study.id).where(Study.id == Artifact.study_id, editable_studies_filter(principal))
    )
    own_analysis = exists(
        select(Analysis.id).where(
            Analysis.id == Artifact.analysis_id, _own_or_shared_analysis(principal)
        )
    )
    return or_(public, own_study, own_analysis)


def _own_or_shared_analysis(principal: Principal) -> ColumnElement[bool]:
    shared = exists(
        select(AnalysisShare.analysis_id).where(
            AnalysisShare.analysis_id == Analysis.id,
            AnalysisShare.account_id == principal.account_id,
        )
    )
    return or_(Analysis.owner_id == principal.account_id, shared)


def readable_analyses_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Analysis`: public ones (every root artifact public), own and shared
    (default analyses included, domain.md Q14); all for admins and clients.
    """
    if reads_everything(principal):
        return true()
    roots = select(Artifact.id).where(
        Artifact.analysis_id == Analysis.id, Artifact.command_id.is_(None)
    )
    public = and_(exists(roots), ~exists(roots.where(Artifact.visibility != "public")))
    if not is_member(principal):
        return public
    return or_(public, _own_or_shared_analysis(principal))


def readable_jobs_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `ProcessingJob`: a user sees their own jobs and jobs whose inputs or
    outputs they may read; a plugin client the jobs of its plugin's commands; whoever has
    admin rights (system clients and trusted plugins' clients too) all.
    """
    if has_admin_rights(principal):
        return true()
    if principal.kind == "plugin":
        return ProcessingJob.command_id.in_(
            select(Command.id).where(Command.software_id == principal.software_id)
        )
    readable = readable_artifacts_filter(principal)
    touches_input = exists(
        select(ProcessingJobInput.job_id)
        .join(Artifact, Artifact.id == ProcessingJobInput.artifact_id)
        .where(ProcessingJobInput.job_id == ProcessingJob.id, readable)
    )
    touches_output = exists(
        select(Artifact.id).where(Artifact.produced_by_job_id == ProcessingJob.id, readable)
    )
    if principal.kind != "user" or principal.account_id is None:
        return or_(touches_input, touches_output)
    return or_(ProcessingJob.account_id == principal.account_id, touches_input, touches_output)


def nameable_parent_jobs_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `ProcessingJob`: the jobs a new job may take outputs from. Clients
    (which build workflows across plugins) name any job; users the jobs they may read."""
    if is_client(principal):
        return true()
    return readable_jobs_filter(principal)


def can_see_account_details(principal: Principal, account_id: int) -> bool:
    """Admins see every account's details; a user sees only their own."""
    return principal.is_admin or (principal.kind == "user" and principal.account_id == account_id)


VALIDATE_COMMAND = "Validate"


async def can_read_artifact(ctx: Context, artifact_id: int) -> bool:
    query = select(Artifact.id).where(
        Artifact.id == artifact_id, readable_artifacts_filter(ctx.principal)
    )
    return (await ctx.session.execute(query)).first() is not None


async def require_read_artifact(ctx: Context, artifact_id: int) -> None:
    if not await can_read_artifact(ctx, artifact_id):
        raise NotFound(f"Artifact not found: {artifact_id}")


async def can_read_analysis(ctx: Context, analysis_id: int) -> bool:
    query = select(Analysis.id).where(
        Analysis.id == analysis_id, readable_analyses_filter(ctx.principal)
    )
    return (await ctx.session.execute(query)).first() is not None


async def require_read_analysis(ctx: Context, analysis_id: int) -> None:
    if not await can_read_analysis(ctx, analysis_id):
        raise NotFound(f"Analysis not found: {analysis_id}")


def require_plugin_api_writer(principal: Principal) -> Principal:
    """A `/qiita_db` write: plugin and system clients only (decisions.md)."""
    if not principal.is_authenticated:
        raise Unauthenticated("Authentication required: send a bearer token.")
    if not can_write_plugin_api(principal):
        raise Forbidden(
            "Plugin-API writes need a client token (grant_type=client); "
            "a user's token may only read."
        )
    return principal


PLUGIN_API_ONLY = "Only plugin and system clients (and administrators) may do this."


def require_plugin_api(ctx: Context, refusal: str = PLUGIN_API_ONLY) -> Principal:
    """Plugin and system clients and admins; everyone else is refused with `refusal`."""
    if not ctx.principal.is_authenticated:
        raise Unauthenticated("Authentication required: send a bearer token.")
    if not has_plugin_api_rights(ctx.principal):
        raise Forbidden(refusal)
    return ctx.principal


def acting_on_jobs_filter(principal: Principal) -> ColumnElement[bool] | None:
    """SQL predicate on `ProcessingJob` for the jobs `can_act_on_job` allows without looking
    further: any job for system clients and admins, a plugin client's own commands' jobs.
    None when only `can_act_on_job` can tell (nobody else may act on any job but a plugin's
    validator jobs, which need the job's parameters)."""
    if principal.kind == "system" or principal.is_admin:
        return true()
    if principal.kind == "plugin" and principal.software_id is not None:
        return ProcessingJob.command_id.in_(
            select(Command.id).where(Command.software_id == principal.software_id)
        )
    return None


async def can_act_on_job(ctx: Context, job: ProcessingJob) -> bool:
    """May the caller heartbeat, step or complete `job` (decisions.md, "Authorization")?

    System clients and admins: any job. A plugin client: jobs whose command belongs to
    its plugin, and validator jobs of the artifact types its plugin defines. Nobody else.
    """
    principal = ctx.principal
    if principal.kind == "system" or principal.is_admin:
        return True
    if principal.kind != "plugin" or principal.software_id is None:
        return False
    command = await ctx.session.get(Command, job.command_id)
    if command is None:
        return False
    if command.software_id == principal.software_id:
        return True
    artifact_type = (job.parameters or {}).get("artifact_type")
    if command.name != VALIDATE_COMMAND or not isinstance(artifact_type, str):
        return False
    query = (
        select(SoftwareArtifactType.software_id)
        .join(ArtifactType, ArtifactType.id == SoftwareArtifactType.artifact_type_id)
        .where(
            SoftwareArtifactType.software_id == principal.software_id,
            ArtifactType.name == artifact_type,
        )
    )
    return (await ctx.session.execute(query)).first() is not None


async def require_act_on_job(ctx: Context, job: ProcessingJob) -> None:
    if not await can_act_on_job(ctx, job):
        raise Forbidden(
            f"This client may not act on job {job.id}: its command belongs to another plugin."
        )


def require_job_submitter(ctx: Context) -> int:
    """Jobs are submitted by signed-in users who may write (not guests); their account id."""
    principal = ctx.principal
    if not can_submit_jobs(principal) or principal.account_id is None:
        raise Forbidden("Jobs are submitted by signed-in users: send a user's bearer token.")
    return principal.account_id


# --- analyses (cart, creation, sharing, publication, deletion) and user-built workflows ---


def can_create_analysis(principal: Principal) -> bool:
    """Signed-in members (not guests) fill a cart and create analyses from it."""
    return is_member(principal)


def require_analysis_creator(ctx: Context) -> int:
    """The caller's account id when they may keep a cart and create analyses."""
    require_authenticated(ctx)
    if not can_create_analysis(ctx.principal) or ctx.principal.account_id is None:
        raise Forbidden("Analyses are made by signed-in users; guests only read public ones.")
    return ctx.principal.account_id


def editable_analyses_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Analysis`: its owner, the users it is shared with and whoever has
    admin rights change it (share it, make it public, run commands on its artifacts)."""
    if has_admin_rights(principal):
        return true()
    if not is_member(principal):
        return false()
    return _own_or_shared_analysis(principal)


def can_delete_analysis(principal: Principal, analysis: Analysis) -> bool:
    """Only the owner (or whoever has admin rights) deletes an analysis; never a cart."""
    if analysis.is_default:
        return False
    return has_admin_rights(principal) or (
        is_member(principal) and analysis.owner_id == principal.account_id
    )


async def can_edit_analysis(ctx: Context, analysis_id: int) -> bool:
    query = select(Analysis.id).where(
        Analysis.id == analysis_id, editable_analyses_filter(ctx.principal)
    )
    return (await ctx.session.execute(query)).first() is not None


async def require_edit_analysis(ctx: Context, analysis_id: int) -> None:
    """NotFound for an analysis the caller may not read, Forbidden when they only read it."""
    require_authenticated(ctx)
    await require_read_analysis(ctx, analysis_id)
    if not await can_edit_analysis(ctx, analysis_id):
        raise Forbidden(f"You do not have permission to modify analysis {analysis_id}.")


async def require_delete_analysis(ctx: Context, analysis: Analysis) -> None:
    require_authenticated(ctx)
    await require_read_analysis(ctx, analysis.id)
    if not can_delete_analysis(ctx.principal, analysis):
        raise Forbidden(f"Only the owner of analysis {analysis.id} may delete it.")


def can_change_workflow(principal: Principal, workflow: ProcessingWorkflow) -> bool:
    """A user-built workflow is changed and submitted by its owner or an admin; guests and
    clients build none, since jobs belong to user accounts (clients, a trusted plugin's
    and the system's included, submit through the plugin API only)."""
    return principal.is_admin or (
        is_member(principal) and workflow.account_id == principal.account_id
    )


def readable_workflows_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `ProcessingWorkflow`: those the caller may change, and those with a
    job the caller may read."""
    if has_admin_rights(principal):
        return true()
    readable_job = exists(
        select(ProcessingJob.id).where(
            ProcessingJob.workflow_id == ProcessingWorkflow.id, readable_jobs_filter(principal)
        )
    )
    if not is_member(principal):
        return readable_job
    return or_(ProcessingWorkflow.account_id == principal.account_id, readable_job)


# --- editing and deleting studies, preparations and artifacts; shared lists ----------------


def deletable_studies_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: its owner and whoever has admin rights may delete it; the
    users it is shared with edit it but do not delete it."""
    if has_admin_rights(principal):
        return true()
    if not is_member(principal):
        return false()
    return Study.owner_id == principal.account_id


async def can_delete_study(ctx: Context, study_id: int) -> bool:
    query = select(Study.id).where(Study.id == study_id, deletable_studies_filter(ctx.principal))
    return (await ctx.session.execute(query)).first() is not None


async def require_delete_study(ctx: Context, study_id: int) -> None:
    if not await can_delete_study(ctx, study_id):
        if is_untrusted_plugin(ctx.principal):
            raise Forbidden(untrusted_plugin_message(ctx.principal))
        raise Forbidden(
            f"You do not have permission to delete study {study_id}: "
            "only its owner and administrators may."
        )


def can_change_tag(principal: Principal, *, created_by_admin: bool) -> bool:
    """Tags an administrator created are added to and removed from studies by administrators
    only (domain.md §2.4); other tags by whoever may edit the study."""
    return has_admin_rights(principal) or not created_by_admin


def shared_with_caller_filter(principal: Principal) -> ColumnElement[bool]:
    """SQL predicate on `Study`: shared with the caller (not owned by them); false for callers
    without an account."""
    if principal.kind != "user" or principal.account_id is None:
        return false()
    return exists(
        select(StudyShare.study_id).where(
            StudyShare.study_id == Study.id, StudyShare.account_id == principal.account_id
        )
    )
