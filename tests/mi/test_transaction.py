"""mi.db.transaction: the one way a write of several statements is all or nothing (freezing a month, saving a
scenario)."""

from __future__ import annotations

import duckdb
import pytest

from mi import db


def test_a_block_that_ends_commits_and_one_that_raises_leaves_nothing():
    con = duckdb.connect()
    con.sql("create table t (x integer)")
    with db.transaction(con) as cur:
        cur.execute("insert into t values (1)")
        cur.execute("insert into t values (2)")
    with pytest.raises(RuntimeError, match="halfway"), db.transaction(con) as cur:
        cur.execute("insert into t values (3)")
        raise RuntimeError("halfway")
    # 1 and 2 committed; 3 rolled back with the error
    assert db.scalar(con, "select list(x order by x) from t") == [1, 2]
    with pytest.raises(duckdb.ConnectionException):
        cur.execute("select 1")  # the cursor is closed after the block
