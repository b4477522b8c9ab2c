"""The target review (R301–R313 and the weight check): every project of the sample with its exact
review, the cases a reviewer flags and the ones that must not be flagged, each rule tripped on
a corrected copy of the sample, the year-over-year rules on a second year, and the report."""

from __future__ import annotations

import re
import shutil
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assets.lake import Lake
from expectations.catalogue import rules
from tests.browser import chromium, screenshot
from tests.conftest import SAMPLE_NAME, Workspace, replace_line
from warehouse import report
from warehouse import review as review_module
from warehouse.load import build_fingerprint
from warehouse.query import answer
from warehouse.report import page_name
from warehouse.review import review_rule_ids
from warehouse.review.checks import GOAL_AMOUNT, GOAL_COUNT, goal_phrases

# project code → (score, grade, flagged rules, findings)
SAMPLE_REVIEW = {
    "54010024T000001425237": (57, "D", "R301 R303 R304 W101", 4),
    "54010024T00G001394820": (67, "C", "R303 R304 R306 R308 R309", 5),
    "54010022T000000446915": (79, "B", "R301 R303", 3),
    "54010024T000001454442": (79, "B", "R303 R304", 3),
    "54010024T000001414726": (90, "A", "R309", 2),
    "54010022T000000449545": (91, "A", "R303", 3),
    "54010024T000001425738": (92, "A", "R303 R309", 2),
    "54010024T000001584833": (92, "A", "R303 R308", 2),
    "54000021Y000000005232": (94, "A", "R303", 2),
}


def test_every_project_of_the_sample_has_its_exact_review(loaded_sample: Workspace):
    rows = loaded_sample.sql(
        "SELECT project_code, score, grade, flagged_rules, findings FROM mart_target_review"
    )
    assert {code: tuple(rest) for code, *rest in rows} == SAMPLE_REVIEW
    counts = loaded_sample.sql(
        "SELECT rule_id, count(*) FROM review_finding GROUP BY ALL ORDER BY rule_id"
    )
    assert counts == [("R301", 2), ("R303", 13), ("R304", 3), ("R306", 1), ("R308", 2), ("R309", 4)]


def test_the_measured_columns_of_the_sample(loaded_sample: Workspace):
    rows = loaded_sample.sql(
        "SELECT right(project_code, 6), framework, level1_missing, indicator_count, "
        "quantitative_count, quantitative_pct, vague_targets, weight_total, goal_amount_yuan, "
        "goal_money_agrees, goal_counts_matched, goal_counts_disagreeing "
        "FROM mart_target_review ORDER BY project_code"
    )
    d = Decimal
    assert rows == [
        ("005232", "pre-2021", None, 9, 7, d("77.8"), 2, d("100"), d("8300"), True, 2, 0),
        ("446915", "pre-2021", "成本指标", 11, 9, d("81.8"), 2, d("100"), None, None, 6, 0),
        ("449545", "pre-2021", None, 9, 6, d("66.7"), 3, d("100"), None, None, 2, 0),
        ("414726", "pre-2021", None, 7, 7, d("100"), 0, d("100"), d("2000"), True, 1, 0),
        ("425237", "pre-2021", "成本指标", 8, 7, d("87.5"), 1, d("90"), d("500000"), False, 1, 0),
        ("425738", "pre-2021", None, 7, 6, d("85.7"), 1, d("100"), d("14300"), True, 2, 0),
        ("454442", "pre-2021", None, 7, 5, d("71.4"), 2, d("100"), d("10800"), False, 0, 0),
        ("584833", "2021", None, 8, 6, d("75"), 1, d("100"), None, None, 0, 0),
        ("394820", "2021", None, 9, 6, d("66.7"), 1, d("100"), d("110000"), False, 0, 0),
    ]


def test_the_reviewers_cases_are_flagged(loaded_sample: Workspace):
    money = loaded_sample.sql(
        "SELECT project_code, source_line, evidence, message FROM review_finding "
        "WHERE rule_id = 'R304' ORDER BY project_code"
    )
    assert money == [
        (
            "54010024T000001425237",
            106,
            "资金50万元",
            "the goal states 50.00万元 (资金50万元) but the table's total is 92.50万元",
        ),
        (
            "54010024T000001454442",
            68,
            "资金1.08万元",
            "the goal states 1.08万元 (资金1.08万元) but the table's total is 0.47万元",
        ),
        (
            "54010024T00G001394820",
            86,
            "共需经费11万元",
            "the goal states 11.00万元 (共需经费11万元) but the table's total is 12.00万元",
        ),
    ]
    assert loaded_sample.sql(
        "SELECT source_line, value FROM review_finding WHERE rule_id = 'R306'"
    ) == [(91, "665 天")]
    assert loaded_sample.sql(
        "SELECT source_line, value FROM review_finding WHERE rule_id = 'R308' ORDER BY 1"
    ) == [(98, "<= 100 %"), (173, "<= 100 %")]
    assert loaded_sample.sql(
        "SELECT weight_total, weights_sum_to_100 FROM mart_target_review "
        "WHERE project_code = '54010024T000001425237'"
    ) == [(Decimal("90.00"), False)]


def test_the_cases_that_agree_are_not_flagged(loaded_sample: Workspace):
    # Table 1: 申请市级资金0.2万元 is its total, and 人均慰问标准2000元 is a per-head standard.
    # Table 2: 模范单位50个, 广告牌4处, 轮训3次 … each matched to its indicator, all equal.
    assert loaded_sample.sql(
        "SELECT project_code, goal_money_agrees, goal_counts_matched, goal_counts_disagreeing "
        "FROM mart_target_review WHERE project_code IN "
        "('54010024T000001414726', '54010022T000000446915') ORDER BY 1"
    ) == [("54010022T000000446915", None, 6, 0), ("54010024T000001414726", True, 1, 0)]
    assert loaded_sample.sql("SELECT count(*) FROM review_finding WHERE rule_id = 'R305'") == [(0,)]


def test_a_goal_stating_an_amount_beyond_any_budget_is_flagged_and_the_load_goes_on(
    workspace: Workspace, sample_text: str
):
    """A typo of 20 digits in a goal: no 64-bit integer nor the mart's DECIMAL(18, 2) holds it
    (the load failed on it once); R304 states it exactly, and the mart holds no amount."""
    giant = "申请市级资金100000000000000000万元"
    workspace.deliver(
        SAMPLE_NAME, replace_line(sample_text, 68, "申请市级资金1.08万元", giant).encode()
    )
    workspace.run()
    assert workspace.sql(
        "SELECT goal_amount_yuan, goal_money_agrees, score FROM mart_target_review "
        "WHERE project_code = '54010024T000001454442'"
    ) == [(None, False, 79)]
    assert workspace.sql(
        "SELECT source_line, value, message FROM review_finding "
        "WHERE rule_id = 'R304' AND project_code = '54010024T000001454442'"
    ) == [
        (
            68,
            "100000000000000000.00万元",
            "the goal states 100000000000000000.00万元 (资金100000000000000000万元) "
            "but the table's total is 0.47万元",
        )
    ]


def _tripped(sample_text: str) -> str:
    """The sample with one case of each rule it does not trip by itself."""
    text = sample_text
    for line in (150, 152):  # table 8 without a quality indicator (R302)
        text = replace_line(text, line, "质量指标", "时效指标")
    text = replace_line(text, 26, "树立大型广告牌4处", "树立大型广告牌5处")  # R305
    text = replace_line(text, 58, "\t90\t90\t%", "\t120\t120\t%")  # R307
    text = replace_line(text, 73, "\t≥\t5\t5\t%", "\t定性\t提高\t提高\t")  # R313
    return replace_line(text, 74, "\t≤\t783\t783\t元", "\t定性\t良好\t良好\t")


def _next_year(sample_text: str) -> str:
    """Table 1 again for 2025: more money, one target lowered, one indicator dropped."""
    lines = sample_text.split("\n")[2:19]
    lines[0] = lines[0].replace("2024年度", "2025年度")
    lines[3] = lines[3].replace("\t0.20\t", "\t0.30\t")
    lines[4] = lines[4].replace("\t0.20\t", "\t0.30\t")
    lines[14] = lines[14].replace("\t100\t100\t%", "\t90\t90\t%")  # 发放精准性 ≥ 100 → ≥ 90
    del lines[13]  # 59.3.28离退休干部 = 1 人
    return "\n".join(lines)


@pytest.fixture(scope="module")
def tripped(tmp_path_factory: pytest.TempPathFactory, sample_text: str) -> Workspace:
    space = Workspace(tmp_path_factory.mktemp("review"))
    space.deliver(SAMPLE_NAME, _tripped(sample_text).encode())
    space.run()
    space.deliver("next_year.txt", _next_year(sample_text).encode())
    space.run()
    return space


def test_every_review_rule_trips_on_its_case(tripped: Workspace):
    found = tripped.sql(
        "SELECT rule_id, right(project_code, 6), year, source_file, source_line, value "
        "FROM review_finding WHERE rule_id IN "
        "('R302', 'R305', 'R307', 'R310', 'R311', 'R312', 'R313') ORDER BY ALL"
    )
    sample, later = SAMPLE_NAME, "next_year.txt"
    assert found == [
        ("R302", "414726", 2025, later, 1, "数量指标"),  # its one 数量指标 dropped in 2025
        ("R302", "425738", 2024, sample, 139, "质量指标"),
        ("R305", "446915", 2024, sample, 32, "4 处"),
        ("R307", "005232", 2024, sample, 58, "120 %"),  # the target and this year's value
        ("R307", "005232", 2024, sample, 58, "120 %"),
        ("R310", "414726", 2025, later, 14, "100 → 90"),
        ("R311", "414726", 2025, sample, 16, "59.3.28离退休干部"),
        ("R312", "414726", 2025, later, 1, "0.20万元 → 0.30万元"),
        ("R313", "454442", 2024, sample, 63, "3 of 7"),
    ]


def test_the_year_over_year_columns(tripped: Workspace):
    assert tripped.sql(
        "SELECT year, previous_year, targets_lowered, indicators_dropped, total_change_pct "
        "FROM mart_target_review WHERE project_code = '54010024T000001414726' ORDER BY year"
    ) == [(2024, None, None, None, None), (2025, 2024, 1, 1, Decimal("50.0"))]
    # The second run reviewed the project again in both years, and nothing else changed.
    assert tripped.sql("SELECT count(*), count(DISTINCT reviewed_at) FROM mart_target_review") == [
        (10, 2)
    ]


def test_the_review_in_parts_finds_what_it_finds_at_once(
    tripped: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The review reads a part of the scope at a time and writes when enough is gathered:
    parts of two tables, a write every five findings, give the published review exactly."""
    columns = {
        "review_finding": "* EXCLUDE (reviewed_at)",
        "mart_target_review": "* EXCLUDE (reviewed_at)",
    }

    def published(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
        return {
            table: con.sql(f"SELECT {chosen} FROM {table} ORDER BY ALL").fetchall()
            for table, chosen in columns.items()
        }

    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(tripped.settings.warehouse_path, copy)
    con = duckdb.connect(str(copy))
    try:
        before = published(con)
        monkeypatch.setattr(review_module, "CHUNK_TABLES", 2)
        monkeypatch.setattr(review_module, "INSERT_ROWS", 5)
        con.execute("CREATE TEMP TABLE run_info AS SELECT now()::TIMESTAMP AS ingested_at")
        began = time.perf_counter()
        seconds = review_module.review(con, Lake(tripped.settings.data_dir).silver, everything=True)
        wall = time.perf_counter() - began
        assert published(con) == before
        # where the time went, step by step: every step, each counted once
        assert tuple(seconds) == review_module.REVIEW_STEPS
        assert all(step > 0 for step in seconds.values())
        assert sum(seconds.values()) <= wall
        assert {table: len(rows) for table, rows in before.items()} == {
            "review_finding": 39,
            "mart_target_review": 10,
        }
    finally:
        con.close()


def test_every_rule_of_the_review_has_a_case_here_or_in_the_sample(
    loaded_sample: Workspace, tripped: Workspace
):
    seen = {r for (r,) in loaded_sample.sql("SELECT DISTINCT rule_id FROM review_finding")}
    seen |= {r for (r,) in tripped.sql("SELECT DISTINCT rule_id FROM review_finding")}
    assert seen == set(review_rule_ids()) == {f"R3{n:02d}" for n in range(1, 14)}
    points = rules().filter(rules()["severity"] == "review")
    assert points["review_points"].null_count() == 0 and points["review_cap"].null_count() == 0


class _Rows(HTMLParser):
    """The data attributes of the rows of one table (by id) of a report page."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows = table_id, False, []
        self.tags: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.add(tag)
        for key in ("href", "src"):
            if found.get(key):
                self.links.append(str(found[key]))
        if tag == "table":
            self.inside = found.get("id") == self.table_id
        elif tag == "tr" and self.inside and any(key.startswith("data-") for key in found):
            self.rows.append({k: v for k, v in found.items() if k.startswith("data-")})


def _parse(path: Path, table_id: str) -> _Rows:
    parser = _Rows(table_id)
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_the_report_shows_the_warehouse_figures_and_fetches_nothing(loaded_sample: Workspace):
    folder = loaded_sample.settings.review_report_dir
    page = folder / page_name("117001", 2024)
    projects = _parse(page, "projects")
    shown = {
        r["data-project-code"]: (int(r["data-score"]), Decimal(r["data-total-wan-yuan"]))
        for r in projects.rows
    }
    expected = answer(
        loaded_sample.settings.warehouse_path,
        "SELECT project_code, score, total_wan_yuan FROM v_target_review",
    )
    assert shown == {code: (score, wan) for code, score, wan in expected.iter_rows()}
    assert sum(wan for _, wan in shown.values()) == Decimal("831.03")
    flagged = _parse(page, "findings").rows
    assert len(flagged) == 26 and {"data-rule": "R306", "data-line": "91"} in flagged
    index = _parse(folder / "index.html", "units")
    assert index.rows == [{"data-unit-code": "117001", "data-year": "2024", "data-projects": "9"}]
    for parsed in (projects, index):
        assert not parsed.tags & {"script", "link", "img", "iframe"}
        assert all(not link.startswith(("http:", "https:", "//")) for link in parsed.links)
    html = page.read_text(encoding="utf-8")
    assert "民族交往交流交融促进工程" in html and "<svg" in html


def test_the_report_is_redrawn_only_when_the_review_changed(loaded_sample: Workspace):
    from pipelines.runner import review_report

    again = review_report(loaded_sample.settings)
    assert again is not None and not again.written and again.pages == 1


def test_a_report_stamp_of_an_older_format_redraws_every_page(workspace: Workspace, sample_bytes):
    """An earlier jixiao stamped the pages with their count, not each page's projects: the
    report is drawn again instead of failing the run."""
    from pipelines.runner import review_report

    workspace.deliver(SAMPLE_NAME, sample_bytes)
    workspace.run()
    folder = workspace.settings.review_report_dir
    (folder / "report.json").write_text('{"reviewed_at": "2026-11-27 22:57:52", "pages": 1}')
    drawn = review_report(workspace.settings)
    assert drawn is not None and drawn.written and drawn.pages == 1
    assert not review_report(workspace.settings).written  # and the new stamp is understood


def test_a_warehouse_built_before_the_review_is_upgraded_by_the_next_run(
    workspace: Workspace, sample_bytes: bytes
):
    workspace.deliver(SAMPLE_NAME, sample_bytes)
    workspace.run()
    con = duckdb.connect(str(workspace.settings.warehouse_path))
    for statement in (
        "DROP VIEW v_review_findings",
        "DROP VIEW v_target_review",
        "DROP TABLE mart_target_review",
        "DROP TABLE review_finding",
        "DROP TABLE dq_rule",
        "DROP TABLE warehouse_build",
    ):
        con.execute(statement)
    con.close()
    upgrade = workspace.run()  # no new file, but a warehouse of an earlier jixiao
    assert upgrade.published and upgrade.new_versions == 0
    assert workspace.sql("SELECT count(*), sum(score) FROM mart_target_review") == [(9, 741)]
    assert workspace.sql("SELECT fingerprint FROM warehouse_build") == [(build_fingerprint(),)]
    assert not workspace.run().published  # and then a quiet night changes nothing


@pytest.mark.skipif(chromium() is None, reason="no chromium: `make chromium` installs it")
def test_the_report_renders_in_headless_chromium(loaded_sample: Workspace, tmp_path: Path):
    page = loaded_sample.settings.review_report_dir / page_name("117001", 2024)
    png = screenshot(page.as_uri(), tmp_path / "report.png", 1200, 900)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


def _other_unit(sample_text: str) -> bytes:
    """The sample's first table, delivered by another unit (118001) for another project."""
    return (
        "\n".join(sample_text.split("\n")[2:19])
        .replace("117001-拉萨市民族事务委员会本级", "118001-拉萨市文化局本级")
        .replace("54010024T000001414726", "54010024T000009999999")
        .encode()
    )


def test_the_report_redraws_only_the_pages_whose_review_changed(
    workspace: Workspace, sample_text: str
):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    folder = workspace.settings.review_report_dir
    first = folder / page_name("117001", 2024)
    drawn = first.stat().st_mtime_ns
    workspace.deliver("other_unit.txt", _other_unit(sample_text))
    workspace.run()
    assert (folder / page_name("118001", 2024)).exists()
    assert first.stat().st_mtime_ns == drawn  # its projects were not reviewed again
    units = _parse(folder / "index.html", "units").rows
    assert [(u["data-unit-code"], u["data-projects"]) for u in units] == [
        ("117001", "9"),
        ("118001", "1"),
    ]


def test_pages_drawn_a_few_projects_at_a_time_equal_pages_drawn_at_once(
    workspace: Workspace, sample_text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The report makes its pages' text a run of unit-years at a time (its memory): the pages
    are the same however the runs are cut."""
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.deliver("other_unit.txt", _other_unit(sample_text))
    workspace.run()

    def drawn(folder: Path) -> dict[str, str]:
        report.write_report(workspace.settings.warehouse_path, folder)
        return {
            page.name: re.sub(r"generated [0-9-]+ [0-9:]+", "", page.read_text(encoding="utf-8"))
            for page in folder.glob("*.html")
        }

    at_once = drawn(tmp_path / "at_once")
    monkeypatch.setattr(report, "DRAW_PROJECTS", 1)
    one_by_one = drawn(tmp_path / "one_by_one")
    assert one_by_one == at_once
    assert sorted(at_once) == [page_name("117001", 2024), page_name("118001", 2024), "index.html"]


# Pieces annual goals are written from: money words, counting units, digits, punctuation.
GOAL_PIECES = st.sampled_from(
    [
        "资金",
        "经费",
        "共需",
        "合计",
        "申请市级",
        "万元",
        "元",
        "个",
        "处",
        "次",
        "人",
        "模范单位",
        "广告牌",
        "轮训",
        "年",
        "，",
        "。",
        "；",
        "：",
        " ",
        ".",
        "（",
        "）",
        "每人",
        "2025",
    ]
)
GOAL_NUMBERS = st.from_regex(r"[0-9]{1,5}(\.[0-9]{1,2})?", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(GOAL_PIECES, GOAL_NUMBERS), max_size=30).map("".join),
        min_size=1,
        max_size=4,
    )
)
def test_goal_phrases_read_their_parts_as_the_whole_pattern_does(goals: list[str]):
    """A phrase's digits, unit and words are read from its end (cheaper); the result must be
    what matching the whole pattern again gives, and the phrases come in the goal's order."""
    frame = pl.DataFrame(
        {"year": [2024] * len(goals), "project_key": list(range(len(goals))), "annual_goal": goals}
    )
    found = goal_phrases(frame)
    for kind, pattern in (("amount", GOAL_AMOUNT), ("count", GOAL_COUNT)):
        expected = (
            frame.select(
                "project_key", pl.col("annual_goal").str.extract_all(pattern).alias("phrase")
            )
            .explode("phrase")
            .drop_nulls("phrase")
            .with_columns(pl.col("phrase").str.extract_groups(pattern).alias("parts"))
            .unnest("parts")
        )
        got = found.filter(pl.col("kind") == kind).select(expected.columns)
        assert got.equals(expected), (kind, goals)
        positions = found.filter(pl.col("kind") == kind).group_by("project_key").agg("position")
        for ordinals in positions["position"]:
            assert ordinals.to_list() == list(range(1, len(ordinals) + 1))


def test_goal_phrases_of_no_goals_are_none():
    empty = pl.DataFrame(
        schema={"year": pl.Int32, "project_key": pl.Int32, "annual_goal": pl.String}
    )
    assert goal_phrases(empty).height == 0
