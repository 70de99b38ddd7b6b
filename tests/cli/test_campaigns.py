"""The CLI for next best action and the content bandit, on the demo company's campaign data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revlearn.data.synth.campaigns import policy_value
from revlearn.data.synth.company import Company
from tests.cli.helpers import as_json, bad_input, ok, run, write

CONTEXT = "segment,channel,history_count"


@pytest.fixture(scope="module")
def files(company: Company, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The action history, customers and catalogue; the visit log split in two halves."""
    folder = tmp_path_factory.mktemp("campaigns")
    half = len(company.visits) // 2
    shuffled = company.actions.assign(
        responded=np.random.default_rng(1).permutation(company.actions["responded"].to_numpy())
    )
    return {
        "history": write(company.actions, folder / "history.csv"),
        "shuffled": write(shuffled, folder / "shuffled.csv"),
        "customers": write(company.action_customers, folder / "customers.csv"),
        "catalogue": write(company.action_catalogue, folder / "catalogue.csv"),
        "visits_fit": write(company.visits.iloc[:half], folder / "visits_fit.csv"),
        "visits_new": write(company.visits.iloc[half:], folder / "visits_new.csv"),
        "ws": folder / "ws",
    }


@pytest.fixture(scope="module")
def nba(files: dict[str, Path]) -> dict:
    return as_json(
        run(
            "fit", "nba", "--data", files["history"], "--customers", files["customers"],
            "--catalogue", files["catalogue"], "--max-contacts", "0.4", "--holdout-share",
            "0.2", "--json", ws=files["ws"],
        )
    )  # fmt: skip


@pytest.fixture(scope="module")
def bandit(files: dict[str, Path]) -> dict:
    return as_json(
        run(
            "fit", "bandit", "--data", files["visits_fit"], "--arm", "variant", "--reward",
            "clicked", "--context", CONTEXT, "--json", ws=files["ws"],
        )
    )  # fmt: skip


def _risky(customers: pd.DataFrame) -> pd.Series:
    return (customers["at_risk"] == 1) & (customers["tenure_months"] >= 3)


# ------------------------------------------------------------------------- nba
def test_fit_nba_json_contract(nba: dict, company: Company) -> None:
    assert nba["usecase"] == "nba" and nba["model"] == "nba" and nba["version"] == 1
    assert set(nba["actions"]) == set(company.action_catalogue["action"])
    n = len(company.action_customers)
    assert nba["n_customers"] == n and nba["holdout_size"] == round(0.2 * n)
    assert nba["n_contacted"] <= int(0.4 * n)  # the cap holds
    assert sum(nba["action_counts"].values()) == n
    assert nba["max_contacts"] == 0.4 and nba["holdout_share"] == 0.2


def test_predict_nba_plans_the_planted_best_action(files, nba, company, tmp_path) -> None:
    out = tmp_path / "plan.csv"
    ok(run("predict", "-m", "nba", "-d", files["customers"], "--out", out, ws=files["ws"]))
    plan = pd.read_csv(out)
    assert list(plan.columns) == [
        "customer_id", "action", "probability", "value", "cost", "expected_value", "reason",
        "in_holdout", "planned_action",
    ]  # fmt: skip
    assert len(plan) == len(company.action_customers) and plan["reason"].str.len().min() > 10
    assert (plan.loc[plan["in_holdout"], "action"] == "nothing").all()
    # planted truth: at-risk customers (eligible for a call) get the retention call
    risky = _risky(company.action_customers).to_numpy()
    planned = plan["planned_action"].to_numpy()
    assert (planned[risky] == "retention call").mean() > 0.8
    assert (planned[~risky] == "retention call").mean() < 0.05


def test_shuffled_history_plans_no_pattern(files, company, tmp_path) -> None:
    """Negative control (and the human output): shuffled responses carry no pattern."""
    ws = tmp_path / "ws"
    result = ok(
        run(
            "fit", "nba", "-d", files["shuffled"], "--customers", files["customers"],
            "--catalogue", files["catalogue"], ws=ws,
        )
    )  # fmt: skip
    # the human output: the table of actions, the holdout and how to measure the lift
    assert "Actions in the plan" in result.stdout and "retention call" in result.stdout
    assert "300 customers (10%" in result.stdout and "revlearn evaluate" in result.stdout
    out = tmp_path / "plan.csv"
    ok(run("predict", "-m", "nba", "-d", files["customers"], "--out", out, ws=ws))
    planned = pd.read_csv(out)["planned_action"].to_numpy()
    risky = _risky(company.action_customers).to_numpy()
    share_risky = (planned[risky] == "retention call").mean()
    share_safe = (planned[~risky] == "retention call").mean()
    assert abs(share_risky - share_safe) < 0.3


def test_evaluate_nba_measures_the_planted_lift(files, nba, company, tmp_path) -> None:
    out = tmp_path / "plan.csv"
    ok(run("predict", "-m", "nba", "-d", files["customers"], "--out", out, ws=files["ws"]))
    plan = pd.read_csv(out)
    truths = company.truths["actions"]
    actions = list(truths["actions"])
    p = truths["response_probability"][
        np.arange(len(plan)), [actions.index(a) for a in plan["action"]]
    ]
    rng = np.random.default_rng(3)
    outcomes = plan.assign(outcome=(rng.random(len(plan)) < p).astype(int))
    lift = as_json(
        run(
            "evaluate", "-m", "nba", "-d", write(outcomes, tmp_path / "outcomes.csv"), "--json",
            ws=files["ws"],
        )
    )["lift"]  # fmt: skip
    rows = {r["group"]: r for r in lift}
    assert rows["lift"]["lo"] > 0.1 and rows["lift"]["p_value"] < 0.001
    # negative control: an outcome that ignores the action shows no lift
    flat = plan.assign(response=(rng.random(len(plan)) < 0.1).astype(int))
    doc = as_json(
        run(
            "evaluate", "-m", "nba", "-d", write(flat, tmp_path / "flat.csv"), "--target",
            "response", "--json", ws=files["ws"],
        )
    )  # fmt: skip
    null = {r["group"]: r for r in doc["lift"]}["lift"]
    assert null["lo"] < 0 < null["hi"]
    human = ok(run("evaluate", "-m", "nba", "-d", tmp_path / "outcomes.csv", ws=files["ws"]))
    assert "Lift:" in human.stdout and "the actions add something" in human.stdout


def test_explain_and_report_nba(files, nba, tmp_path) -> None:
    table = as_json(run("explain", "-m", "nba", "--json", ws=files["ws"]))["table"]
    by_action = {row["action"]: row for row in table}
    assert by_action["retention call"]["eligible"] == "tenure_months >= 3"
    assert sum(row["planned"] for row in table) == nba["n_customers"]
    page = tmp_path / "nba.html"
    ok(run("report", "-m", "nba", "--out", page, ws=files["ws"]))
    html = page.read_text()
    assert "Next best action: action mix" in html and "Holdout design" in html


# ---------------------------------------------------------------------- bandit
def test_fit_bandit_json_contract(bandit: dict, company: Company) -> None:
    assert bandit["usecase"] == "bandit" and bandit["policy"] == "linucb"
    assert set(bandit["arms"]) == set(company.truths["visits"]["variants"])
    assert bandit["context_cols"] == CONTEXT.split(",")
    assert bandit["n_events"] == len(company.visits) // 2


def test_predict_bandit_finds_the_planted_best_variant(files, bandit, company, tmp_path) -> None:
    out = tmp_path / "arms.csv"
    ok(run("predict", "-m", "bandit", "-d", files["visits_new"], "--out", out, ws=files["ws"]))
    arms = pd.read_csv(out)
    assert list(arms.columns[:3]) == ["visitor_id", "arm", "expected_reward"]
    assert {f"expected_{a}" for a in bandit["arms"]} <= set(arms.columns)
    visits = pd.read_csv(files["visits_new"])
    best = company.truths["visits"]["best_variant"]
    hit = (arms["arm"] == visits["segment"].map(best)).mean()
    assert hit > 0.7  # a single global winner would match about a third of visitors


def test_evaluate_bandit_off_policy_matches_the_true_value(files, bandit, company, tmp_path):
    doc = as_json(run("evaluate", "-m", "bandit", "-d", files["visits_new"], "--json",
                      ws=files["ws"]))  # fmt: skip
    est = {r["estimator"]: r for r in doc["estimates"]}
    assert set(est) == {"logged", "ips", "snips", "dr"}
    out = tmp_path / "arms.csv"
    ok(run("predict", "-m", "bandit", "-d", files["visits_new"], "--out", out, ws=files["ws"]))
    half = len(company.visits) // 2
    truth = policy_value(
        company.truths["visits"]["click_probability"][half:],
        pd.read_csv(out)["arm"].to_numpy(),
    )
    assert est["dr"]["lo"] < truth < est["dr"]["hi"]
    assert est["dr"]["lo"] > est["logged"]["hi"]  # the contextual policy beats the log
    assert sum(doc["policy_arms"].values()) == len(company.visits) - half
    human = ok(run("evaluate", "-m", "bandit", "-d", files["visits_new"], ws=files["ws"]))
    assert "better than the logged policy" in human.stdout


def test_thompson_and_report_and_explain_bandit(files, bandit, tmp_path) -> None:
    doc = as_json(
        run(
            "fit", "bandit", "-d", files["visits_fit"], "--arm", "variant", "--reward", "clicked",
            "--context", CONTEXT, "--method", "thompson", "--name", "ts", "--json", ws=files["ws"],
        )
    )  # fmt: skip
    assert doc["policy"] == "thompson"
    page = tmp_path / "bandit.html"
    ok(run("report", "-m", "bandit", "-d", files["visits_new"], "--out", page, ws=files["ws"]))
    html = page.read_text()
    assert "Content bandit: arms" in html and "Off-policy evaluation" in html
    table = as_json(run("explain", "-m", "bandit", "--json", ws=files["ws"]))["table"]
    premium = [r for r in table if r["feature"] == "segment=premium buyer"]
    assert max(premium, key=lambda r: r["coefficient"])["arm"] == "new arrivals"


# ------------------------------------------------------------------- bad input
def test_bad_input(files, nba, bandit, company, tmp_path) -> None:
    ws = files["ws"]
    bad_input(
        run("fit", "nba", "-d", files["history"], "--catalogue", files["catalogue"], ws=ws),
        r"needs --customers",
    )
    bad_input(
        run("fit", "nba", "-d", files["history"], "--customers", files["customers"], ws=ws),
        r"needs --catalogue",
    )
    odd = company.actions.assign(action=company.actions["action"].replace("content", "sms"))
    bad_input(
        run(
            "fit", "nba", "-d", write(odd, tmp_path / "odd.csv"), "--customers",
            files["customers"], "--catalogue", files["catalogue"], ws=ws,
        ),
        r"actions not in the catalogue: sms",
    )  # fmt: skip
    bad_input(
        run(
            "fit", "nba", "-d", files["history"], "--customers", files["customers"],
            "--catalogue", files["catalogue"], "--max-contacts", "lots", ws=ws,
        ),
        r"--max-contacts must be a count or a share",
    )  # fmt: skip
    bad_input(
        run("evaluate", "-m", "bandit", "-d", files["visits_new"], "--propensity", "p", ws=ws),
        r"propensities are missing: no column 'p'",
    )
    no_propensity = company.visits.drop(columns="propensity")
    bad_input(
        run(
            "report", "-m", "bandit", "-d", write(no_propensity, tmp_path / "v.csv"), "--out",
            tmp_path / "r.html", ws=ws,
        ),
        r"propensities are missing",
    )  # fmt: skip
    bad_input(run("predict", "-m", "nba", "--out", tmp_path / "x.csv", ws=ws), r"needs --data")
    bad_input(
        run(
            "fit", "bandit", "-d", files["visits_fit"], "--arm", "variant", "--reward", "clicked",
            "--method", "greedy", ws=ws,
        ),
        r"Unknown policy 'greedy'",
    )  # fmt: skip
    bad_input(
        run("evaluate", "-m", "nba", "-d", files["customers"], ws=ws), r"not found|in_holdout"
    )
