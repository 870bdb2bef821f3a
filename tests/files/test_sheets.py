"""Sample and preparation information from uploaded TSV, CSV and XLSX sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook
from sqlalchemy import func, select

from db.models import PrepTemplate, Sample, SampleTemplate, StoredFile
from resolvers.context import Services
from tests.builders.callers import Callers, run_graphql
from tests.builders.studies import make_study
from tests.builders.study_tree import make_study_tree

REPORT = """report { applied samplesAdded samplesUpdated newColumns preparationId
  errors { row column columnNumber message } warnings { row column columnNumber message } }
  userErrors { field message code }"""
CREATE = f"""mutation($input: SampleInformationFileInput!) {{
  createSampleInformation(input: $input) {{ {REPORT} }} }}"""
UPDATE = f"""mutation($input: SampleInformationFileInput!) {{
  updateSampleInformation(input: $input) {{ {REPORT} }} }}"""
PREP = f"""mutation($input: PreparationFileInput!) {{
  createPreparationFromFile(input: $input) {{ {REPORT} }} }}"""


def upload(services: Services, study_id: int, name: str, content: str | bytes) -> Path:
    folder = services.settings.resolved_data_dir / "uploads" / str(study_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def workbook(services: Services, study_id: int, name: str, rows: list[list[Any]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    folder = services.settings.resolved_data_dir / "uploads" / str(study_id)
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / name)


async def counts(services: Services, study_id: int) -> tuple[int, int, int]:
    async with services.sessions() as session:
        samples = await session.scalar(
            select(func.count()).select_from(Sample).where(Sample.study_id == study_id)
        )
        preps = await session.scalar(
            select(func.count()).select_from(PrepTemplate).where(PrepTemplate.study_id == study_id)
        )
        files = await session.scalar(select(func.count()).select_from(StoredFile))
    return samples or 0, preps or 0, files or 0


async def test_tsv_creates_sample_information_after_a_dry_run(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    study_id = await make_study(services, callers.owner.account)
    upload(
        services,
        study_id,
        "samples.tsv",
        "sample_name\tdescription\tph\tsample_id\nS1\tBöden · 土壌\t7.1\tx\nS2\t\t6.5\tx\n",
    )
    templates = services.settings.resolved_data_dir / "templates"
    before_files = sorted(templates.glob("*")) if templates.exists() else []
    before = await counts(services, study_id)
    variables = {"input": {"studyId": study_id, "fileName": "samples.tsv", "dryRun": True}}
    dry = await run_graphql(client, CREATE, variables, caller=callers.owner)
    report = dry["data"]["createSampleInformation"]["report"]
    assert report["applied"] is False
    assert report["errors"] == []
    assert report["samplesAdded"] == [f"{study_id}.S1", f"{study_id}.S2"]
    assert report["newColumns"] == ["description", "ph"]
    warnings = {(w["row"], w["column"]) for w in report["warnings"]}
    assert (3, "description") in warnings
    assert (1, "sample_id") in warnings
    assert await counts(services, study_id) == before
    async with services.sessions() as session:
        assert await session.get(SampleTemplate, study_id) is None
    assert (sorted(templates.glob("*")) if templates.exists() else []) == before_files

    variables["input"]["dryRun"] = False
    done = await run_graphql(client, CREATE, variables, caller=callers.owner)
    assert done["data"]["createSampleInformation"]["report"]["applied"] is True
    async with services.sessions() as session:
        values = await session.scalar(
            select(Sample.values).where(Sample.sample_name == f"{study_id}.S1")
        )
    assert values == {"description": "Böden · 土壌", "ph": "7.1"}


async def test_bad_headers_and_rows_are_reported_with_their_place(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    study_id = await make_study(services, callers.owner.account)
    upload(
        services,
        study_id,
        "bad.csv",
        "sample_name,ph,PH,select,barcode,höhe\n"
        "S1,1,2,3,4,5\nS 2,1,2,3,4,5\nS1,1,2,3,4,5\n,1,2,3,4,5\n",
    )
    result = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "bad.csv"}},
        caller=callers.owner,
    )
    report = result["data"]["createSampleInformation"]["report"]
    assert report["applied"] is False
    places = {(e["row"], e["column"], e["columnNumber"]) for e in report["errors"]}
    assert (1, "PH", 3) in places  # duplicate, ignoring case
    assert (1, "select", 4) in places  # reserved word
    assert (1, "barcode", 5) in places  # reserved for preparations
    assert (1, "höhe", 6) in places  # not ASCII
    assert (3, "sample_name", 1) in places  # space in a sample name
    assert (4, "sample_name", 1) in places  # repeated sample
    assert (5, "sample_name", 1) in places  # empty sample name
    assert all(e["message"] for e in report["errors"])
    assert (await counts(services, study_id))[0] == 0


async def test_xlsx_updates_sample_information(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    workbook(
        services,
        tree.study_id,
        "more.xlsx",
        [
            ["sample_name", "env_package", "host", "depth_m", None],
            [f"{tree.study_id}.S0", "soil", "Maus 🐭", 1.5, None],
            ["S9", "water", None, 3, None],
        ],
    )
    variables = {"input": {"studyId": tree.study_id, "fileName": "more.xlsx"}}
    result = await run_graphql(client, UPDATE, variables, caller=callers.owner)
    report = result["data"]["updateSampleInformation"]["report"]
    assert report["errors"] == []
    assert report["applied"] is True
    assert report["samplesAdded"] == [f"{tree.study_id}.S9"]
    assert report["samplesUpdated"] == [f"{tree.study_id}.S0"]
    assert report["newColumns"] == ["depth_m"]
    async with services.sessions() as session:
        values = await session.scalar(
            select(Sample.values).where(Sample.sample_name == f"{tree.study_id}.S9")
        )
    assert values == {"env_package": "water", "host": None, "depth_m": "3"}

    missing_column = [["sample_name", "host"], ["S0", "x"]]
    workbook(services, tree.study_id, "short.xlsx", missing_column)
    variables = {"input": {"studyId": tree.study_id, "fileName": "short.xlsx"}}
    refused = await run_graphql(client, UPDATE, variables, caller=callers.owner)
    report = refused["data"]["updateSampleInformation"]["report"]
    assert report["applied"] is False
    assert report["errors"]
    assert report["errors"][0]["row"] is None


async def test_preparation_from_a_sheet(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    tree = await make_study_tree(services, callers.owner.account, samples=2)
    upload(
        services,
        tree.study_id,
        "prep.txt",
        "sample_name\tbarcode\tprimer\nS0\tACGT\tGTGC\nS1\tTTGA\tGTGC\n",
    )
    samples_before, preps_before, files_before = await counts(services, tree.study_id)
    variables: dict[str, Any] = {
        "input": {
            "studyId": tree.study_id,
            "fileName": "prep.txt",
            "dataType": "16S",
            "dryRun": True,
        }
    }
    dry = await run_graphql(client, PREP, variables, caller=callers.owner)
    report = dry["data"]["createPreparationFromFile"]["report"]
    assert report["errors"] == [], report
    assert report["applied"] is False
    assert report["preparationId"] is None
    assert report["newColumns"] == ["barcode", "primer"]
    assert await counts(services, tree.study_id) == (samples_before, preps_before, files_before)

    variables["input"]["dryRun"] = False
    done = await run_graphql(client, PREP, variables, caller=callers.owner)
    report = done["data"]["createPreparationFromFile"]["report"]
    assert report["applied"] is True
    assert isinstance(report["preparationId"], int)
    assert (await counts(services, tree.study_id))[1] == preps_before + 1


async def test_file_must_be_in_the_upload_folder_and_study_editable(
    client: httpx.AsyncClient, services: Services, callers: Callers
) -> None:
    study_id = await make_study(services, callers.owner.account)
    outside = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "../../qiita.sqlite"}},
        caller=callers.owner,
    )
    assert outside["data"]["createSampleInformation"]["userErrors"][0]["field"] == [
        "input",
        "fileName",
    ]
    upload(services, study_id, "notes.pdf", b"%PDF")
    wrong_type = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "notes.pdf"}},
        caller=callers.owner,
    )
    assert wrong_type["data"]["createSampleInformation"]["userErrors"][0]["field"] == [
        "input",
        "fileName",
    ]
    upload(services, study_id, "latin1.tsv", "sample_name\tx\nS1\tM\xfcnchen\n".encode("latin-1"))
    not_utf8 = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "latin1.tsv"}},
        caller=callers.owner,
    )
    assert "UTF-8" in not_utf8["data"]["createSampleInformation"]["userErrors"][0]["message"]
    other = await run_graphql(
        client,
        CREATE,
        {"input": {"studyId": study_id, "fileName": "latin1.tsv"}},
        caller=callers.other,
    )
    assert other["data"]["createSampleInformation"]["userErrors"][0]["code"] == "NOT_FOUND"
