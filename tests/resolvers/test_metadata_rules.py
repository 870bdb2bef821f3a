"""Sample names, column names and values are judged by the rules of domain.md §2.5."""

from __future__ import annotations

import pytest

from resolvers.errors import Invalid
from resolvers.studies.metadata_rules import (
    POSTGRES_RESERVED_WORDS,
    PREP_FORBIDDEN_WORDS,
    clean_table,
    has_study_prefix,
    normalise_column_names,
    normalise_value,
    prefix_sample_name,
    validate_sample_names,
)


def test_valid_sample_names_pass() -> None:
    validate_sample_names(["SKB8.640193", "blank.1", "1.ABC"])


def test_sample_names_with_other_characters_are_all_listed() -> None:
    with pytest.raises(Invalid) as caught:
        validate_sample_names(["ok.1", "bad-1", "bad_2", "spa ce", "ünï"])
    message = caught.value.message
    assert "'bad-1', 'bad_2', 'spa ce', 'ünï'" in message
    assert "'ok.1'" not in message


def test_duplicate_sample_names_are_refused() -> None:
    with pytest.raises(Invalid, match=r"Duplicate sample names: 'a\.1'"):
        validate_sample_names(["a.1", "b.1", "a.1"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SKB8.640193", "1.SKB8.640193"),
        ("1.SKB8.640193", "1.SKB8.640193"),
        ("10.X", "1.10.X"),
        ("1", "1.1"),
        ("1.", "1.1."),
        ("11.X", "1.11.X"),
    ],
)
def test_prefix_is_added_unless_present(name: str, expected: str) -> None:
    assert prefix_sample_name(1, name) == expected


def test_prefix_detection_needs_more_than_the_study_id() -> None:
    assert has_study_prefix(12, "12.a")
    assert not has_study_prefix(12, "12.")
    assert not has_study_prefix(12, "1.a")


def test_column_names_are_lower_cased_in_order() -> None:
    assert normalise_column_names(["pH", "Country", "a:b|c", "x_1"]) == [
        "ph",
        "country",
        "a:b|c",
        "x_1",
    ]


def test_study_and_prep_ids_and_sample_id_columns_are_dropped_silently() -> None:
    columns = ["qiita_study_id", "QIITA_PREP_ID", "sample_id", "sample-id", "ph"]
    assert normalise_column_names(columns) == ["ph"]


@pytest.mark.parametrize("word", ["select", "user", "table", "order", "current_date", "with"])
def test_postgres_13_reserved_words_are_refused(word: str) -> None:
    with pytest.raises(Invalid, match="Reserved words cannot be column names"):
        normalise_column_names([word.upper()])


def test_the_reserved_list_is_frozen_at_postgres_13() -> None:
    assert len(POSTGRES_RESERVED_WORDS) == 77
    assert "system_user" not in POSTGRES_RESERVED_WORDS
    normalise_column_names(["system_user"])


@pytest.mark.parametrize("name", ["id", "sampleid", "feature-id", "Sample ID", "featureid"])
def test_qiime2_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(Invalid, match="QIIME 2 reserved names"):
        normalise_column_names([name])


@pytest.mark.parametrize("name", ["barcode", "linkerprimersequence", "run_prefix", "primer"])
def test_sample_forbidden_words_are_refused_but_allowed_in_preps(name: str) -> None:
    with pytest.raises(Invalid, match="not allowed here"):
        normalise_column_names([name])
    assert normalise_column_names([name], forbidden=PREP_FORBIDDEN_WORDS) == [name]


@pytest.mark.parametrize("name", ["1abc", "_x", "a-b", "a.b", "a b", "pH%"])
def test_malformed_column_names_are_refused(name: str) -> None:
    with pytest.raises(Invalid, match="must start with a letter"):
        normalise_column_names([name])


def test_duplicate_columns_after_lower_casing_are_refused() -> None:
    with pytest.raises(Invalid, match=r"Duplicate column names .*'ph'"):
        normalise_column_names(["ph", "PH"])


def test_all_column_problems_are_reported_together() -> None:
    with pytest.raises(Invalid) as caught:
        normalise_column_names(["", "select", "id", "barcode", "1x"])
    message = caught.value.message
    for part in ("may not be empty", "Reserved", "QIIME 2", "not allowed", "must start"):
        assert part in message


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Not Collected", "not collected"),
        ("not_provided", "not provided"),
        ("Missing: Restricted Access", "restricted access"),
        ("UNSPECIFIED", "not applicable"),
        ("missing: not applicable", "not applicable"),
        ("  7.10 ", "7.10"),
        ("a\tb\nc", "abc"),
        ("", None),
        ("   ", None),
        (None, None),
        ("Ünïcödé ✓", "Ünïcödé ✓"),
        ("Not collected yet", "Not collected yet"),
    ],
)
def test_values_are_trimmed_and_missing_words_canonical(
    raw: str | None, stored: str | None
) -> None:
    assert normalise_value(raw) == stored


def test_clean_table_prefixes_fills_absent_cells_and_keeps_numbers_as_text() -> None:
    clean = clean_table(
        7,
        {"a.1": {"pH": "7.10", "Depth": 3}, "7.b": {"pH": "not_collected"}},
    )
    assert clean.columns == ["ph", "depth"]
    assert clean.rows == {
        "7.a.1": {"ph": "7.10", "depth": "3"},
        "7.b": {"ph": "not collected", "depth": None},
    }
    assert clean.submitted_names == {"7.a.1": "a.1", "7.b": "7.b"}
    assert clean.warnings


def test_clean_table_refuses_a_name_given_twice_with_and_without_prefix() -> None:
    with pytest.raises(Invalid, match=r"Duplicate sample names: '7\.a'"):
        clean_table(7, {"a": {"x": "1"}, "7.a": {"x": "2"}})


def test_clean_table_refuses_nested_values() -> None:
    with pytest.raises(Invalid, match="must be text or a number"):
        clean_table(7, {"a": {"x": ["1"]}})


def test_clean_table_accepts_a_thousand_categories() -> None:
    columns = {f"c{i}": str(i) for i in range(1000)}
    clean = clean_table(1, {"s.1": columns})
    assert len(clean.columns) == 1000
    assert clean.rows["1.s.1"]["c999"] == "999"
