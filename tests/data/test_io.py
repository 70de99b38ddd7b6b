"""Tests for revlearn.data.io: reading files a CRM or marketing user has."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revlearn.data.io import SUPPORTED_EXTENSIONS, as_pandas, csv_relation_sql, read_file, read_sql
from revlearn.errors import InputError, MissingDependencyError, NotFoundError


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_semicolon_csv_keeps_awkward_names_and_leading_zeros(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "leads.csv",
        b'id;zip;"my col";select;"order"\n001;01234;a b;1;x\n002;09999;c;2;y\n',
    )
    frame = read_file(path)
    assert list(frame.columns) == ["id", "zip", "my col", "select", "order"]
    assert frame["zip"].tolist() == ["01234", "09999"]
    assert frame["id"].tolist() == ["001", "002"]
    assert frame["select"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("delim", "name"), [("\t", "a.tsv"), ("|", "a.txt"), (",", "a.csv"), (";", "b.csv")]
)
def test_delimiters_are_sniffed(tmp_path: Path, delim: str, name: str) -> None:
    text = delim.join(["lead", "amount", "note"]) + "\n"
    text += delim.join(["x", "1.5", '"has, comma; and | pipe"']) + "\n"
    text += delim.join(["y", "2.5", "plain"]) + "\n"
    frame = read_file(_write(tmp_path / name, text.encode()))
    assert list(frame.columns) == ["lead", "amount", "note"]
    assert frame["amount"].tolist() == [1.5, 2.5]
    assert frame["note"].iloc[0] == "has, comma; and | pipe"


def test_utf8_bom_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    frame = read_file(_write(tmp_path / "bom.csv", b"\xef\xbb\xbfname,n\nJos\xc3\xa9,1\n"))
    assert list(frame.columns) == ["name", "n"]
    assert frame["name"].iloc[0] == "José"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"name,city\nJos\xe9,M\xfcnchen\nAnna,K\xf6ln\n", ["München", "Köln"]),  # Latin-1
        (b"name,city\nJos\xe9,5 \x80\nAnna,\x93quoted\x94\n", ["5 €", "“quoted”"]),  # cp1252
    ],
)
def test_non_utf8_bytes_just_work(tmp_path: Path, raw: bytes, expected: list[str]) -> None:
    frame = read_file(_write(tmp_path / "export.csv", raw))
    assert frame["city"].tolist() == expected
    assert frame["name"].iloc[0] == "José"


def test_non_utf8_byte_after_the_sniffed_sample(tmp_path: Path) -> None:
    body = b"".join(b"lead%07d,plain text here\n" % i for i in range(60_000))  # > 1 MiB
    path = _write(tmp_path / "late.csv", b"lead,note\n" + body + b"last,caf\xe9\n")
    frame = read_file(path)
    assert len(frame) == 60_001
    assert frame["note"].iloc[-1] == "café"


def test_missing_file_names_resolved_path_and_close_match(tmp_path: Path) -> None:
    _write(tmp_path / "leads.csv", b"a\n1\n")
    with pytest.raises(
        NotFoundError,
        match=r"'.*lead\.csv' does not exist\. \[.*lead\.csv\] "
        r"Did you mean leads\.csv\?",
    ):
        read_file(tmp_path / "lead.csv")


def test_directory_empty_and_header_only_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a file"):
        read_file(tmp_path)
    with pytest.raises(InputError, match=r"File is empty \(0 bytes\)"):
        read_file(_write(tmp_path / "empty.csv", b""))
    with pytest.raises(InputError, match=r"column names \(a, b\) but no data rows"):
        read_file(_write(tmp_path / "header.csv", b"a,b\n"))


def test_unsupported_extension_lists_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'\.docx' is not supported.*\.csv.*\.parquet"):
        read_file(_write(tmp_path / "notes.docx", b"x"))
    assert ".xlsx" in SUPPORTED_EXTENSIONS


def test_broken_quoting_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.csv", b'a,b\n1,"ok, fine"\n2,"unterminated\n3,x\n')
    with pytest.raises(InputError, match=r"near line 3.*\[.*broken\.csv\] Check the quoting"):
        read_file(path)


def test_parquet_json_and_excel(tmp_path: Path) -> None:
    frame = pd.DataFrame({"select": ["a", "b"], "my col": [1.5, 2.0]})
    frame.to_parquet(tmp_path / "t.parquet")
    frame.to_excel(tmp_path / "t.xlsx", index=False)
    frame.to_json(tmp_path / "t.json", orient="records")
    frame.to_json(tmp_path / "t.jsonl", orient="records", lines=True)
    for name in ["t.parquet", "t.xlsx", "t.json", "t.jsonl"]:
        pd.testing.assert_frame_equal(read_file(tmp_path / name), frame, check_dtype=False)


def test_damaged_files_raise_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"Excel workbook.*save it as \.xlsx or CSV"):
        read_file(_write(tmp_path / "old.xls", b"\xd0\xcf\x11\xe0 not a workbook"))
    with pytest.raises(InputError, match=r"Could not read the file as JSON.*Malformed"):
        read_file(_write(tmp_path / "bad.json", b'{"a": 1,\n'))


def test_csv_relation_sql_streams_into_duckdb(tmp_path: Path) -> None:
    folder = tmp_path / "o'brien"
    folder.mkdir()
    path = _write(
        folder / "big.csv", b"id;amount\n" + b"".join(b"%05d;%d,5\n" % (i, i) for i in range(2_000))
    )
    expr = csv_relation_sql(path)
    assert "delim=';'" in expr and "o''brien" in expr
    with duckdb.connect() as con:
        con.sql(f"CREATE TABLE t AS SELECT * FROM {expr}")
        assert con.execute("SELECT count(*), min(id) FROM t").fetchone() == (2_000, "00000")


def test_csv_relation_sql_refuses_cp1252_in_place(tmp_path: Path) -> None:
    path = _write(tmp_path / "win.csv", b"a,b\nx,5 \x80\n")
    with pytest.raises(InputError, match=r"cp1252.*Use revlearn\.data\.read_file"):
        csv_relation_sql(path)


def test_read_sql_from_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE leads ("select" TEXT, amount REAL)')
        con.executemany("INSERT INTO leads VALUES (?, ?)", [("a", 1.0), ("b", 2.0)])
    frame = read_sql('SELECT "select", amount FROM leads ORDER BY amount', url=f"sqlite:///{db}")
    assert frame.to_dict("list") == {"select": ["a", "b"], "amount": [1.0, 2.0]}
    with pytest.raises(InputError, match=r"SQL query failed.*no such table"):
        read_sql("SELECT * FROM nope", url=f"sqlite:///{db}")


def test_read_sql_without_sqlalchemy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlalchemy", None)
    with pytest.raises(MissingDependencyError, match=r"pip install revlearn\[sql\]"):
        read_sql("SELECT 1", url="sqlite://")


def test_as_pandas_accepts_tables_and_rejects_others() -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    assert as_pandas(frame, where="t") is frame
    pd.testing.assert_frame_equal(as_pandas(pa.Table.from_pandas(frame), where="t"), frame)
    with pytest.raises(InputError, match=r"got builtins\.list\. \[LeadScorer\.fit\]"):
        as_pandas([[1, 2]], where="LeadScorer.fit")


_names = st.lists(
    st.sampled_from(["select", "order", "my col", "Amount ($)", "from", "id", 'say "hi"', "naïve"]),
    min_size=2,
    max_size=4,
    unique=True,
)
_cells = st.text(alphabet="abcé ,;|\"'\n-", max_size=12).map(lambda s: "x" + s)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=_names, data=st.data(), delim=st.sampled_from([",", ";", "\t", "|"]))
def test_any_text_table_round_trips(
    tmp_path: Path, names: list[str], data: st.DataObject, delim: str
) -> None:
    rows = data.draw(st.lists(st.tuples(*[_cells] * len(names)), min_size=2, max_size=5))
    frame = pd.DataFrame(rows, columns=names)
    path = tmp_path / "round.csv"
    frame.to_csv(path, sep=delim, index=False)
    pd.testing.assert_frame_equal(read_file(path), frame)


def test_apostrophes_in_values_do_not_become_the_quote(tmp_path: Path) -> None:
    # found by the round-trip property: DuckDB's sniffer took ' for the quote character
    frame = pd.DataFrame([("x,'", "x'''"), ("x", "x,")], columns=["select", "order"])
    path = tmp_path / "apostrophes.csv"
    frame.to_csv(path, index=False)
    pd.testing.assert_frame_equal(read_file(path), frame)
