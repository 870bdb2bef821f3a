"""Route documentation: plugin and command registration, analyses, archive, study listing."""

from __future__ import annotations

from rest_compat.route_docs.shapes import (
    BAD_REQUEST,
    COMMAND,
    EMPTY_200,
    FORBIDDEN,
    FORM,
    JSON,
    MESSAGE,
    MISSING_ARGUMENT,
    NOT_FOUND,
    PLUGIN,
    STRING_MAP,
    Body,
    Reply,
    RouteDoc,
    ok,
    string_fields,
)

PLUGINS_DOCS: dict[tuple[str, str], RouteDoc] = {
    # -- plugins ----------------------------------------------------------------------
    ("POST", f"{COMMAND}/activate/"): RouteDoc(
        "Activate a command",
        {**EMPTY_200, 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", f"{COMMAND}/activate/"): RouteDoc(
        "Activate a command (GET, as in the founding route list)",
        {**EMPTY_200, 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", f"{COMMAND}/"): RouteDoc(
        "A command's parameters, default parameter sets and outputs",
        {200: ok("The command."), 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("POST", f"{PLUGIN}/commands/"): RouteDoc(
        "Create a command of a plugin",
        {
            **EMPTY_200,
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            403: [FORBIDDEN],
            404: [NOT_FOUND],
            409: [Reply("The plugin has a command of that name.", JSON, MESSAGE)],
        },
        body=Body(
            FORM,
            string_fields(
                ["name", "description", "required_parameters", "optional_parameters"],
                ["default_parameter_sets", "outputs", "analysis_only"],
            ),
        ),
        tags=("plugins",),
    ),
    ("GET", f"{PLUGIN}/"): RouteDoc(
        "A plugin: description, commands, publications, type, state",
        {200: ok("The plugin."), 404: [NOT_FOUND]},
        tags=("plugins",),
    ),
    ("GET", "/qiita_db/analysis/{analysis_id:path}/metadata/"): RouteDoc(
        "An analysis's merged sample and preparation metadata",
        {200: ok("Sample to column to value."), 403: [FORBIDDEN], 404: [NOT_FOUND]},
        tags=("metadata",),
    ),
    ("POST", "/qiita_db/archive/observations/"): RouteDoc(
        "Look up archived feature values under a job's merging scheme",
        {
            200: ok("Feature to stored value.", STRING_MAP),
            400: [MISSING_ARGUMENT],
            404: [NOT_FOUND],
        },
        body=Body(
            FORM,
            {
                "type": "object",
                "properties": {
                    "job_id": {"type": "string"},
                    "features": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["job_id", "features"],
            },
        ),
        tags=("archive",),
    ),
    ("PATCH", "/qiita_db/archive/observations/"): RouteDoc(
        "Store archived feature values under a job's merging scheme",
        {
            200: ok("The stored feature values.", STRING_MAP),
            400: [MISSING_ARGUMENT, BAD_REQUEST],
            404: [NOT_FOUND],
        },
        body=Body(FORM, string_fields(["path", "value"], ["op"])),
        tags=("archive",),
    ),
    ("GET", "/qiita_db/studies/{visibility:path}"): RouteDoc(
        "BIOM artifacts of public or private studies",
        {
            200: ok('`{"data": {study id: [artifact ids]}}`.'),
            403: [Reply("`You can only request public or private studies`.", JSON, MESSAGE)],
            404: [NOT_FOUND],
        },
        tags=("studies",),
    ),
}
