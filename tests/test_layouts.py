"""The 绩效目标表 family: exports of other units and systems, each loaded end to end.

Each fixture in `tests/layouts/` is written after layouts published by finance bureaus, in
their style (tab-separated, Chinese labels, the mess included); every test asserts what the
warehouse holds of it, exactly.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import Workspace, normalize_file, parse_file

LAYOUTS = Path(__file__).with_name("layouts")


def load(workspace: Workspace, *names: str) -> Workspace:
    for name in names:
        workspace.deliver(name, (LAYOUTS / name).read_bytes())
    assert workspace.run().published
    return workspace


@pytest.fixture(scope="module")
def synonyms(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return load(Workspace(tmp_path_factory.mktemp("synonyms")), "project_synonyms_fused.txt")


def test_synonym_labels_money_in_yuan_and_the_multi_year_goal(synonyms: Workspace):
    """项目支出名称, 预算单位, 预算数(元), 财政拨款 under a caption 单位：元, 本年度绩效目标 and
    实施期绩效目标: one project-year, money converted by the unit the table states."""
    assert synonyms.sql(
        "SELECT year, unit_code, unit_name, department_code, project_code, project_name, "
        "handler_name, handler_phone_masked, total_yuan, fiscal_yuan, unit_funds_yuan, "
        "special_account_yuan, annual_goal, multi_year_goal "
        "FROM fact_project_budget JOIN dim_unit USING (unit_key) "
        "JOIN dim_project USING (project_key)"
    ) == [
        (
            2024,
            "654001",
            "伊宁县农业农村局本级",
            "654",
            "65400124T000000123456",
            "高标准农田建设项目",
            "张伟",
            "139****5678",
            Decimal("2480000.00"),
            Decimal("2000000.00"),
            Decimal("480000.00"),
            None,
            "完成高标准农田建设1.2万亩,配套灌溉渠道12公里, 项目区亩均增产粮食50公斤以上。",
            "2024—2026年累计建设高标准农田3.6万亩,粮食综合生产能力稳步提升。",
        )
    ]


def test_decorated_names_fused_cells_directions_and_carried_down_levels(synonyms: Workspace):
    rows = synonyms.sql(
        "SELECT source_line, level1_name, level2_name, level3_name, operator, operator_raw, "
        "target_value, target_text, measure_unit, weight, direction, standard "
        "FROM fact_indicator_target JOIN dim_indicator USING (indicator_key) "
        "ORDER BY source_line"
    )
    assert rows == [
        (11, "产出指标", "数量指标", "新建高标准农田面积", ">=", "≥", Decimal("1.2000"), None, "万亩", Decimal("20.00"), "正向", "计划标准"),
        (12, "产出指标", "数量指标", "配套灌溉渠道长度", ">=", "正向", Decimal("12.0000"), None, "公里", Decimal("10.00"), "正向", "计划标准"),
        (13, "产出指标", "质量指标", "工程验收合格率", ">=", "正向", Decimal("100.0000"), None, "%", Decimal("10.00"), "正向", "行业标准"),
        (14, "产出指标", "时效指标", "项目建设期", "qualitative", None, None, "2024.03-2024.12", None, Decimal("10.00"), None, "计划标准"),
        (15, "成本指标", "经济成本指标", "亩均建设成本", "<=", "≤", Decimal("2000.0000"), None, "元", Decimal("5.00"), "反向", "历史标准"),
        (16, "成本指标", "经济成本指标", "项目总成本", "<=", "≤", Decimal("300.0000"), None, "万元", Decimal("5.00"), "反向", "计划标准"),
        (17, "效益指标", "经济效益指标", "亩均增产粮食", ">=", "以上", Decimal("50.0000"), None, "公斤", Decimal("10.00"), "正向", "历史标准"),
        (18, "效益指标", "生态效益指标", "化肥施用量减少", ">=", "以上", Decimal("5.0000"), None, "%", Decimal("10.00"), "正向", "行业标准"),
        (19, "效益指标", "社会效益指标", "带动农户增收", "qualitative", "正向", None, "有效提升", None, Decimal("10.00"), "正向", None),
        (20, "满意度指标", "服务对象满意度指标", "受益农户满意度", ">=", "≥", Decimal("90.0000"), None, "%", Decimal("10.00"), "正向", "行业标准"),
    ]  # fmt: skip
    assert synonyms.sql("SELECT definition FROM fact_indicator_target WHERE source_line = 11") == [
        ("当年竣工验收合格的面积",)
    ]


def test_other_frameworks_names_are_repaired_and_nothing_else_is_flagged(synonyms: Workspace):
    assert synonyms.sql(
        "SELECT rule_id, source_line, value FROM dq_issue ORDER BY source_line"
    ) == [
        ("W103", 18, "环境效益指标"),
        ("W103", 20, "满意度指标"),
    ]
    assert synonyms.sql("SELECT status, tables_loaded, indicator_rows FROM dq_file") == [
        ("loaded", 1, 10)
    ]


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return load(Workspace(tmp_path_factory.mktemp("flat")), "flat_projects.txt")


def test_a_flat_table_gives_one_project_year_per_project(flat: Workspace):
    """单位名称 / 项目名称 / 预算数 / 年度目标 on each project's first row only; a department row
    above its units; a 合计 row that is no project."""
    assert flat.sql(
        "SELECT f.source_line, u.unit_code, u.unit_name, u.department_code, "
        "u.department_name, p.project_code, p.project_name, f.total_yuan, f.annual_goal "
        "FROM fact_project_budget AS f JOIN dim_unit AS u USING (unit_key) "
        "JOIN dim_project AS p USING (project_key) ORDER BY f.source_line"
    ) == [
        (5, "650001", "托克逊县夏镇人民政府本级", "650", "托克逊县夏镇部门", "65000124T000000000101", "农村道路养护", Decimal("350000.00"), "完成农村道路养护120公里,群众出行更便利"),
        (9, "650001", "托克逊县夏镇人民政府本级", "650", "托克逊县夏镇部门", "65000124T000000000102", "村级活动场所维修", Decimal("125000.00"), "维修村级活动场所3处"),
        (13, "650002", "托克逊县夏镇卫生院", "650", "托克逊县夏镇部门", "65000124T000000000201", "基本公共卫生服务", Decimal("80000.00"), "为辖区居民提供基本公共卫生服务"),
    ]  # fmt: skip
    assert flat.sql("SELECT sum(total_yuan) FROM fact_project_budget") == [
        (Decimal("555000.00"),)
    ]  # the 合计 row's 55.50 万元 is not a fourth project


def test_flat_rows_keep_their_own_lines_and_carry_levels_down(flat: Workspace):
    rows = flat.sql(
        "SELECT p.project_code, f.source_line, i.level1_name, i.level2_name, i.level3_name, "
        "f.operator, f.target_value, f.target_text, f.measure_unit "
        "FROM fact_indicator_target AS f JOIN dim_project AS p USING (project_key) "
        "JOIN dim_indicator AS i USING (indicator_key) ORDER BY f.source_line"
    )
    assert [(r[0][-3:], r[1]) for r in rows] == [
        ("101", 5), ("101", 6), ("101", 7), ("101", 8),
        ("102", 9), ("102", 10), ("102", 11), ("102", 12),
        ("201", 13), ("201", 14), ("201", 15),
    ]  # fmt: skip
    assert rows[5][1:] == (
        10,
        "产出指标",
        "时效指标",
        "完工时间",
        "<=",
        Decimal("10.0000"),
        None,
        "月",
    )
    assert rows[2][5:] == ("qualitative", None, "有效改善", None)
    assert flat.sql(
        "SELECT status, tables_found, tables_loaded, indicator_rows, layout FROM dq_file"
    ) == [("loaded", 3, 3, 11, "flat")]
    assert flat.sql("SELECT count(*) FROM dq_issue") == [(0,)]


def test_an_unknown_layout_is_quarantined_naming_the_labels_it_could_not_place(
    workspace: Workspace,
):
    load(workspace, "unknown_layout.txt")
    ((status, layout, reason),) = workspace.sql("SELECT status, layout, reason FROM dq_file")
    assert (status, layout) == ("quarantined", "unknown")
    assert reason.startswith("1 of 1 table(s) quarantined: E001 ")
    assert reason.endswith(
        "; unknown layout, labels it could not place: 20, 全年服务群众人次, 分值, 填报单位：, "
        "服务人次, 考核内容, 考核项目, 自筹, 评分标准, 资金来源：, 达到得满分"
    )


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return load(Workspace(tmp_path_factory.mktemp("department")), "department_overall.txt")


def test_a_whole_department_table_loads_beside_the_projects(department: Workspace):
    """部门整体绩效目标表: no project; the department under its 9-digit budget code stands for
    unit and project, told apart by dim_project.project_kind; 资金总额 / 基本支出 / 项目支出."""
    assert department.sql(
        "SELECT u.unit_code, u.unit_name, u.department_code, p.project_code, p.project_name, "
        "p.project_kind, f.total_yuan, f.basic_expenditure_yuan, f.project_expenditure_yuan, "
        "f.fiscal_yuan, f.annual_goal "
        "FROM fact_project_budget AS f JOIN dim_unit AS u USING (unit_key) "
        "JOIN dim_project AS p USING (project_key)"
    ) == [
        (
            "117001000",
            "拉萨市民族事务委员会",
            "117",
            "117001000",
            "拉萨市民族事务委员会（部门整体）",
            "department",
            Decimal("12506000.00"),
            Decimal("8506000.00"),
            Decimal("4000000.00"),
            None,
            "目标1:全面落实党的民族政策,推进民族团结进步示范市创建。 "
            "目标2:保障机关正常运转,提升依法履职能力。",
        )
    ]
    assert department.sql("SELECT layout FROM dq_table") == [("department",)]


def test_sections_and_self_evaluation_columns_are_reported_never_read_as_targets(
    department: Workspace,
):
    """年度履职目标 (lines 7–10) and the 完成值 / 得分 columns: W112 with their lines; the four
    indicator rows are the only targets."""
    assert department.sql(
        "SELECT rule_id, source_line, column_name, value FROM dq_issue ORDER BY source_line"
    ) == [
        ("W112", 7, "section", "年度履职目标 (lines 7–10)"),
        ("W112", 11, "grid_header", "完成值, 得分"),
        ("W103", 15, "level2_repaired", "满意度指标"),
    ]
    assert department.sql(
        "SELECT source_line, operator, target_value, measure_unit FROM fact_indicator_target "
        "ORDER BY source_line"
    ) == [
        (12, ">=", Decimal("12.0000"), "次"),
        (13, ">=", Decimal("95.0000"), "%"),
        (14, "qualitative", None, None),
        (15, ">=", Decimal("90.0000"), "%"),
    ]


def test_collapsed_merged_cells_are_aligned_by_content(workspace: Workspace):
    """An exporter that drops merged cells instead of leaving them empty: a row starting with a
    level-2 name (line 7, 8) or with the indicator itself (line 10) is read by what its cells
    are, its level names carried down from the rows above, its lineage its own line."""
    load(workspace, "merged_collapsed.txt")
    assert workspace.sql(
        "SELECT f.source_line, i.level1_name, i.level2_name, i.level3_name, f.operator, "
        "f.target_value, f.measure_unit, f.weight "
        "FROM fact_indicator_target AS f JOIN dim_indicator AS i USING (indicator_key) "
        "ORDER BY f.source_line"
    ) == [
        (6, "产出指标", "数量指标", "受益学生人数", ">=", Decimal("5000.0000"), "人", Decimal("30.00")),
        (7, "产出指标", "质量指标", "补助资金足额发放率", "=", Decimal("100.0000"), "%", Decimal("20.00")),
        (8, "产出指标", "时效指标", "补助发放及时率", ">=", Decimal("98.0000"), "%", Decimal("10.00")),
        (9, "效益指标", "社会效益指标", "学生营养健康状况", "qualitative", None, None, Decimal("20.00")),
        (10, "效益指标", "社会效益指标", "学生营养知识知晓率", ">=", Decimal("90.0000"), "%", Decimal("10.00")),
        (11, "满意度指标", "服务对象满意度指标", "学生家长满意度", ">=", Decimal("90.0000"), "%", Decimal("10.00")),
    ]  # fmt: skip
    assert workspace.sql("SELECT total_yuan FROM fact_project_budget") == [(Decimal("1200000.00"),)]
    assert workspace.sql("SELECT count(*) FROM dq_issue") == [(0,)]


def _silver_of(grid_header: str, rows: list[str], header: str = "") -> tuple[dict, list[dict]]:
    """One table of a project, its grid as given; the silver budget row and target rows."""
    text = "\n".join(
        [
            "2024年度项目绩效目标表",
            "单位名称：\t650003-某县教育局本级\t项目名称：\t65000324T000000000301-学生营养改善计划",
            header or "项目资金：\t120.00\t万元",
            grid_header,
            *rows,
        ]
    )
    frames = normalize_file(parse_file(text.encode()), "t.txt", "x")
    return frames.project_budget.row(0, named=True), frames.indicator_target.to_dicts()


OPERATOR_FORMS = {
    "≥": ">=", "≤": "<=", "=": "=", ">": ">", "<": "<", "＞": ">", "＜": "<", "＝": "=",
    ">=": ">=", "<=": "<=", "不低于": ">=", "不高于": "<=", "大于等于": ">=", "定性": "qualitative",
}  # fmt: skip


def test_operators_in_every_form_seen():
    header = "一级指标\t二级指标\t三级指标\t计算符号\t指标值\t计量单位\t分值"
    rows = [
        f"产出指标\t数量指标\t指标{n}\t{form}\t10\t个\t5" for n, form in enumerate(OPERATOR_FORMS)
    ]
    _, targets = _silver_of(header, rows)
    assert [(t["operator_raw"], t["operator"]) for t in targets] == list(OPERATOR_FORMS.items())


def test_a_direction_column_stands_for_the_operator_where_there_is_none():
    header = "一级指标\t二级指标\t指标内容\t当年预期实现值\t度量单位\t权重\t指标方向性"
    rows = [
        "产出指标\t数量指标\t新增床位\t200\t张\t50\t正向",
        "成本指标\t经济成本指标\t单位成本\t1500\t元\t30\t反向",
        "效益指标\t社会效益指标\t服务能力\t有效提升\t\t20\t正向",
    ]
    _, targets = _silver_of(header, rows)
    assert [(t["operator"], t["target_value"], t["target_text"]) for t in targets] == [
        (">=", Decimal("200.0000"), None),
        ("<=", Decimal("1500.0000"), None),
        ("qualitative", None, "有效提升"),  # text under 正向 is still a qualitative target
    ]


FUSED = {
    "≥90%": (">=", Decimal("90.0000"), None, "%"),
    "12台": (None, Decimal("12.0000"), None, "台"),
    "≤300万元": ("<=", Decimal("300.0000"), None, "万元"),
    "95%以上": (">=", Decimal("95.0000"), None, "%"),
    "100%": (None, Decimal("100.0000"), None, "%"),
    "不低于3000人次": (">=", Decimal("3000.0000"), None, "人次"),
    "良好": ("qualitative", None, "良好", None),
    "有效提升": ("qualitative", None, "有效提升", None),
    "应保尽保": ("qualitative", None, "应保尽保", None),
    "2024.03-2024.12": ("qualitative", None, "2024.03-2024.12", None),
}


def test_value_operator_and_unit_fused_in_one_cell():
    header = "一级指标\t二级指标\t三级指标\t指标值及单位\t权重(%)"
    rows = [f"产出指标\t数量指标\t指标{n}\t{cell}\t10" for n, cell in enumerate(FUSED)]
    _, targets = _silver_of(header, rows)
    found = [
        (t["operator"], t["target_value"], t["target_text"], t["measure_unit"]) for t in targets
    ]
    assert found == list(FUSED.values())


def test_decorated_level_names_are_read_clean_and_kept_raw():
    header = "一级指标\t二级指标\t三级指标\t*指标值\t度量单位\t★权重"
    rows = [
        "产出指标(50分)\t数量指标（30分）\t甲\t1\t个\t10",
        "一、效益指标\t(1)社会效益指标\t乙\t2\t个\t10",
        "满意度指标(10%)\t*服务对象满意度指标\t丙\t3\t个\t10",
        "★成本指标\t社会公众或服务对象满意度指标\t丁\t4\t个\t10",
    ]
    _, targets = _silver_of(header, rows)
    assert [(t["level1_raw"], t["level1_name"], t["level2_name"]) for t in targets] == [
        ("产出指标(50分)", "产出指标", "数量指标"),
        ("一、效益指标", "效益指标", "社会效益指标"),
        ("满意度指标(10%)", "满意度指标", "服务对象满意度指标"),
        ("★成本指标", "成本指标", "服务对象满意度指标"),
    ]
    assert [t["target_value"] for t in targets] == [Decimal(n) for n in (1, 2, 3, 4)]
    assert [t["weight"] for t in targets] == [Decimal("10.00")] * 4


def test_both_indicator_frameworks():
    """成本指标 as a level 1 (2021 framework) and as a level 2 under 产出指标 (older tables)."""
    header = "一级指标\t二级指标\t三级指标\t指标值\t度量单位\t权重"
    rows = [
        "成本指标\t经济成本指标\t人均成本\t1500\t元\t10",
        "成本指标\t生态环境成本指标\t能耗\t5\t吨\t10",
        "产出指标\t成本指标\t项目成本\t120\t万元\t10",
        "效益指标\t生态效益指标\t绿化面积\t3\t亩\t10",
    ]
    _, targets = _silver_of(header, rows)
    assert [(t["level1_en"], t["level2_name"], t["level2_en"]) for t in targets] == [
        ("cost", "经济成本指标", "economic cost"),
        ("cost", "生态环境成本指标", "ecological cost"),
        ("output", "成本指标", "cost"),
        ("outcome", "生态效益指标", "ecological"),
    ]


@pytest.mark.parametrize(
    ("header", "yuan", "unit", "assumed"),
    [
        ("项目资金：\t300万", Decimal("3000000.00"), "万", False),  # the unit in the cell
        ("预算数(元)：\t2,480,000.00", Decimal("2480000.00"), "元", False),  # in the label
        ("单位：元\n预算数：\t2,480,000.00", Decimal("2480000.00"), "元", False),  # caption
        ("单位：万元\n预算数：\t248.00", Decimal("2480000.00"), "万元", False),
        ("预算数：\t248.00", Decimal("2480000.00"), None, True),  # nowhere: 万元 assumed, W107
    ],
)
def test_money_in_yuan_or_wan_yuan_by_the_unit_the_table_states(header, yuan, unit, assumed):
    budget, _ = _silver_of("一级指标\t二级指标\t三级指标", ["产出指标\t数量指标\t甲"], header)
    assert (budget["total_yuan"], budget["total_unit_raw"], budget["total_unit_assumed"]) == (
        yuan,
        unit,
        assumed,
    )


def test_a_budget_department_label_names_the_unit_only_with_a_unit_code():
    unit_header = "预算部门：\t650003-某县教育局本级\t项目名称：\t65000324T000000000301-营养改善"
    department_header = "预算部门：\t650-某县教育局\t项目名称：\t65000324T000000000301-营养改善"
    for header, expected in (
        (unit_header, ("650003", "某县教育局本级", None)),
        (department_header, (None, None, "650")),  # no unit: E001 will quarantine it
    ):
        text = "\n".join(
            [
                "2024年度项目绩效目标表",
                header,
                "一级指标\t二级指标\t三级指标",
                "产出指标\t数量指标\t甲",
            ]
        )
        budget = normalize_file(parse_file(text.encode()), "t.txt", "x").project_budget
        assert budget.select("unit_code", "unit_name", "department_code").row(0) == expected


def test_a_flat_table_that_repeats_the_project_cells_on_every_row():
    """Merged cells exported as repeats: a project runs while its cells stay the same."""
    lines = (LAYOUTS / "flat_projects.txt").read_text(encoding="utf-8").split("\n")
    current: list[str] = []
    repeated = []
    for line in lines:
        cells = line.split("\t")
        if len(cells) > 4 and cells[1] and cells[1] != "项目名称":
            current = [cells[0] or current[0], *cells[1:4]]
        elif len(cells) > 4 and current and not cells[0].startswith("合计"):
            cells[:4] = current
        repeated.append("\t".join(cells))
    parsed = parse_file("\n".join(repeated).encode())
    again = parse_file((LAYOUTS / "flat_projects.txt").read_bytes())
    columns = ["table_seq", "title_line", "unit", "project", "total", "annual_goal"]
    assert parsed.tables.select(columns).equals(again.tables.select(columns))
    assert parsed.indicators.select("table_seq", "source_line", "level3").equals(
        again.indicators.select("table_seq", "source_line", "level3")
    )
    assert parsed.tables.height == 3 and parsed.indicators.height == 11
