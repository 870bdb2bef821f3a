"""Pure study rules: derived status, title normalisation, template file rendering."""

from __future__ import annotations

import pytest

from resolvers.studies.studies import is_storable_id, normalise_title, status_from_visibilities
from resolvers.studies.template_files import template_text


@pytest.mark.parametrize(
    ("visibilities", "status"),
    [
        ([], "sandbox"),
        (["sandbox"], "sandbox"),
        (["archived"], "sandbox"),
        (["sandbox", "awaiting_approval"], "awaiting_approval"),
        (["awaiting_approval", "private", "sandbox"], "private"),
        (["private", "public", "archived"], "public"),
    ],
)
def test_study_status_takes_the_most_open_non_archived_visibility(
    visibilities: list[str], status: str
) -> None:
    assert status_from_visibilities(visibilities) == status


def test_titles_are_trimmed_and_blanks_collapsed() -> None:
    assert normalise_title("  Soil \t and\n  water ") == "Soil and water"


def test_storable_ids_are_64_bit() -> None:
    assert is_storable_id(0)
    assert is_storable_id(2**63 - 1)
    assert not is_storable_id(2**63)
    assert not is_storable_id(-1)


def test_template_text_sorts_columns_and_rows_and_leaves_nulls_empty() -> None:
    text = template_text(
        ["ph", "country"],
        [("1.b", {"ph": "7", "country": None}), ("1.a", {"ph": None, "country": "Peru"})],
        id_column="qiita_study_id",
        id_value=1,
    )
    assert text == ("sample_name\tcountry\tph\tqiita_study_id\n1.a\tPeru\t\t1\n1.b\t\t7\t1\n")
