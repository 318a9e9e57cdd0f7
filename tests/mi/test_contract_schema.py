"""The contract once (issue 13.5): the storage schema (mi.db.RAW_SCHEMA) is derived from the contract's models."""

from __future__ import annotations

import pytest

from mi import contract, db
from tests.conftest import build_db


def test_every_model_is_a_table_with_its_columns_in_order():
    assert list(db.RAW_SCHEMA) == list(contract.MODELS)
    for table, model in contract.MODELS.items():
        assert [c for c, _ in db.RAW_SCHEMA[table]] == list(model.model_fields), table


@pytest.mark.parametrize(
    ("table", "column", "stored"),
    [
        ("measures", "monthly_cost_dkk", "decimal(18,2)"),  # money: kroner and øre, exact
        ("payments", "posted_on", "date"),
        ("staff", "fte", "double"),
        ("budget", "year", "integer"),
        ("pupils", "school_year", "varchar"),  # '2023/24'
        ("notifications", "received_at", "varchar"),  # ISO text, with or without a time of day
        ("measures", "provider_type", "varchar"),  # an enum
        ("catalogue", "ladder_step", "integer"),
    ],
)
def test_each_kind_of_column_has_its_storage_type(table, column, stored):
    assert dict(db.RAW_SCHEMA[table])[column] == stored


def test_a_new_column_in_a_model_is_a_new_column_in_the_database(monkeypatch):
    # one edit: the model. The storage schema, the raw table and what the import passes on follow from it.
    from typing import Annotated  # noqa: PLC0415

    class Child(contract.Child):
        school: Annotated[str | None, contract.Col(contract.TEXT)] = None

    monkeypatch.setitem(contract.MODELS, "children", Child)
    monkeypatch.setattr(db, "RAW_SCHEMA", db.storage_schema())
    assert db.RAW_SCHEMA["children"][-1] == ("school", "varchar")
    con = build_db(children=[{"child_id": "B1", "school": "Vestskolen"}])
    assert db.query(con, "select child_id, school from children").rows() == [("B1", "Vestskolen")]


def test_the_tables_built_have_the_storage_types():
    con = build_db(children=[{"child_id": "B1"}])
    got = dict(
        db.query(
            con,
            "select column_name, lower(data_type) from duckdb_columns() where table_name = 'measures'",
        ).rows()
    )
    assert got == {c: t for c, t in db.RAW_SCHEMA["measures"]}
