"""Tests of the DuckDB workspace: tables, atomic writes, locking and corruption."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revlearn.errors import InputError, NotFoundError, ParameterError, SchemaError, StoreError
from revlearn.store import Workspace, validate_name

_VALID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path / "ws")


def test_default_path_prefers_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("REVLEARN_WORKSPACE", str(tmp_path / "team"))
    assert Workspace.default_path() == tmp_path / "team"
    assert Workspace().db_path == tmp_path / "team" / "workspace.duckdb"
    monkeypatch.delenv("REVLEARN_WORKSPACE")
    monkeypatch.chdir(tmp_path)
    assert Workspace.default_path() == tmp_path / "revlearn-workspace"


def test_reading_a_missing_workspace_creates_nothing(ws: Workspace):
    assert ws.list_tables() == []
    assert not ws.has_table("leads")
    assert ws.query("SELECT 42 AS answer")["answer"].tolist() == [42]
    with pytest.raises(NotFoundError, match=r"Table 'leads' not found.*no tables.*revlearn load"):
        ws.read_table("leads")
    assert not ws.path.exists()


def test_path_that_is_a_file_is_rejected(tmp_path: Path):
    file = tmp_path / "data.csv"
    file.write_text("a\n1\n")
    with pytest.raises(ParameterError, match=r"is a file, not a directory.*Pass its directory"):
        Workspace(file)


def test_round_trip_keeps_awkward_column_names_and_dtypes(ws: Workspace):
    frame = pd.DataFrame(
        {
            "deal size": [1, 2, 3],
            'it"s': ["x", None, "z"],
            "select": [1.5, np.nan, -2.0],
            "When": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "won?": [True, False, True],
            "größe": pd.Categorical(["s", "m", "s"]),
        }
    )
    assert ws.write_table("leads", frame) == 3
    back = ws.read_table("leads")
    pd.testing.assert_frame_equal(back, frame, check_categorical=False)
    assert ws.list_tables() == ["leads"]
    assert ws.has_table("LEADS")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.text(min_size=1, max_size=12).filter(lambda n: "\x00" not in n),
        min_size=1,
        max_size=4,
        unique_by=str.lower,
    )
)
def test_any_column_name_round_trips(ws: Workspace, names: list[str]):
    frame = pd.DataFrame({name: [i, i + 1] for i, name in enumerate(names)})
    ws.write_table("t", frame)
    assert ws.read_table("t").columns.tolist() == names


def test_write_does_not_mutate_input_and_stringifies_column_names(ws: Workspace):
    frame = pd.DataFrame({0: [1], 1: [2]})
    ws.write_table("nums", frame)
    assert frame.columns.tolist() == [0, 1]
    assert ws.read_table("nums").columns.tolist() == ["0", "1"]


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("1st leads", "table_1st_leads"),
        ("my-table", "my_table"),
        ("", "my_table"),
        ("drop table;", "drop_table"),
    ],
)
def test_invalid_table_names_get_a_suggestion(ws: Workspace, name: str, suggestion: str):
    with pytest.raises(ParameterError, match=rf"Invalid table name .*Try '{suggestion}'"):
        ws.write_table(name, pd.DataFrame({"a": [1]}))


@given(st.text(max_size=20))
def test_validate_name_accepts_exactly_identifiers_and_suggests_valid_ones(name: str):
    if _VALID.fullmatch(name):
        assert validate_name(name) == name
        return
    with pytest.raises(ParameterError) as info:
        validate_name(name, kind="model")
    suggestion = re.search(r"Try '(.*)'", info.value.fix or "")
    assert suggestion is not None
    assert _VALID.fullmatch(suggestion.group(1))


def test_read_missing_table_lists_available(ws: Workspace):
    ws.write_table("orders", pd.DataFrame({"a": [1]}))
    with pytest.raises(
        NotFoundError,
        match=r"'leads' not found.*Available tables: orders"
        r".*revlearn load leads FILE",
    ):
        ws.read_table("leads")


def test_bad_frames_are_rejected(ws: Workspace):
    with pytest.raises(ParameterError, match="Expected a pandas DataFrame, got dict"):
        ws.write_table("t", {"a": [1]})  # type: ignore[arg-type]
    with pytest.raises(SchemaError, match=r"Duplicate column names .*'Email'/'email'"):
        ws.write_table("t", pd.DataFrame([[1, 2]], columns=["Email", "email"]))
    with pytest.raises(SchemaError, match="non-empty and free of NUL"):
        ws.write_table("t", pd.DataFrame({"": [1]}))
    with pytest.raises(SchemaError, match="has no columns"):
        ws.write_table("t", pd.DataFrame())


def test_failed_write_leaves_previous_table(ws: Workspace):
    old = pd.DataFrame({"a": [1, 2, 3]})
    ws.write_table("t", old)
    with pytest.raises(SchemaError, match=r"Cannot write table 't'.*complex128.*unchanged"):
        ws.write_table("t", pd.DataFrame({"a": [1 + 2j]}))
    pd.testing.assert_frame_equal(ws.read_table("t"), old)
    assert ws.list_tables() == ["t"]


def test_error_mid_import_leaves_previous_table(ws: Workspace):
    ws.import_query("t", "SELECT range AS i FROM range(3)")
    failing = (
        "SELECT CASE WHEN i = 50000 THEN error('boom at 50000') ELSE i END AS i "
        "FROM range(100000) r(i)"
    )
    with pytest.raises(SchemaError, match="boom at 50000"):
        ws.import_query("t", failing)
    assert ws.read_table("t")["i"].tolist() == [0, 1, 2]
    assert ws.list_tables() == ["t"]


def test_interrupted_swap_rolls_back(ws: Workspace):
    ws.write_table("t", pd.DataFrame({"a": [1]}))

    def create_then_fail(con, target):  # the process is interrupted after the temp table
        con.execute(f'CREATE TABLE "{target}" AS SELECT 2 AS a')
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ws._swap_in("t", create_then_fail)
    assert ws.read_table("t")["a"].tolist() == [1]
    assert ws.list_tables() == ["t"]


def test_import_query_streams_a_csv(ws: Workspace, tmp_path: Path):
    csv = tmp_path / "orders.csv"
    csv.write_text("order id,amount\n1,9.5\n2,3.0\n")
    assert ws.import_query("orders", f"SELECT * FROM read_csv('{csv}')") == 2
    assert ws.read_table("orders").columns.tolist() == ["order id", "amount"]
    with pytest.raises(InputError, match=r"Cannot read the data for table 'orders'.*unchanged"):
        ws.import_query("orders", f"SELECT * FROM read_csv('{tmp_path / 'missing.csv'}')")
    assert len(ws.read_table("orders")) == 2


def test_drop_table(ws: Workspace):
    ws.write_table("t", pd.DataFrame({"a": [1]}))
    ws.drop_table("t")
    assert ws.list_tables() == []
    ws.drop_table("t", missing_ok=True)
    with pytest.raises(NotFoundError, match="Table 't' not found"):
        ws.drop_table("t")


def test_query_is_read_only_and_takes_params(ws: Workspace):
    ws.write_table("leads", pd.DataFrame({"source": ["ads", "seo", "ads"]}))
    out = ws.query("SELECT count(*) AS n FROM leads WHERE source = ?", ["ads"])
    assert out["n"].tolist() == [2]
    with pytest.raises(InputError, match=r"Query failed:.*read-only"):
        ws.query("DROP TABLE leads")
    with pytest.raises(InputError, match=r"Query failed:.*nope"):
        ws.query("SELECT * FROM nope")
    assert ws.list_tables() == ["leads"]


def test_reads_inside_an_open_connection_share_it(ws: Workspace):
    ws.write_table("t", pd.DataFrame({"a": [1]}))
    with ws.connect() as con:
        assert ws.list_tables() == ["t"]
        assert ws.query("SELECT a FROM t")["a"].tolist() == [1]
        ws.query("DROP TABLE t")  # rolled back: queries never change the workspace
        assert con.execute("SELECT count(*) FROM t").fetchone() == (1,)
    assert ws.read_table("t")["a"].tolist() == [1]


def test_internal_tables_are_hidden(ws: Workspace):
    ws.write_table("t", pd.DataFrame({"a": [1]}))
    with ws.connect() as con:
        con.execute("CREATE SCHEMA revlearn")
        con.execute("CREATE TABLE revlearn.models (x INTEGER)")
    assert ws.list_tables() == ["t"]


def test_corrupt_file_gives_store_error(ws: Workspace):
    ws.path.mkdir(parents=True)
    ws.db_path.write_text("this is not a database\n" * 100)
    for call in (ws.list_tables, lambda: ws.write_table("t", pd.DataFrame({"a": [1]}))):
        with pytest.raises(
            StoreError,
            match=r"Cannot open the workspace file.*"
            r"workspace\.duckdb.*Move the file aside",
        ):
            call()


def test_locked_file_gives_store_error_then_retry_succeeds(ws: Workspace):
    ws.write_table("t", pd.DataFrame({"a": [1]}))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('ready', flush=True); time.sleep(float(sys.argv[2]))",
            str(ws.db_path),
            "1.5",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        impatient = Workspace(ws.path, lock_timeout=0.2)
        with pytest.raises(
            StoreError,
            match=r"locked by another process or connection "
            r"\(PID \d+\).*workspace\.duckdb.*then retry",
        ):
            impatient.write_table("t", pd.DataFrame({"a": [2]}))
        start = time.monotonic()
        assert Workspace(ws.path, lock_timeout=10).write_table("t", pd.DataFrame({"a": [3]})) == 1
        assert time.monotonic() - start < 10
    finally:
        holder.kill()
        holder.wait()
    assert ws.read_table("t")["a"].tolist() == [3]
