"""Landing → bronze: the sample's nine tables and every quirk of its layout."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from assets.bronze.parse import parse_batch
from tests.conftest import SAMPLE_NAME, normalize_file, parse_file, replace_line

PARTY_PROJECT = "54000021Y000000005232"


def table(parsed, seq: int) -> dict:
    return parsed.tables.filter(pl.col("table_seq") == seq).row(0, named=True)


def test_sample_has_nine_tables_of_2024_and_75_indicator_rows(parsed):
    assert parsed.encoding == "utf-8"
    assert parsed.line_count == 174
    assert parsed.tables.height == 9
    assert parsed.tables["year"].unique().to_list() == [2024]
    assert parsed.tables["title_line"].to_list() == [3, 21, 43, 63, 81, 101, 119, 139, 157]
    assert parsed.indicators.height == 75
    per_table = parsed.indicators.group_by("table_seq").len().sort("table_seq")["len"].to_list()
    assert per_table == [7, 11, 9, 7, 9, 8, 9, 7, 8]
    assert parsed.indicators["aligned"].all()
    assert parsed.findings.height == 0


def test_projects_unit_and_total(budget):
    assert budget["project_code"].n_unique() == 9
    assert budget["unit_code"].unique().to_list() == ["117001"]
    assert budget["unit_name"].unique().to_list() == ["拉萨市民族事务委员会本级"]
    assert budget["department_code"].unique().to_list() == ["117"]
    assert budget["department_name"].unique().to_list() == ["拉萨市民族事务委员会"]
    assert budget["total_yuan"].sum() == Decimal("8310300.00")
    first = budget.row(0, named=True)
    assert first["project_code"] == "54010024T000001414726"
    assert first["project_name"] == "“59.3.28”离退休干部慰问金"
    assert (first["function_code"], first["function_name"]) == ("04", "办公室")
    assert (first["activity_code"], first["activity_name"]) == ("01", "对个人和家庭补助")
    assert first["total_yuan"] == Decimal("2000.00")


def test_label_less_header_is_recovered_by_shape(parsed, budget):
    party = table(parsed, 3)
    assert party["project"] == f"{PARTY_PROJECT}-党建经费"
    assert party["project_inferred"] and party["handler_name_inferred"]
    assert party["handler_phone_inferred"]
    assert (party["handler_name"], party["handler_phone"]) == ("卓玛央宗", "18089987157")
    assert (party["project_line"], party["handler_name_line"], party["handler_phone_line"]) == (
        45,
        46,
        47,
    )
    row = budget.filter(pl.col("project_code") == PARTY_PROJECT).row(0, named=True)
    assert row["project_name"] == "党建经费"
    assert row["handler_phone_masked"] == "180****7157"
    assert row["total_yuan"] == Decimal("8300.00")
    labelled = table(parsed, 1)
    assert not labelled["project_inferred"] and not labelled["handler_name_inferred"]


def test_columns_shift_but_labels_are_read(parsed):
    # The total sits in column 7 in table 1, column 8 in table 2 and column 5 in table 3.
    assert [table(parsed, s)["total"] for s in (1, 2, 3)] == ["0.20", "700.00", "0.83"]
    assert [table(parsed, s)["total_unit"] for s in (1, 2, 3)] == ["万元", "万元", "万元"]


def test_amount_without_unit_and_missing_bank_loan_line(parsed, budget):
    mobile = table(parsed, 5)
    assert mobile["total"] == "12.00" and mobile["total_unit"] is None
    row = budget.filter(pl.col("table_seq") == 5).row(0, named=True)
    assert row["total_yuan"] == Decimal("120000.00") and row["total_unit_assumed"]
    assert table(parsed, 6)["bank_loan"] is None
    assert budget.filter(pl.col("table_seq") == 6)["bank_loan_yuan"].to_list() == [None]
    assert budget.filter(pl.col("table_seq") != 6)["bank_loan_yuan"].null_count() == 0


def test_grid_header_variants_map_to_the_same_columns(parsed, sample_text):
    lines = sample_text.split("\n")
    assert "本年年权重" in lines[11] and "备注" not in lines[11]
    assert "本年轻重" in lines[51] and "本年绩效指标\t" in lines[127]
    for seq in (1, 3, 7):
        assert {"year_target", "year_weight", "level3"} <= set(table(parsed, seq)["grid_columns"])
    assert "remark" not in table(parsed, 1)["grid_columns"]
    row_130 = parsed.indicators.filter(pl.col("source_line") == 130).row(0, named=True)
    assert (row_130["weight"], row_130["year_weight"], row_130["year_target"]) == ("20", "10", "1")


def test_empty_cells_stay_empty(parsed):
    row = parsed.indicators.filter(pl.col("source_line") == 60).row(0, named=True)
    assert (row["target"], row["year_target"], row["measure_unit"]) == (None, "提高", None)
    assert (row["weight"], row["year_weight"]) == (None, "10")


def test_every_row_points_at_its_line(parsed, sample_text):
    lines = sample_text.split("\n")
    for row in parsed.indicators.iter_rows(named=True):
        cells = lines[row["source_line"] - 1].split("\t")
        assert cells[0] == row["level1"] and cells[2] == row["level3"]


def test_html_is_stripped_from_goals_but_kept_raw(budget):
    row = budget.filter(pl.col("table_seq") == 8).row(0, named=True)
    assert row["annual_goal_raw"].startswith("<p>根据藏老干通")
    assert "<p>" not in row["annual_goal"] and "</p>" not in row["annual_goal"]
    # 《…<…通知>》 is text, not a tag: it stays.
    assert "<拉萨市本级机关事业单位慰问经费管理实施办法(暂行)的通知>" in row["annual_goal"]
    assert row["annual_goal"].endswith("目标2:提高退休干部幸福感。")


def test_nfkc_applies_to_goals(budget):
    goal = budget.filter(pl.col("table_seq") == 2)["annual_goal"].item()
    assert "，" not in goal and "树立大型广告牌4处," in goal


def _silver(data: bytes):
    parsed = parse_file(data)
    return normalize_file(parsed, SAMPLE_NAME, "sample")


def test_gb18030_and_bom_crlf_give_identical_silver(sample_text, silver_frames):
    gb = parse_file(sample_text.encode("gb18030"))
    assert gb.encoding == "gb18030"
    bom_crlf = parse_file(b"\xef\xbb\xbf" + sample_text.replace("\n", "\r\n").encode("utf-8"))
    assert bom_crlf.encoding == "utf-8-sig"
    for data in (
        sample_text.encode("gb18030"),
        b"\xef\xbb\xbf" + sample_text.replace("\n", "\r\n").encode(),
    ):
        other = _silver(data)
        assert other.project_budget.equals(silver_frames.project_budget)
        assert other.indicator_target.equals(silver_frames.indicator_target)


def test_value_fused_with_unit_and_label_fused_with_value(sample_text):
    text = replace_line(sample_text, 84, "项目总额:\t12.00", "项目总额:12.00万元\t")
    text = replace_line(text, 85, "其中: 财政资金:\t12.00", "其中: 财政资金:\t12.00万元")
    parsed = parse_file(text.encode())
    row = parsed.tables.filter(pl.col("table_seq") == 5).row(0, named=True)
    assert (row["total"], row["fiscal"]) == ("12.00万元", "12.00万元")
    silver = normalize_file(parsed, "f", "x").project_budget
    mobile = silver.filter(pl.col("table_seq") == 5).row(0, named=True)
    assert mobile["total_yuan"] == Decimal("120000.00") and not mobile["total_unit_assumed"]
    assert mobile["fiscal_yuan"] == Decimal("120000.00") and not mobile["fiscal_unit_assumed"]


def test_misaligned_row_and_missing_grid_are_e002(sample_text):
    text = replace_line(sample_text, 14, "\t10\t10\t", "\t10\t10\t\t\t\tstray\t")
    text = replace_line(text, 166, "一级指标", "一級指標")
    parsed = parse_file(text.encode())
    e002 = parsed.findings.filter(pl.col("rule_id") == "E002")
    assert e002.select("table_seq", "source_line").rows() == [(1, 14), (9, 157)]
    assert "no indicator grid" in e002["message"][1]
    assert parsed.tables.height == 9


def test_unreadable_inputs_give_e005_never_an_exception():
    for data, reason in (
        (b"", "no performance target table"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"hello\tworld\n", "no performance target table"),
        (b"\xff\xfe\x00\x00\xff" * 3, "cannot decode"),
        # A UTF-8 byte-order mark over bytes that are not UTF-8: unreadable, not a crash.
        ("\ufeff2024年度绩效目标表".encode() + b"\xff\xfe", "invalid UTF-8"),
    ):
        parsed = parse_file(data)
        assert parsed.findings["rule_id"].to_list() == ["E005"], data
        assert reason in parsed.findings["message"].item()
        assert parsed.tables.height == 0 and parsed.indicators.height == 0


def test_a_batch_gives_each_file_what_it_gives_alone(sample_bytes):
    """Files parsed together stay apart: keys, lines and findings per file, an unreadable file
    or one without a table anywhere in the batch included."""
    gbk = sample_bytes.decode("utf-8").encode("gb18030")
    blobs = [b"\x00binary\x00", sample_bytes, b"hello\tworld\n", gbk]
    batch = parse_batch(blobs)
    assert batch.files.rows() == [
        (0, None, 0),
        (1, "utf-8", 174),
        (2, "utf-8", 2),
        (3, "gb18030", 174),
    ]
    assert dict(batch.tables.group_by("file_id").len().iter_rows()) == {1: 9, 3: 9}
    assert dict(batch.indicators.group_by("file_id").len().iter_rows()) == {1: 75, 3: 75}
    e005 = batch.findings.filter(pl.col("rule_id") == "E005")
    assert e005["file_id"].to_list() == [0, 2]
    for file_id, data in enumerate(blobs):
        alone, together = parse_file(data), batch.of_file(file_id)
        assert (together.encoding, together.line_count) == (alone.encoding, alone.line_count)
        for entity in ("tables", "indicators", "findings"):
            assert getattr(together, entity).equals(getattr(alone, entity)), (file_id, entity)


def test_truncated_file_keeps_what_it_has(sample_bytes):
    cut = sample_bytes[: sample_bytes.index("2024年度绩效目标表".encode(), 2000) + 40]
    parsed = parse_file(cut)
    assert parsed.tables.height == 3
    assert parsed.indicators.height == 18
    assert parsed.findings.filter(pl.col("rule_id") == "E002")["table_seq"].to_list() == [3]


def test_text_before_the_first_title_is_reported(sample_text):
    parsed = parse_file(("导出时间 2024-01-01\n" + sample_text).encode())
    w110 = parsed.findings.filter(pl.col("rule_id") == "W110")
    assert w110.select("source_line", "value").rows() == [(1, "导出时间 2024-01-01")]


def test_labels_one_typo_away_are_repaired_with_w111(sample_text):
    text = replace_line(sample_text, 24, "项目总额:", "项日总额:")  # header label, 目 → 日
    text = replace_line(text, 30, "度量单位", "度量単位")  # grid label, 单 → 単
    text = replace_line(text, 72, "三级指标", "三级指")  # grid label, truncated
    parsed = parse_file(text.encode())
    assert parsed.findings.select("rule_id", "source_line", "column_name", "value").rows() == [
        ("W111", 24, "header", "项日总额: → 项目总额"),
        ("W111", 30, "grid_header", "度量単位 → 度量单位"),
        ("W111", 72, "grid_header", "三级指 → 三级指标"),
    ]
    assert table(parsed, 2)["total"] == "700.00"
    assert parsed.indicators.height == 75 and parsed.indicators["aligned"].all()
    assert (
        parsed.indicators.filter(pl.col("source_line") == 73)["level3"].item()
        == "每年开展工会活动次数"
    )


def test_ambiguous_or_distant_labels_are_not_guessed(sample_text):
    text = replace_line(sample_text, 24, "项目总额:", "总额合计:")  # two edits away: no guess
    parsed = parse_file(text.encode())
    assert table(parsed, 2)["total"] is None
    assert parsed.findings.filter(pl.col("rule_id") == "W111").height == 0
    assert "总额合计:" in parsed.findings.filter(pl.col("rule_id") == "W110")["value"].to_list()
