"""The schema as SDL, for the committed `schema.graphql` that reviewers diff.

Regenerate after a schema change:
    python -c "from schema.sdl import write_sdl; write_sdl()"
"""

from __future__ import annotations

from pathlib import Path

from db.settings import Settings
from schema import build_schema

SDL_PATH = Path(__file__).resolve().parent.parent / "schema.graphql"


def printed_sdl() -> str:
    """The SDL of the schema; settings change limits, never the SDL."""
    return build_schema(Settings()).as_str() + "\n"


def write_sdl(path: Path = SDL_PATH) -> None:
    path.write_text(printed_sdl())
