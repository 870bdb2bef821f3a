"""The ordered `/api/v1` routes (study-api.md §1.2).

The first full match wins, in the contract's order. Ids are `[0-9]+` (`{...:int}`), so a
malformed id matches nothing and gets the router's 404/405. Trailing slashes are never
redirected (the app router and these routes have no slash variants).
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import BaseRoute, Route

from rest_compat import api_persons, api_preparations, api_samples, api_studies


class CategoryListConvertor(Convertor[str]):
    """§1.2 pattern 4: `[A-Za-z0-9.:,_-]*`, possibly empty."""

    regex = "[A-Za-z0-9.:,_-]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class SampleNameConvertor(Convertor[str]):
    """§1.2 pattern 7: `[A-Za-z0-9.-]+`."""

    regex = "[A-Za-z0-9.-]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


CONVERTORS: dict[str, Convertor[str]] = {
    "qiita_categories": CategoryListConvertor(),
    "qiita_sample": SampleNameConvertor(),
}
"""The path parameter types the study routes name, registered by `study_routes`."""

STUDY = "/api/v1/study/{study_id:int}"


def study_routes() -> list[BaseRoute]:
    """The routes in the contract's order. Starlette compiles a route's path against its
    registry of convertors when the route is built, so the two of the study API are
    registered here, when the app is built, rather than when a module is imported."""
    for name, convertor in CONVERTORS.items():
        register_url_convertor(name, convertor)
    return _routes()


def _routes() -> list[BaseRoute]:
    return [
        Route("/api/v1/study", api_studies.create_study, methods=["POST"]),  # 1, §3.2
        Route(STUDY, api_studies.get_study, methods=["GET"]),  # 2, §3.1
        Route(f"{STUDY}/associations", api_studies.get_study_associations, methods=["GET"]),  # 3
        Route(
            f"{STUDY}/samples/categories={{categories:qiita_categories}}",
            api_samples.get_sample_categories,
            methods=["GET"],
        ),  # 4, §4.3
        Route(f"{STUDY}/samples", api_samples.get_samples, methods=["GET"]),  # 5, §4.1
        Route(f"{STUDY}/samples", api_samples.patch_samples, methods=["PATCH"]),  # 5, §4.2
        Route(f"{STUDY}/samples/status", api_samples.post_samples_status, methods=["POST"]),  # 6
        Route(
            f"{STUDY}/sample/{{sample:qiita_sample}}/status",
            api_samples.get_sample_status,
            methods=["GET"],
        ),  # 7, §4.5
        Route(f"{STUDY}/samples/info", api_samples.get_samples_info, methods=["GET"]),  # 8, §4.4
        Route("/api/v1/person{anything:path}", api_persons.get_persons, methods=["GET"]),  # 9
        Route("/api/v1/person{anything:path}", api_persons.create_person, methods=["POST"]),  # 9
        Route(
            f"{STUDY}/preparation/{{prep_id:int}}/artifact",
            api_preparations.attach_artifact,
            methods=["POST"],
        ),  # 10, §6.2
        Route(
            f"{STUDY}/preparation{{anything:path}}",
            api_preparations.create_preparation,
            methods=["POST"],
        ),  # 11, §6.1
        Route(f"{STUDY}/status", api_studies.get_study_status, methods=["GET"]),  # 12, §3.3
    ]
