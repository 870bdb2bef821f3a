"""Loads the demo data set (`qiita-gateway demo load`, `serve --demo`).

Two studies (one public with two preparations and a processed artifact
chain, one private), three accounts and two clients, a type plugin and a
processing plugin with commands and parameter sets, a reference, jobs in
every status and an analysis, with real small files in the data dir.

Loading is idempotent: when the first demo study exists nothing is done.
On a fresh database rows are inserted in an order that makes the public
study study 1 and its raw FASTQ artifact artifact 1.

What is in it: `demo_data.py` and `demo_plugin_data.py` (fixed tables), `demo_content.py`
(file bodies, per-sample values); how rows are written: `demo_loader.py`, `demo_plugins.py`;
the public study's chain: `demo_public_study.py`.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from db.models import (
    Account,
    Analysis,
    AnalysisJob,
    AnalysisSample,
    AnalysisShare,
    LogEntry,
    PrepTemplate,
    ProcessingJobParent,
    ProcessingWorkflow,
    ProcessingWorkflowRoot,
    Study,
    StudyShare,
    utcnow,
)
from gateway import demo_content as content
from gateway.demo_data import (
    ANALYSIS_DESCRIPTION,
    ANALYSIS_NAME,
    COLLEAGUE,
    DEMO_MARKER_TITLE,
    JOB_ERROR_MESSAGE,
    JOB_IDS,
    LAB_RIVER,
    OWNER,
    PASSWORD_CLIENT_ID,
    PI_RIVER,
    PREP_RIVER,
    RIVER_COLUMNS,
    RIVER_STUDY,
    SYSTEM_CLIENT_ID,
    SYSTEM_CLIENT_SECRET,
    USERS,
    DemoFile,
)
from gateway.demo_loader import Loader, finished_job_fields
from gateway.demo_plugin_data import (
    PICK_DEFAULTS,
    PICK_OTUS,
    PLUGINS,
    RAREFY,
    RAREFY_DEFAULTS,
    SPLIT_DEFAULTS,
    SPLIT_LIBRARIES,
)
from gateway.demo_plugins import Commands, add_default_workflow, add_plugin
from gateway.demo_public_study import PublicStudy, load_public_study
from gateway.progress import SILENT, Progress
from resolvers.context import Context
from resolvers.studies.template_files import regenerate_prep_file, regenerate_sample_file

logger = logging.getLogger(__name__)

RAREFACTION_DEPTH = 100


def credentials_text() -> str:
    """What `serve --demo` and `demo load` print: the demo accounts and the script client."""
    lines = ["Demo accounts (e-mail / password):"]
    lines += [f"  {user.level:<5}  {user.email} / {user.password}" for user in USERS]
    lines.append(f"Password-grant client id: {PASSWORD_CLIENT_ID} (no secret)")
    lines.append(f"System client: {SYSTEM_CLIENT_ID} / {SYSTEM_CLIENT_SECRET}")
    return "\n".join(lines)


async def demo_present(ctx: Context) -> bool:
    query = select(Study.id).where(Study.title == DEMO_MARKER_TITLE)
    return (await ctx.session.execute(query)).first() is not None


DEMO_STEPS = 7


async def load_demo(ctx: Context, progress: Progress = SILENT) -> bool:
    """Load the demo data set; False (and no change) when it is already there."""
    if await demo_present(ctx):
        return False
    if progress.total is not None:
        progress.total += DEMO_STEPS
    progress.step("accounts and clients")
    loader = await Loader.start(ctx)
    accounts = {user.email: await loader.account(user) for user in USERS}
    owner, colleague = accounts[OWNER.email], accounts[COLLEAGUE.email]
    await loader.clients()
    progress.step("plugins, default workflow, reference")
    commands = Commands()
    for plugin in PLUGINS:
        await add_plugin(loader, plugin, commands)
    await add_default_workflow(loader, commands)
    await loader.reference()

    progress.step("public study: samples, preparations, artifact files")
    public = await load_public_study(loader, owner, commands)
    progress.step("private study")
    river, river_prep = await _private_study(loader, owner, colleague)
    progress.step("analysis")
    await _analysis(loader, owner, colleague, public, commands)
    progress.step("jobs")
    await _unfinished_jobs(loader, owner, public, commands)
    await _default_analyses(loader, list(accounts.values()))

    progress.step("sample and preparation information files")
    for study in (public.study, river):
        await regenerate_sample_file(ctx, study.id)
    for prep in (*public.preps, river_prep):
        await regenerate_prep_file(ctx, prep.id)
    logger.info("demo data loaded: studies %d and %d", public.study.id, river.id)
    return True


async def _private_study(
    loader: Loader, owner: Account, colleague: Account
) -> tuple[Study, PrepTemplate]:
    """The private study, shared with the colleague, with an uploaded BIOM table."""
    study = await loader.study(
        RIVER_STUDY, owner, await loader.person(PI_RIVER), await loader.person(LAB_RIVER)
    )
    await loader.flush(StudyShare(study_id=study.id, account_id=colleague.id))
    values = content.river_samples(study.id)
    samples = await loader.sample_template(study, RIVER_COLUMNS, values)
    prep, _ = await loader.prep(study, PREP_RIVER, list(samples.values()), 2024)
    table = await loader.artifact(
        "River biofilm OTU table", "BIOM", "16S", "private", study=study, prep=prep
    )
    body = content.biom_table(content.otu_counts(values, seed=2024), "river-16S")
    await loader.artifact_files(
        table, "BIOM", [DemoFile("river_biofilm_otu_table.biom", "biom", body)]
    )
    return study, prep


async def _analysis(
    loader: Loader, owner: Account, colleague: Account, public: PublicStudy, commands: Commands
) -> None:
    """Rhizosphere samples of both treatments from the OTU table, then a rarefied table."""
    analysis = Analysis(owner_id=owner.id, name=ANALYSIS_NAME, description=ANALYSIS_DESCRIPTION)
    await loader.flush(analysis)
    await loader.flush(AnalysisShare(analysis_id=analysis.id, account_id=colleague.id))
    chosen = [name for name in public.otu_counts if name.split(".")[2] == "Rh"]
    await loader.flush(
        *(
            AnalysisSample(
                analysis_id=analysis.id,
                artifact_id=public.otu_table.id,
                sample_id=public.samples[name].id,
            )
            for name in chosen
        )
    )
    table = await loader.artifact(
        "Rhizosphere OTU table", "BIOM", "16S", "sandbox", analysis=analysis
    )
    counts = {name: public.otu_counts[name] for name in chosen}
    await loader.artifact_files(
        table,
        "BIOM",
        [DemoFile("rhizosphere_otu_table.biom", "biom", content.biom_table(counts, "rhizosphere"))],
    )
    mapping = content.mapping_file(
        [(n, v) for n, v in public.values if n in chosen],
        ["treatment", "compartment", "host_subject_id", "soil_moisture_pct"],
    )
    await loader.write_files(
        "analysis",
        [DemoFile(f"{analysis.id}_analysis_mapping.txt", "plain_text", mapping)],
        analysis_id=analysis.id,
    )
    rarefy_job = await loader.job(
        "rarefy_success",
        owner,
        commands.processing(RAREFY),
        {"biom_table": table.id, **RAREFY_DEFAULTS, "depth": RAREFACTION_DEPTH},
        "success",
        inputs=[table],
        **finished_job_fields(5),
    )
    await loader.flush(AnalysisJob(analysis_id=analysis.id, job_id=rarefy_job.id))
    rarefied = await loader.artifact(
        "Rarefied rhizosphere table", "BIOM", "16S", "sandbox",
        analysis=analysis, parents=[table], job=rarefy_job,
        output_id=commands.processing_output(RAREFY, "rarefied_table"),
    )  # fmt: skip
    rarefied_counts = content.rarefy(counts, RAREFACTION_DEPTH, seed=100)
    await loader.artifact_files(
        rarefied,
        "BIOM",
        [DemoFile("rarefied_table.biom", "biom", content.biom_table(rarefied_counts, "rarefied"))],
    )


async def _unfinished_jobs(
    loader: Loader, owner: Account, public: PublicStudy, commands: Commands
) -> None:
    """Queued, running (in a workflow, with a waiting child), failed and draft jobs.

    None of them names a launcher, so the server neither launches nor reconciles them.
    """
    split, pick = commands.processing(SPLIT_LIBRARIES), commands.processing(PICK_OTUS)
    raw16, raw18, demux = public.raw_16s, public.raw_18s, public.demultiplexed
    await loader.job(
        "queued",
        owner,
        split,
        {"input_data": raw16.id, **SPLIT_DEFAULTS, "rev_comp_mapping_barcodes": True},
        "queued",
        inputs=[raw16],
    )
    running_flow = ProcessingWorkflow(account_id=owner.id, name="18S processing")
    await loader.flush(running_flow)
    running = await loader.job(
        "running", owner, split, {"input_data": raw18.id, **SPLIT_DEFAULTS}, "running",
        inputs=[raw18], heartbeat=utcnow(), step="demultiplexing", workflow_id=running_flow.id,
    )  # fmt: skip
    waiting = await loader.job(
        "waiting", owner, pick, {"input_data": [running.id, "demultiplexed"], **PICK_DEFAULTS},
        "waiting", pending={running.id: {"input_data": "demultiplexed"}},
        workflow_id=running_flow.id,
    )  # fmt: skip
    await loader.flush(
        ProcessingWorkflowRoot(workflow_id=running_flow.id, job_id=running.id),
        ProcessingJobParent(parent_id=running.id, child_id=waiting.id),
    )
    error_log = LogEntry(
        severity="Runtime", msg=JOB_ERROR_MESSAGE, info=[{"job_id": JOB_IDS["error"]}]
    )
    await loader.flush(error_log)
    await loader.job(
        "error", owner, pick, {"input_data": demux.id, **PICK_DEFAULTS, "similarity": 0.99},
        "error", inputs=[demux], error_log_id=error_log.id,
        step="building the reference index", **finished_job_fields(30),
    )  # fmt: skip
    draft_flow = ProcessingWorkflow(account_id=owner.id, name="16S with stricter coverage")
    await loader.flush(draft_flow)
    draft = await loader.job(
        "in_construction", owner, pick,
        {"input_data": demux.id, **PICK_DEFAULTS, "sortmerna_coverage": 0.9},
        "in_construction", inputs=[demux], workflow_id=draft_flow.id,
    )  # fmt: skip
    await loader.flush(ProcessingWorkflowRoot(workflow_id=draft_flow.id, job_id=draft.id))


async def _default_analyses(loader: Loader, accounts: list[Account]) -> None:
    """Every verified account's default analysis (its cart of selected samples)."""
    await loader.flush(
        *(
            Analysis(
                owner_id=account.id,
                name=f"{account.email}-dflt-1",
                description="dflt",
                is_default=True,
            )
            for account in accounts
            if account.level != "unverified"
        )
    )
