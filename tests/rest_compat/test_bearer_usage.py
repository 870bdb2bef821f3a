"""The usage example in rest_compat/bearer.py names functions that exist."""

from __future__ import annotations

import re

from resolvers.jobs import lifecycle
from rest_compat import bearer


def test_the_usage_example_calls_existing_functions() -> None:
    example = bearer.__doc__ or ""
    called = re.findall(r"await (?:(\w+)\.)?(\w+)\(", example)
    assert called
    modules = {"": bearer, "lifecycle": lifecycle}
    missing = [f"{m}.{name}" for m, name in called if not hasattr(modules[m], name)]
    assert missing == []
    imported = re.search(r"from rest_compat\.bearer import (.+)", example)
    assert imported is not None
    assert all(hasattr(bearer, name.strip()) for name in imported.group(1).split(","))
