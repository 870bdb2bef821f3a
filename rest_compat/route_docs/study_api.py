"""Route documentation: the study API (/api/v1/), documented in study-api.md."""

from __future__ import annotations

from rest_compat.route_docs.shapes import (
    ANY_OBJECT,
    BAD_REQUEST,
    ID_OBJECT,
    JSON,
    MESSAGE,
    STUDY,
    STUDY_NOT_FOUND,
    Body,
    Query,
    Reply,
    RouteDoc,
    ok,
)

STUDY_API_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- study API --------------------------------------------------------------------
    ("POST", "/api/v1/study"): RouteDoc(
        "Create a study",
        {
            201: ok("The new study.", ID_OBJECT),
            400: [
                Reply(
                    "`Could not parse body` or `Not all required arguments provided`.",
                    JSON,
                    MESSAGE,
                )
            ],
            403: [
                Reply(
                    "`Unknown user`, `Unknown principal investigator` or `Unknown lab person`.",
                    JSON,
                    MESSAGE,
                )
            ],
            409: [Reply("`Study title already exists`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "study_abstract": {"type": "string"},
                    "study_description": {"type": "string"},
                    "study_alias": {"type": "string"},
                    "owner": {"type": "string"},
                    "contacts": {"type": "object"},
                    "notes": {"type": "string"},
                },
                "required": [
                    "title",
                    "study_abstract",
                    "study_description",
                    "study_alias",
                    "owner",
                    "contacts",
                ],
            },
        ),
        tags=("study API",),
    ),
    ("GET", STUDY): RouteDoc(
        "A study's title, contacts and texts",
        {200: ok("The study."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/associations"): RouteDoc(
        "A study's files: sample information, preparations, artifacts and their files",
        {200: ok("The associations."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples/categories={{categories:qiita_categories}}"): RouteDoc(
        "Values of some sample categories for every sample",
        {
            200: ok(
                '`{"header": [...], "samples": {id: [values]}}`.',
                ANY_OBJECT,
            ),
            404: [
                Reply(
                    "`Study not found`, `Study does not have sample information`, "
                    "`Category not found` (with `categories_not_found`).",
                    JSON,
                    MESSAGE,
                )
            ],
            405: [Reply("`No categories specified`.", JSON, MESSAGE)],
        },
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples"): RouteDoc(
        "A study's sample ids",
        {
            200: ok(
                "Sample ids.",
                {"type": "array", "items": {"type": "string"}},
            ),
            404: [STUDY_NOT_FOUND],
        },
        query=(
            Query(
                "categories", "comma-separated categories: answered like /samples/categories=..."
            ),
        ),
        tags=("study API",),
    ),
    ("PATCH", f"{STUDY}/samples"): RouteDoc(
        "Add or update samples",
        {
            200: [Reply("Existing samples updated; empty body.", None)],
            201: [Reply("At least one sample added; empty body.", None)],
            400: [
                Reply(
                    "`No samples provided`, `Not all sample information categories provided`, "
                    "body not JSON.",
                    JSON,
                    MESSAGE,
                )
            ],
            404: [Reply("`Study not found` or `No sample information found`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {"type": "object", "additionalProperties": {"type": "object"}},
            "Sample id to category to value.",
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/samples/status"): RouteDoc(
        "Per-sample accession and preparation details",
        {
            200: ok(
                "Sample details.",
                {"type": "array", "items": {"type": "object"}},
            ),
            400: [Reply("`Missing sample_id key`.", JSON, MESSAGE)],
            404: [STUDY_NOT_FOUND],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {"sample_ids": {"type": "array", "items": {"type": "string"}}},
                "required": ["sample_ids"],
            },
        ),
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/sample/{{sample:qiita_sample}}/status"): RouteDoc(
        "One sample's accession and preparation details",
        {
            200: ok(
                "Sample details.",
                {"type": "array", "items": {"type": "object"}},
            ),
            404: [STUDY_NOT_FOUND],
        },
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/samples/info"): RouteDoc(
        "Number of samples and sample categories",
        {
            200: ok('`{"number-of-samples", "categories"}`.'),
            404: [STUDY_NOT_FOUND],
        },
        tags=("study API",),
    ),
    ("GET", "/api/v1/person{anything:path}"): RouteDoc(
        "List study persons, or look one up by name and affiliation",
        {
            200: ok(
                "Every person (`[{name, affiliation}]`), or one person's "
                "`{address, phone, email, id}`.",
                {"oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]},
            ),
            400: [Reply("Only one of name and affiliation given.", JSON, MESSAGE)],
            404: [Reply("`Person not found`.", JSON, MESSAGE)],
        },
        description="Any suffix after `/person` reaches this route.",
        query=(Query("name", "person's name"), Query("affiliation", "person's affiliation")),
        tags=("study API",),
    ),
    ("POST", "/api/v1/person{anything:path}"): RouteDoc(
        "Create a study person",
        {
            201: ok("The new person.", ID_OBJECT),
            400: [Reply("A required argument is missing.", JSON, MESSAGE)],
            409: [Reply("`Person already exists`.", JSON, MESSAGE)],
        },
        description="Arguments in the query string or a form body (the body wins).",
        query=(
            Query("name", "person's name"),
            Query("affiliation", "person's affiliation"),
            Query("email", "person's e-mail"),
            Query("phone", "optional"),
            Query("address", "optional"),
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/preparation/{{prep_id:int}}/artifact"): RouteDoc(
        "Attach uploaded files to a preparation as its artifact",
        {
            201: ok("The new artifact.", ID_OBJECT),
            400: [BAD_REQUEST],
            404: [Reply("`Study not found` or `Preparation not found`.", JSON, MESSAGE)],
            406: [Reply("The artifact could not be created (the reason).", JSON, MESSAGE)],
            409: [Reply("`Preparation ID not associated with the study`.", JSON, MESSAGE)],
        },
        body=Body(
            JSON,
            {
                "type": "object",
                "properties": {
                    "artifact_type": {"type": "string"},
                    "filepaths": {"type": "array", "items": {"type": "array"}},
                    "artifact_name": {"type": "string"},
                },
                "required": ["artifact_type", "filepaths", "artifact_name"],
            },
        ),
        tags=("study API",),
    ),
    ("POST", f"{STUDY}/preparation{{anything:path}}"): RouteDoc(
        "Create a preparation from per-sample information",
        {
            201: ok("The new preparation.", ID_OBJECT),
            400: [Reply("`data_type` missing or body not JSON.", JSON, MESSAGE)],
            404: [STUDY_NOT_FOUND],
            406: [Reply("The information was refused (the reason).", JSON, MESSAGE)],
        },
        description="Any suffix after `/preparation` reaches this route.",
        query=(
            Query("data_type", "e.g. 16S", required=True),
            Query("investigation_type", "optional"),
        ),
        body=Body(
            JSON,
            {"type": "object", "additionalProperties": {"type": "object"}},
            "Sample id to column to value.",
        ),
        tags=("study API",),
    ),
    ("GET", f"{STUDY}/status"): RouteDoc(
        "Whether a study is public, has sample information, and its preparations",
        {200: ok("The status."), 404: [STUDY_NOT_FOUND]},
        tags=("study API",),
    ),
}
