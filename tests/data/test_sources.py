"""``--data`` resolution (file, table, query) and loading into the workspace."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from revlearn.data.sources import load_file_into, load_query_into, read_source
from revlearn.errors import InputError, NotFoundError
from revlearn.store.workspace import Workspace

FRAME = pd.DataFrame(
    {"lead_id": ["a", "b", "c"], "country": ["DE", "FR", "DE"], "minutes": [1.5, 0.0, 3.0]}
)


@pytest.fixture
def workspace(tmp_path):
    return Workspace(tmp_path / "ws")


def test_file_table_and_query_give_the_same_rows(tmp_path, workspace):
    path = tmp_path / "leads.csv"
    FRAME.to_csv(path, index=False)
    assert load_file_into(workspace, "leads", path) == 3
    from_file = read_source(str(path), workspace)
    from_table = read_source("leads", workspace)
    pd.testing.assert_frame_equal(from_file, from_table)
    german = read_source("SELECT * FROM leads WHERE country = 'DE' ORDER BY lead_id", workspace)
    assert german["lead_id"].tolist() == ["a", "c"]


def test_unknown_name_lists_the_tables(workspace):
    workspace.write_table("leads", FRAME)
    with pytest.raises(NotFoundError, match=r"No file or workspace table named 'lead'.*leads"):
        read_source("lead", workspace)


def test_a_path_that_does_not_exist_is_a_missing_file(workspace, tmp_path):
    with pytest.raises(NotFoundError, match="does not exist"):
        read_source(str(tmp_path / "gone.csv"), workspace)


def test_header_only_csv_is_refused_and_previous_table_kept(tmp_path, workspace):
    workspace.write_table("leads", FRAME)
    path = tmp_path / "empty.csv"
    path.write_text("lead_id,country\n")
    with pytest.raises(InputError, match="no data rows"):
        load_file_into(workspace, "leads", path)
    assert len(workspace.read_table("leads")) == 3


def test_parquet_and_windows_1252_files_load(tmp_path, workspace):
    FRAME.to_parquet(tmp_path / "leads.parquet")
    assert load_file_into(workspace, "p", tmp_path / "leads.parquet") == 3
    cp = tmp_path / "cp1252.csv"
    cp.write_bytes("name;price\nCafé “Zürich”;3 €\n".encode("cp1252"))
    assert load_file_into(workspace, "cp", cp) == 1
    assert workspace.read_table("cp")["name"].iloc[0] == "Café “Zürich”"


def test_query_against_a_database_url(tmp_path, workspace):
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        FRAME.to_sql("leads", con, index=False)
    rows = load_query_into(
        workspace, "crm_leads", "SELECT * FROM leads WHERE minutes > 1", url=f"sqlite:///{db}"
    )
    assert rows == 2
    assert workspace.read_table("crm_leads")["lead_id"].tolist() == ["a", "c"]
