"""The samples of a study one by one: their EBI accessions and preparations
(study-api.md §4.5, §4.6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from db.models import PrepSample, Sample
from resolvers.context import Context
from resolvers.studies.preparations import preparation_statuses
from resolvers.studies.samples import ID_CHUNK
from resolvers.studies.studies import find_study


@dataclass(frozen=True)
class SampleDetail:
    sample_id: str
    sample_found: bool
    ebi_sample_accession: str | None = None
    preparation_id: int | None = None
    ebi_experiment_accession: str | None = None
    preparation_visibility: str | None = None
    preparation_type: str | None = None


async def sample_details(
    ctx: Context, study_id: int, sample_ids: Sequence[str]
) -> list[SampleDetail]:
    """Accessions and preparations of each requested sample, in request order (§4.5, §4.6)."""
    await find_study(ctx, study_id)
    wanted = [name for name in dict.fromkeys(sample_ids) if "\x00" not in name]
    samples: dict[str, tuple[int, str | None]] = {}
    for start in range(0, len(wanted), ID_CHUNK):
        names_query = select(Sample.sample_name, Sample.id, Sample.ebi_sample_accession).where(
            Sample.study_id == study_id, Sample.sample_name.in_(wanted[start : start + ID_CHUNK])
        )
        for name, sample_id, accession in await ctx.session.execute(names_query):
            samples[name] = (sample_id, accession)
    ids = [sample_id for sample_id, _ in samples.values()]
    links: dict[int, list[tuple[int, str | None]]] = {}
    prep_ids: set[int] = set()
    for start in range(0, len(ids), ID_CHUNK):
        query = (
            select(PrepSample.sample_id, PrepSample.prep_id, PrepSample.ebi_experiment_accession)
            .where(PrepSample.sample_id.in_(ids[start : start + ID_CHUNK]))
            .order_by(PrepSample.prep_id)
        )
        for linked_id, prep_id, accession in await ctx.session.execute(query):
            links.setdefault(linked_id, []).append((prep_id, accession))
            prep_ids.add(prep_id)
    statuses = await preparation_statuses(ctx, sorted(prep_ids))
    details: list[SampleDetail] = []
    for requested in sample_ids:
        found = samples.get(requested)
        if found is None:
            details.append(SampleDetail(sample_id=requested, sample_found=False))
            continue
        sample_id, sample_accession = found
        preps = links.get(sample_id, [])
        if not preps:
            details.append(
                SampleDetail(
                    sample_id=requested, sample_found=True, ebi_sample_accession=sample_accession
                )
            )
        for prep_id, accession in preps:
            visibility, data_type = statuses[prep_id]
            details.append(
                SampleDetail(
                    sample_id=requested,
                    sample_found=True,
                    ebi_sample_accession=sample_accession,
                    preparation_id=prep_id,
                    ebi_experiment_accession=accession,
                    preparation_visibility=visibility,
                    preparation_type=data_type,
                )
            )
    return details
