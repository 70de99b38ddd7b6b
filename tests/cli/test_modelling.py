"""The ``revlearn`` command line contract: exit codes, one-line errors, JSON output, files.

Fitting is slow, so each module-scoped fixture fits once and the tests reuse its workspace:
``fitted`` (3,000 demo leads), ``dup_fits`` (two versions on leads with repeated ids) and
``odd_fit`` (a loaded table with awkward column names, an empty column and numbers as text).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from revlearn.cli import app
from revlearn.data.synth.company import Company
from revlearn.store.workspace import Workspace
from tests.cli.helpers import (
    FIT_BUDGET,
    SMALL_BUDGET,
    TIERS,
    as_json,
    bad_input,
    error_line,
    ok,
    run,
    write,
)


def model_versions(ws: Path) -> list[tuple[str, int]]:
    doc = as_json(run("models", "--json", ws=ws))
    return [(m["name"], m["version"]) for m in doc["models"]]


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def fitted(leads_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A workspace with model ``leads`` v1 fitted on the 3,000 demo leads, and fit's JSON."""
    ws = tmp_path_factory.mktemp("fitted")
    result = run("fit", "leads", "--data", leads_csv, "--time-budget", FIT_BUDGET, "--json", ws=ws)
    return ws, as_json(result)


@pytest.fixture(scope="module")
def scored(fitted: tuple[Path, dict], leads_csv: Path, tmp_path_factory) -> pd.DataFrame:
    """``predict`` output for the training file itself."""
    ws, _ = fitted
    out = tmp_path_factory.mktemp("scored") / "scores.csv"
    ok(run("predict", "--model", "leads", "--data", leads_csv, "--out", out, ws=ws))
    return pd.read_csv(out)


@pytest.fixture(scope="module")
def small(company: Company) -> pd.DataFrame:
    """800 demo leads, enough for a quick fit."""
    return company.leads.head(800).copy()


@pytest.fixture(scope="module")
def dup_fits(small: pd.DataFrame, tmp_path_factory) -> tuple[Path, Path, dict, dict]:
    """Two fits of ``dupes`` on leads whose ids repeat: v1 inferring the id, v2 with --id."""
    folder = tmp_path_factory.mktemp("dupes")
    frame = small.copy()
    frame.loc[1, "lead_id"] = frame.loc[0, "lead_id"]
    frame.loc[3, "lead_id"] = frame.loc[2, "lead_id"]
    data = write(frame, folder / "dupes.csv")
    ws = folder / "ws"
    common = ("fit", "leads", "--data", data, "--name", "dupes", "--time-budget", SMALL_BUDGET)
    first = as_json(run(*common, "--json", ws=ws))
    second = as_json(run(*common, "--id", "lead_id", "--json", ws=ws))
    return ws, data, first, second


ODD_NAMES = {"source": "select", "industry": "my col", "pricing_minutes": 'a"b'}


@pytest.fixture(scope="module")
def odd_fit(small: pd.DataFrame, tmp_path_factory) -> tuple[Path, Path, dict]:
    """load → fit on a table with SQL-keyword/space/quote names, an empty column, text numbers."""
    folder = tmp_path_factory.mktemp("odd")
    frame = small.rename(columns=ODD_NAMES)
    frame["all_missing"] = np.nan
    amounts = np.arange(len(frame)) * 1234.5
    frame["deal size"] = [f"{v:,.2f}" if i % 10 else " " for i, v in enumerate(amounts)]
    data = write(frame, folder / "odd.csv")
    ws = folder / "ws"
    loaded = as_json(run("load", "odd_leads", data, "--json", ws=ws))
    assert loaded["rows"] == len(frame)
    doc = as_json(
        run("fit", "leads", "--data", "odd_leads", "--time-budget", SMALL_BUDGET, "--json", ws=ws)
    )
    return ws, data, doc


# ------------------------------------------------------------------------------- fit
def test_fit_json_reports_model_version_and_cv_auc(fitted: tuple[Path, dict]) -> None:
    _, doc = fitted
    assert doc["model"] == "leads"
    assert doc["version"] == 1
    assert doc["usecase"] == "leads"
    assert 0.5 < doc["metrics"]["roc_auc"] <= 1.0
    assert doc["cv"]["roc_auc"]["mean"] == pytest.approx(doc["metrics"]["roc_auc"])
    assert doc["rows"] == 3000
    assert doc["id"] == "lead_id"


def test_fit_leaves_out_the_leakage_column_with_a_note(fitted: tuple[Path, dict]) -> None:
    _, doc = fitted
    assert any("'call_duration_after'" in n and "leakage" in n for n in doc["notes"])


def test_fit_reads_numbers_stored_as_text(fitted: tuple[Path, dict]) -> None:
    _, doc = fitted  # the demo's annual_revenue is text such as "1,250,000", with blanks
    assert any(
        n.startswith("Column 'annual_revenue'") and "converted to numbers" in n
        for n in doc["notes"]
    )


def test_second_fit_under_the_same_name_is_version_2(dup_fits) -> None:
    ws, _, first, second = dup_fits
    assert (first["model"], first["version"]) == ("dupes", 1)
    assert (second["model"], second["version"]) == ("dupes", 2)
    assert model_versions(ws) == [("dupes", 2), ("dupes", 1)]


def test_predict_writes_one_row_per_input_in_order(scored: pd.DataFrame, company: Company) -> None:
    assert list(scored.columns) == ["lead_id", "score", "rank", "decile", "tier", "reasons"]
    assert scored["lead_id"].tolist() == company.leads["lead_id"].tolist()
    assert scored["score"].between(0, 1).all()
    assert set(scored["tier"]) <= TIERS
    assert set(scored["tier"]) == TIERS  # 3,000 leads span every tier
    assert scored["reasons"].str.contains("odds").all()


def test_predict_scores_rank_converters_first(scored: pd.DataFrame, company: Company) -> None:
    converted = company.leads["converted"].eq("yes").to_numpy()
    assert scored["score"][converted].mean() > 2 * scored["score"][~converted].mean()


def test_predict_json_summary(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    out = tmp_path / "s.csv"
    doc = as_json(run("predict", "-m", "leads", "-d", leads_csv, "-o", out, "--json", ws=ws))
    assert doc["rows"] == 3000
    assert doc["out"] == str(out)
    assert set(doc["tiers"]) <= TIERS and sum(doc["tiers"].values()) == 3000
    assert "converted" not in doc["ignored_columns"]  # the target is expected, not "extra"


def test_predict_without_id_column_keys_rows_by_position(
    fitted, company: Company, scored: pd.DataFrame, tmp_path: Path
) -> None:
    ws, _ = fitted
    data = write(company.leads.drop(columns=["lead_id", "converted"]), tmp_path / "noid.csv")
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", data, "-o", out, "--no-reasons", ws=ws))
    result = pd.read_csv(out)
    assert result.columns[0] == "row"
    assert result["row"].tolist() == list(range(3000))
    assert "reasons" not in result.columns
    np.testing.assert_allclose(result["score"], scored["score"])


def test_predict_ignores_the_target_column(
    fitted, company: Company, scored: pd.DataFrame, tmp_path: Path
) -> None:
    ws, _ = fitted
    frame = company.leads.head(200).copy()
    frame["converted"] = "no"  # a different target must not change the scores
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", write(frame, tmp_path / "t.csv"), "-o", out, ws=ws))
    np.testing.assert_allclose(pd.read_csv(out)["score"], scored["score"].head(200))


def test_predict_from_a_loaded_workspace_table(
    fitted, leads_csv: Path, scored: pd.DataFrame, tmp_path: Path
) -> None:
    ws, _ = fitted
    loaded = as_json(run("load", "leads_table", leads_csv, "--json", ws=ws))
    assert loaded["rows"] == 3000
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", "leads_table", "-o", out, ws=ws))
    result = pd.read_csv(out)
    assert result["lead_id"].tolist() == scored["lead_id"].tolist()
    np.testing.assert_allclose(result["score"], scored["score"])


@pytest.mark.parametrize("sep", [";", "|", "\t"])
def test_predict_reads_other_delimiters(
    fitted, company: Company, scored: pd.DataFrame, tmp_path: Path, sep: str
) -> None:
    ws, _ = fitted
    data = write(company.leads.head(300), tmp_path / "leads.csv", sep=sep)
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", data, "-o", out, ws=ws))
    result = pd.read_csv(out)
    assert result["lead_id"].tolist() == scored["lead_id"].head(300).tolist()
    np.testing.assert_allclose(result["score"], scored["score"].head(300))


def test_latin1_file_with_accents_loads_and_predicts(
    fitted, company: Company, tmp_path: Path
) -> None:
    ws, _ = fitted
    frame = company.leads.head(300).copy()
    names = ["José Müller", "Zoë Ångström", "François Lefèvre"]
    frame["contact_name"] = names * 100
    data = write(frame, tmp_path / "latin1.csv", encoding="latin-1")
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", data, "-o", out, ws=ws))
    assert len(pd.read_csv(out)) == 300
    ok(run("load", "latin_leads", data, ws=ws))
    stored = Workspace(ws).read_table("latin_leads")
    assert stored["contact_name"].head(3).tolist() == names


def test_non_utf8_bytes_are_read(fitted, company: Company, tmp_path: Path) -> None:
    ws, _ = fitted
    text = company.leads.head(100).to_csv(index=False).encode("utf-8")
    data = tmp_path / "mixed.csv"
    data.write_bytes(text.replace(b"Sophie", b"Sophi\xe9 \xff", 1))  # stray non-UTF-8 bytes
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", data, "-o", out, ws=ws))
    assert len(pd.read_csv(out)) == 100
    doc = as_json(run("profile", data, "--json"))
    assert doc["n_rows"] == 100


def test_predict_notes_and_ignores_extra_columns(fitted, company: Company, tmp_path) -> None:
    ws, _ = fitted
    frame = company.leads.head(50).assign(campaign_note="spring promo", score_v0=1.0)
    data = write(frame, tmp_path / "extra.csv")
    result = ok(run("predict", "-m", "leads", "-d", data, "-o", tmp_path / "o.csv", ws=ws))
    assert re.search(
        r"note: ignored columns the model does not use: .*campaign_note", result.stdout
    )
    doc = as_json(
        run("predict", "-m", "leads", "-d", data, "-o", tmp_path / "o.csv", "--json", ws=ws)
    )
    assert {"campaign_note", "score_v0"} <= set(doc["ignored_columns"])


def test_predict_scores_unseen_categories(fitted, company: Company, tmp_path: Path) -> None:
    ws, _ = fitted
    frame = company.leads.head(100).assign(source="tiktok", industry="space mining")
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", write(frame, tmp_path / "new.csv"), "-o", out, ws=ws))
    result = pd.read_csv(out)
    assert len(result) == 100 and result["score"].between(0, 1).all()


def test_predict_with_duplicate_ids_keeps_every_row(dup_fits, tmp_path: Path) -> None:
    ws, data, _, _ = dup_fits
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "dupes", "-d", data, "-o", out, ws=ws))
    result = pd.read_csv(out)
    source = pd.read_csv(data)
    assert len(result) == len(source)
    assert result["lead_id"].tolist() == source["lead_id"].tolist()  # v2 keys by --id
    assert result["lead_id"].duplicated().sum() == 2


def test_fit_with_duplicate_ids_works_and_says_so(dup_fits) -> None:
    _, _, first, second = dup_fits
    # without --id the repeated column is not taken as the id; the note says how to keep it
    assert first["id"] is None
    assert any(
        re.search(r"'lead_id' looks like an id but 2 ids repeat over 4 rows.*--id lead_id", n)
        for n in first["notes"]
    )
    # with --id it is the key, and the note warns that ids repeat in the predictions
    assert second["id"] == "lead_id"
    assert any(re.search(r"'lead_id': 2 ids repeat over 4 rows", n) for n in second["notes"])


# -------------------------------------------------------------- awkward tables (odd_fit)
def test_odd_column_names_survive_load_fit_predict(odd_fit, tmp_path: Path) -> None:
    ws, data, doc = odd_fit
    assert doc["id"] == "lead_id"
    out = tmp_path / "out.csv"
    ok(run("predict", "-m", "leads", "-d", data, "-o", out, ws=ws))
    result = pd.read_csv(out)
    assert result["lead_id"].tolist() == pd.read_csv(data)["lead_id"].tolist()
    features = {
        f["feature"] for f in as_json(run("explain", "-m", "leads", "--json", ws=ws))["features"]
    }
    assert set(ODD_NAMES.values()) <= features


def test_all_missing_column_is_left_out_with_a_note(odd_fit) -> None:
    _, _, doc = odd_fit
    assert any(re.search(r"'all_missing' is empty .*not used", n) for n in doc["notes"])


def test_numbers_with_blanks_and_thousands_separators_are_used(odd_fit) -> None:
    ws, _, doc = odd_fit
    assert any(
        re.search(r"'deal size': 720 values stored as text converted to numbers", n)
        for n in doc["notes"]
    ), doc["notes"]
    features = {
        f["feature"] for f in as_json(run("explain", "-m", "leads", "--json", ws=ws))["features"]
    }
    assert "deal size" in features


# ---------------------------------------------------------- evaluate / explain / models
def test_models_json_lists_the_model(fitted: tuple[Path, dict]) -> None:
    ws, _ = fitted
    doc = as_json(run("models", "--json", ws=ws))
    (record,) = [m for m in doc["models"] if m["name"] == "leads"]
    assert record["version"] == 1 and record["usecase"] == "leads"
    assert 0.5 < record["metrics"]["roc_auc"] <= 1


def test_models_on_an_empty_workspace(workspace: Path) -> None:
    assert as_json(run("models", "--json", ws=workspace)) == {"models": []}
    assert "No models yet" in ok(run("models", ws=workspace)).stdout


def test_evaluate_json_metrics(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    doc = as_json(run("evaluate", "-m", "leads", "-d", leads_csv, "--json", ws=ws))
    assert (doc["model"], doc["version"]) == ("leads", 1)
    metrics = doc["metrics"]
    assert 0.5 < metrics["roc_auc"] <= 1
    assert metrics["n_rows"] == 3000
    assert sum(metrics["confusion"].values()) == 3000


def test_explain_json_features(fitted) -> None:
    ws, _ = fitted
    doc = as_json(run("explain", "-m", "leads", "--json", ws=ws))
    assert (doc["model"], doc["version"]) == ("leads", 1)  # the registered name, not the algorithm
    assert doc["algorithm"]
    top = [f["feature"] for f in doc["features"][:3]]
    assert "pricing_minutes" in top  # the strongest planted effect
    assert "call_duration_after" not in {f["feature"] for f in doc["features"]}
    assert sum(f["share"] for f in doc["features"]) == pytest.approx(1, abs=1e-6)


def test_explain_on_data(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    doc = as_json(run("explain", "-m", "leads", "-d", leads_csv, "--json", ws=ws))
    assert "pricing_minutes" in [f["feature"] for f in doc["features"][:3]]


# --------------------------------------------------------------------------- profile
def test_profile_flags_leakage_duplicates_and_spellings(leads_csv: Path, company: Company) -> None:
    doc = as_json(run("profile", leads_csv, "--target", "converted", "--json"))
    assert doc["n_rows"] == 3000
    kinds = {(f["kind"], f["column"]) for f in doc["findings"]}
    assert ("leakage_suspect", "call_duration_after") in kinds
    assert ("inconsistent_spelling", "country") in kinds
    # the planted duplicate contacts differ only in the e-mail's case
    (spelling,) = [
        f for f in doc["findings"] if (f["kind"], f["column"]) == ("inconsistent_spelling", "email")
    ]
    leads = company.leads.set_index("lead_id")
    for _, copy in company.truths["leads"]["duplicate_pairs"]:
        assert repr(leads.loc[copy, "email"]) in spelling["message"]


def test_profile_without_target_has_no_leakage_check(leads_csv: Path) -> None:
    doc = as_json(run("profile", leads_csv, "--json"))
    assert "leakage_suspect" not in {f["kind"] for f in doc["findings"]}


def test_profile_unknown_target(leads_csv: Path) -> None:
    bad_input(
        run("profile", leads_csv, "--target", "won"), r"Target column 'won' not found.*lead_id"
    )


# ------------------------------------------------------------------------- bad input
def test_missing_file(fitted, tmp_path: Path) -> None:
    ws, _ = fitted
    before = model_versions(ws)
    missing = tmp_path / "nowhere.csv"
    bad_input(run("fit", "leads", "-d", missing, ws=ws), r"File '.*nowhere\.csv' does not exist")
    assert model_versions(ws) == before


def test_missing_file_suggests_close_names(leads_csv: Path, workspace: Path) -> None:
    bad_input(
        run("profile", leads_csv.with_name("lead.csv"), ws=workspace), r"Did you mean leads\.csv\?"
    )


def test_empty_file(fitted, tmp_path: Path) -> None:
    ws, _ = fitted
    before = model_versions(ws)
    data = tmp_path / "empty.csv"
    data.write_bytes(b"")
    bad_input(run("fit", "leads", "-d", data, ws=ws), r"File is empty \(0 bytes\).*empty\.csv")
    assert model_versions(ws) == before


def test_header_only_file(fitted, tmp_path: Path) -> None:
    ws, _ = fitted
    before = model_versions(ws)
    data = tmp_path / "header.csv"
    data.write_text("lead_id,source,converted\n")
    bad_input(
        run("fit", "leads", "-d", data, ws=ws),
        r"column names \(lead_id, source, converted\) but no data rows",
    )
    assert model_versions(ws) == before


def _broken_quoting(leads_csv: Path, path: Path) -> Path:
    lines = leads_csv.read_text().splitlines(keepends=True)[:300]
    assert '",' in lines[50]
    lines[50] = lines[50].replace('",', ",", 1)  # the quote opened on line 51 never closes
    path.write_text("".join(lines))
    return path


def test_broken_quoting(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    before = model_versions(ws)
    data = _broken_quoting(leads_csv, tmp_path / "broken.csv")
    bad_input(
        run("fit", "leads", "-d", data, ws=ws), r"near line 51.*broken\.csv.*Check the quoting"
    )
    assert model_versions(ws) == before


def test_failed_load_leaves_the_previous_table(
    leads_csv: Path, workspace: Path, tmp_path: Path
) -> None:
    assert as_json(run("load", "leads", leads_csv, "--json", ws=workspace))["rows"] == 3000
    broken = _broken_quoting(leads_csv, tmp_path / "broken.csv")
    bad_input(run("load", "leads", broken, ws=workspace), r"near line 51.*Check the quoting")
    header = tmp_path / "header.csv"
    header.write_text("a,b\n")
    bad_input(run("load", "leads", header, ws=workspace), r"header but no data rows")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    bad_input(run("load", "leads", empty, ws=workspace), r"File is empty")
    bad_input(run("load", "leads", tmp_path / "gone.csv", ws=workspace), r"does not exist")
    assert Workspace(workspace).list_tables() == ["leads"]
    assert len(Workspace(workspace).read_table("leads")) == 3000


def test_target_column_missing(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    before = model_versions(ws)
    line = bad_input(
        run("fit", "leads", "-d", leads_csv, "--target", "won", ws=ws),
        r"Column 'won' not found.*Found: lead_id, created_at, .*--target",
    )
    assert "converted" in line or "more" in line
    assert model_versions(ws) == before


def test_target_column_missing_json(leads_csv: Path, workspace: Path) -> None:
    result = run("fit", "leads", "-d", leads_csv, "--target", "won", "--json", ws=workspace)
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["error"] == "SchemaError" and "'won'" in doc["what"] and "--target" in doc["fix"]


def test_target_with_one_class(company: Company, tmp_path: Path, workspace: Path) -> None:
    data = write(company.leads.head(200).assign(converted="no"), tmp_path / "one.csv")
    bad_input(
        run("fit", "leads", "-d", data, ws=workspace),
        r"target column 'converted' has only one value .*needs both outcomes",
    )
    assert model_versions(workspace) == []


def test_target_with_more_than_two_classes(company: Company, tmp_path: Path, workspace) -> None:
    frame = company.leads.head(300).copy()
    frame["converted"] = ["yes", "no", "maybe"] * 100
    bad_input(
        run("fit", "leads", "-d", write(frame, tmp_path / "three.csv"), ws=workspace),
        r"'converted' has 3 values .*exactly two.*Pick a yes/no column",
    )
    assert model_versions(workspace) == []


def test_positive_value_not_in_target(leads_csv: Path, workspace: Path) -> None:
    bad_input(
        run("fit", "leads", "-d", leads_csv, "--positive", "won", ws=workspace),
        r"--positive 'won' is not a value of 'converted'",
    )


def test_predict_data_lacking_training_columns(fitted, company: Company, tmp_path) -> None:
    ws, _ = fitted
    data = write(company.leads.drop(columns=["source", "industry"]), tmp_path / "less.csv")
    out = tmp_path / "out.csv"
    line = bad_input(
        run("predict", "-m", "leads", "-d", data, "-o", out, ws=ws), r"Columns .* not found"
    )
    assert "'source'" in line and "'industry'" in line
    assert not out.exists()


def test_unknown_model_lists_known_models(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    out = tmp_path / "o.csv"
    bad_input(
        run("predict", "-m", "nope", "-d", leads_csv, "-o", out, ws=ws),
        r"Model 'nope' not found.*Known models: .*leads",
    )
    bad_input(run("explain", "-m", "nope", ws=ws), r"Model 'nope' not found")
    bad_input(run("evaluate", "-m", "nope", "-d", leads_csv, ws=ws), r"Model 'nope' not found")
    assert not out.exists()


def test_unknown_table_lists_tables(fitted) -> None:
    ws, _ = fitted
    bad_input(
        run("fit", "leads", "-d", "no_such_table", ws=ws),
        r"No file or workspace table named 'no_such_table'.*revlearn load",
    )


def test_out_into_a_missing_folder(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    out = tmp_path / "missing" / "scores.csv"
    bad_input(
        run("predict", "-m", "leads", "-d", leads_csv, "-o", out, ws=ws),
        r"folder .*missing does not exist.*--out",
    )
    assert not out.parent.exists()


@pytest.mark.parametrize("name", ["bad name", "1leads", "a-b", ""])
def test_load_rejects_invalid_table_names(leads_csv: Path, workspace: Path, name: str) -> None:
    bad_input(run("load", name, leads_csv, ws=workspace), r"Invalid table name .*letters, digits")
    assert Workspace(workspace).list_tables() == []


def test_evaluate_without_the_target(fitted, company: Company, tmp_path: Path) -> None:
    ws, _ = fitted
    data = write(company.leads.drop(columns=["converted"]), tmp_path / "unlabelled.csv")
    bad_input(
        run("evaluate", "-m", "leads", "-d", data, ws=ws), r"Column 'converted' not found.*outcome"
    )


def test_load_retypes_a_column_that_changes_late(tmp_path: Path, workspace: Path) -> None:
    data = tmp_path / "late.csv"
    with duckdb.connect() as con:  # DuckDB sniffs types on the first ~20,000 rows
        con.execute(
            "COPY (SELECT i AS id, CASE WHEN i = 30000 THEN 'A12' ELSE (i % 1000)::VARCHAR END "
            f"AS code FROM range(40000) t(i)) TO '{data}' (HEADER)"
        )
    assert as_json(run("load", "late", data, "--json", ws=workspace))["rows"] == 40_000
    assert Workspace(workspace).read_table("late")["code"].iloc[30000] == "A12"


def test_table_named_like_a_sql_keyword(leads_csv: Path, workspace: Path) -> None:
    assert as_json(run("load", "select", leads_csv, "--json", ws=workspace))["rows"] == 3000
    assert as_json(run("profile", "select", "--json", ws=workspace))["n_rows"] == 3000


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "-m", "leads", "-d", "{data}"),
        ("explain", "-m", "leads"),
        ("models",),
        ("profile", "{data}", "--target", "converted"),
    ],
)
def test_human_output(fitted, leads_csv: Path, args: tuple[str, ...]) -> None:
    ws, _ = fitted
    result = ok(run(*(a.format(data=leads_csv) for a in args), ws=ws))
    assert re.search(r"ROC AUC|What drives leads v1|Models|3,000 rows", result.stdout)
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout)


# ------------------------------------------------------------------- internal errors
def test_internal_error_is_one_line_pointing_to_the_log(
    monkeypatch: pytest.MonkeyPatch, workspace: Path
) -> None:
    from revlearn.store.registry import Registry

    def boom(self: Any) -> None:
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(Registry, "list", boom)
    line = error_line(run("models", ws=workspace), code=1)
    assert re.fullmatch(
        r"internal error: RuntimeError: disk on fire second line\. Traceback in .*revlearn\.log; "
        r"rerun with --debug to see it\.",
        line,
    )
    log = (workspace / "revlearn.log").read_text()
    assert "Traceback" in log and "disk on fire" in log


def test_debug_shows_the_internal_error(monkeypatch: pytest.MonkeyPatch, workspace) -> None:
    from revlearn.store.registry import Registry

    monkeypatch.setattr(Registry, "list", lambda self: 1 / 0)
    result = run("models", "--debug", ws=workspace)
    assert result.exit_code == 1
    assert isinstance(result.exception, ZeroDivisionError)


def test_error_messages_with_brackets_are_not_read_as_markup(workspace: Path) -> None:
    # "[where]" parts hold paths such as [/tmp/x.csv]: Rich must print them, not parse them
    bad_input(run("profile", "/no/such/[dir]/x.csv", ws=workspace), r"\[/no/such/\[dir\]/x\.csv\]")


def test_help_works_everywhere() -> None:
    for command in ["fit", "predict", "evaluate", "explain", "models", "profile", "load", "demo"]:
        result = ok(run(command, "--help"))
        assert "--workspace" in result.stdout


# ------------------------------------------------------------------------ large files
def test_load_streams_a_million_rows(tmp_path: Path, workspace: Path) -> None:
    data = tmp_path / "big.csv"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT i AS order_id, 'C' || (i % 5000) AS customer_id, "
            "round(i * 0.37 % 1000, 2) AS amount, DATE '2024-01-01' + (i % 365)::INT AS day "
            f"FROM range(1000000) t(i)) TO '{data}' (HEADER, DELIMITER ',')"
        )
    doc = as_json(run("load", "orders", data, "--json", ws=workspace))
    assert doc["rows"] == 1_000_000
    count = Workspace(workspace).query("SELECT count(*) AS n, max(order_id) AS top FROM orders")
    assert count["n"].iloc[0] == 1_000_000 and count["top"].iloc[0] == 999_999


def test_keep_leakage_flag_keeps_the_leaky_column(leads_csv, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "fit",
            "leads",
            "--data",
            str(leads_csv),
            "--workspace",
            str(tmp_path / "ws"),
            "--time-budget",
            "1",
            "--keep-leakage",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert not any("leakage suspect" in note for note in doc["notes"])
    assert doc["metrics"]["roc_auc"] > 0.97  # the leak makes the outcome trivially predictable


# ---------------------------------------------------------------- ROI, fairness, churn
def test_evaluate_with_value_and_cost_reports_profit(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    doc = as_json(
        run(
            "evaluate",
            "--model",
            "leads",
            "--data",
            leads_csv,
            "--value",
            "2000",
            "--cost",
            "50",
            "--capacity",
            "100",
            "--json",
            ws=ws,
        )
    )
    assert 0 < doc["profit"]["best_n"] <= 100
    assert doc["profit"]["realised"] is True


def test_predict_top_writes_the_contact_list(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    out = tmp_path / "top.csv"
    ok(
        run(
            "predict",
            "--model",
            "leads",
            "--data",
            leads_csv,
            "--out",
            out,
            "--top",
            "25",
            "--value",
            "2000",
            "--cost",
            "50",
            ws=ws,
        )
    )
    top = pd.read_csv(out)
    assert len(top) == 25
    assert top["expected_value"].is_monotonic_decreasing


def test_value_without_cost_is_refused(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    bad_input(
        run("evaluate", "--model", "leads", "--data", leads_csv, "--value", "10", ws=ws),
        r"--value and --cost go together",
    )


def test_negative_cost_is_refused(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    bad_input(
        run(
            "evaluate",
            "--model",
            "leads",
            "--data",
            leads_csv,
            "--value",
            "10",
            "--cost",
            "-1",
            ws=ws,
        ),
        r"cost",
    )


def test_unknown_sensitive_column_is_named(fitted, leads_csv: Path) -> None:
    ws, _ = fitted
    bad_input(
        run("evaluate", "--model", "leads", "--data", leads_csv, "--sensitive", "age", ws=ws),
        r"Column 'age' not found.*--sensitive",
    )


def test_single_group_sensitive_column_is_refused(fitted, company, tmp_path: Path) -> None:
    ws, _ = fitted
    path = tmp_path / "one_group.csv"
    company.leads.assign(group="same").to_csv(path, index=False)
    bad_input(
        run("evaluate", "--model", "leads", "--data", path, "--sensitive", "group", ws=ws),
        r"only one group",
    )


def test_fit_churn_from_an_event_table(company, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = [
        (f"C{c}", pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(d)))
        for c in range(300)
        for d in np.sort(rng.integers(0, 400 if c % 3 else 250, 12))
    ]
    path = tmp_path / "events.csv"
    pd.DataFrame(rows, columns=["customer", "when"]).to_csv(path, index=False)
    doc = as_json(
        run(
            "fit",
            "churn",
            "--data",
            path,
            "--customer",
            "customer",
            "--timestamp",
            "when",
            "--horizon-days",
            "60",
            "--time-budget",
            "3",
            "--json",
            ws=tmp_path / "ws",
        )
    )
    assert doc["id"] == "customer"
    assert any("Cut-off" in note for note in doc["notes"])


def test_event_options_do_not_apply_to_leads(leads_csv: Path, tmp_path: Path) -> None:
    bad_input(
        run("fit", "leads", "--data", leads_csv, "--timestamp", "created_at", ws=tmp_path / "ws"),
        r"do not apply to 'leads'",
    )


def test_horizon_longer_than_history_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    pd.DataFrame({"customer": ["a", "b"], "when": ["2025-01-01", "2025-01-20"]}).to_csv(
        path, index=False
    )
    bad_input(
        run(
            "fit",
            "churn",
            "--data",
            path,
            "--customer",
            "customer",
            "--timestamp",
            "when",
            "--horizon-days",
            "90",
            ws=tmp_path / "ws",
        ),
        r"history is only",
    )


def test_report_writes_an_offline_page(fitted, leads_csv: Path, tmp_path: Path) -> None:
    ws, _ = fitted
    page = tmp_path / "leads.html"
    doc = as_json(
        run(
            "report",
            "--model",
            "leads",
            "--data",
            leads_csv,
            "--out",
            page,
            "--value",
            "2000",
            "--cost",
            "50",
            "--json",
            ws=ws,
        )
    )
    html = page.read_text(encoding="utf-8")
    assert doc["report"] == str(page.resolve())
    assert "<script src=" not in html
    assert "how many to contact for the most profit" in html.lower()


def test_profile_html_page(leads_csv: Path, tmp_path: Path) -> None:
    page = tmp_path / "profile.html"
    doc = as_json(run("profile", leads_csv, "--target", "converted", "--html", page, "--json"))
    assert doc["html"] == str(page.resolve())
    assert page.read_text(encoding="utf-8").count('class="plotly-graph-div"') >= 10


def test_every_command_is_registered_on_the_app():
    from revlearn.cli import fitting, modelling, texting, workspace

    names = {command.callback.__name__ for command in app.registered_commands}
    model_commands = {"predict", "evaluate", "explain", "report"}
    assert names == model_commands | {"fit", "mentions", "models", "load", "profile", "demo"}
    assert hasattr(fitting, "fit") and hasattr(texting, "mentions")
    assert all(hasattr(modelling, name) for name in model_commands)
    assert all(hasattr(workspace, name) for name in ("models", "load", "profile", "demo"))
