"""A deterministic synthetic corpus of raw exports in the sample's layout and with its quirks.

`render_table` writes one table exactly as the field's exporter does (tab-separated, labels,
blank padding cells, the grid); `generate_corpus` spreads N tables over units, departments,
projects and years 2022–2025 and writes files of 50–500 tables, declaring what it wrote so
that tests can hold the parser to it. The vocabulary is the sample's own.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from assets import reference

GRID_HEADERS = ("本年权重", "本年年权重", "本年轻重")
YEAR_TARGET_HEADERS = ("本年绩效指标值", "本年绩效指标")
FUNCTIONS = (
    "04-办公室/01-对个人和家庭补助",
    "04-办公室/02-商品服务支出",
    "05-民族事务管理科/05-宣传创建经费",
)
HANDLERS = ("卓玛央宗", "王强", "次仁多吉", "李娜", "扎西")
PROJECT_WORDS = (
    "离退休干部慰问金",
    "党建经费",
    "工会经费",
    "机动经费",
    "民族团结经费",
    "宣传创建经费",
    "示范市创建经费",
)
LEVEL3 = {
    "数量指标": [("开展活动次数", "次"), ("慰问人数", "人"), ("打造示范单位", "个")],
    "质量指标": [("发放精准性", "%"), ("验收合格率", "%"), ("活动参与率", "%")],
    "时效指标": [("发放及时率", "%"), ("项目完成及时性", "%")],
    "成本指标": [("人均慰问标准", "元"), ("活动成本", "万元")],
    "社会效益指标": [("提高干部幸福感", None), ("促进民族团结", None)],
    "可持续影响指标": [("形成长效机制", None)],
    "服务对象满意度指标": [("服务对象满意度", "%"), ("群众满意度", "%")],
    "经济成本指标": [("预算控制数", "万元")],
}
LEVEL1_OF = {
    row["level2_name"]: row["level1_name"]
    for row in reference.indicator_taxonomy().iter_rows(named=True)
}


@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str
    operator: str
    target: str
    year_target: str
    unit: str
    weight: str
    year_weight: str


@dataclass
class TableSpec:
    year: int
    unit: str
    department: str
    project: str
    function: str
    handler: str
    phone: str
    goal: str
    amounts: dict[str, str | None]
    indicators: list[Indicator]
    quirks: list[str] = field(default_factory=list)
    broken: str | None = None


def _money(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(1, 200_000)) / 100


def _level3_name(rng: random.Random, name: str) -> str:
    """Level-3 names are free text in the field: the same measure named for the project or the
    batch it belongs to, so a year holds thousands of distinct names, not a dozen."""
    roll = rng.random()
    if roll < 0.5:
        return name
    if roll < 0.8:
        return f"{rng.choice(PROJECT_WORDS)}{name}"
    return f"第{rng.randint(1, 60)}批{name}"


def _target_value(rng: random.Random, unit_of_measure: str) -> str:
    """Targets as written: whole and decimal rates, counts and amounts of every size."""
    if unit_of_measure == "%":
        return rng.choice((str(rng.randint(60, 100)), f"{rng.randint(600, 1000) / 10:.1f}"))
    return rng.choice(
        (
            str(rng.randint(1, 100)),
            str(rng.randint(100, 100_000)),
            f"{rng.randint(1, 1_000_000) / 100:.2f}",
        )
    )


GOAL_PURPOSES = (
    "提高退休干部幸福感",
    "开展党建活动, 购买党建用品, 提高党员党性意识",
    "树立民族团结进步模范区创建宣传阵地",
    "保障单位正常运转, 完成年度重点工作任务",
    "做好节日期间走访慰问工作",
)
GOAL_SENTENCES = (
    "慰问对象{n}人, 慰问发放精准规范, 慰问及时发放, 人均慰问标准{m}元",
    "开展{word}相关活动不少于{k}次, 活动参与率达到{p}%",
    "树立大型广告牌{k}处，打造民族团结进步模范单位{n}个、示范商超和商圈{k}处、示范街区{k}处",
    "组织模范区创建轮训{k}次, 组织区外参观团{k}次, 创建成效显著",
    "提高实施对象的获得感和幸福感, 促进民族团结和社会和谐稳定",
    "服务对象满意度达到{p}%以上",
    "项目资金按计划及时拨付, 预算执行率达到{p}%",
)


def _goal(rng: random.Random, total: Decimal) -> str:
    """An annual goal as the field writes it: the approving document, the money, the purpose,
    then two to four numbered targets (the sample's goals run 40–250 characters)."""
    word = rng.choice(PROJECT_WORDS)
    targets = " ".join(
        f"目标{i}: "
        + rng.choice(GOAL_SENTENCES).format(
            n=rng.randint(1, 500),
            m=rng.randint(100, 5000),
            k=rng.randint(1, 20),
            p=rng.randint(80, 100),
            word=word,
        )
        for i in range(1, rng.randint(3, 5))
    )
    document = f"拉财字【{rng.randint(2018, 2025)}】{rng.randint(1, 300)}号"
    return (
        f"{document}, 申请市级资金{total}万元, 用于{word}, {rng.choice(GOAL_PURPOSES)}。 {targets}"
    )


def make_table(rng: random.Random, serial: int, year: int, unit_no: int) -> TableSpec:
    """One project table with quirks drawn at rates close to the sample's."""
    department = 100 + unit_no // 4
    unit = f"{department}{unit_no % 4 + 1:03d}-拉萨市第{unit_no}委员会本级"
    total = _money(rng)
    amounts: dict[str, str | None] = {
        "total": f"{total:.2f}",
        "fiscal": f"{total:.2f}",
        "special_account": "0.00",
        "unit_funds": "0.00",
        "social": "0.00",
        "bank_loan": "0.00",
    }
    quirks = []
    if rng.random() < 0.11:
        amounts["bank_loan"] = None
        quirks.append("no_bank_loan_line")
    indicators = []
    # 6–11 indicator rows, as in the sample: every level 2 at most once, then a second measure
    # under some of them, grouped the way the exporter lists them.
    count = rng.randint(6, 11)
    chosen = rng.sample(list(LEVEL3), k=min(count, len(LEVEL3)))
    chosen += rng.choices(chosen, k=count - len(chosen))
    chosen.sort(key=list(LEVEL3).index)
    weights = [90 // count] * count
    weights[0] += 90 - sum(weights)
    for level2, weight in zip(chosen, weights, strict=True):
        level3, unit_of_measure = rng.choice(LEVEL3[level2])
        qualitative = unit_of_measure is None
        value = "定性" if qualitative else _target_value(rng, unit_of_measure)
        indicators.append(
            Indicator(
                LEVEL1_OF[level2],
                level2,
                _level3_name(rng, level3),
                "定性" if qualitative else rng.choice("≥≤="),
                value,
                value,
                unit_of_measure or "",
                str(weight),
                str(weight),
            )
        )
    if rng.random() < 0.11 and any(i.level2 == "服务对象满意度指标" for i in indicators):
        for indicator in indicators:
            if indicator.level2 == "服务对象满意度指标":
                indicator.level2 = "服务对象满意度指"
        quirks.append("truncated_level2")
    goal = _goal(rng, total)
    if rng.random() < 0.11:
        goal = f"<p>{goal}</p> <p>目标2:提高满意度。</p>"
        quirks.append("html_goal")
    for name, rate in (
        ("label_less", 0.11),
        ("amount_without_unit", 0.11),
        ("shifted", 0.3),
        ("header_typo", 0.05),
    ):
        if rng.random() < rate:
            quirks.append(name)
    spec = TableSpec(
        year=year,
        unit=unit,
        department=f"{department}-拉萨市第{department}部门",
        project=f"5401{year % 100:02d}24T{serial:012d}-{rng.choice(PROJECT_WORDS)}{serial}",
        function=rng.choice(FUNCTIONS),
        handler=rng.choice(HANDLERS),
        phone=f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}",
        goal=goal,
        amounts=amounts,
        indicators=indicators,
        quirks=quirks,
    )
    if rng.random() < 0.01:
        spec.broken = rng.choice(("bad_level1", "bad_amount"))
        if spec.broken == "bad_level1":
            spec.indicators[0].level1 = "乱码指标"
        else:
            spec.amounts["total"] = "七十万"
    return spec


def render_table(spec: TableSpec, rng: random.Random | None = None) -> str:
    """The table as the exporter writes it (LF line ends, tabs, padding cells)."""
    rng = rng or random.Random(0)
    pad = "\t" * (3 if "shifted" in spec.quirks else 2)
    money_unit = "" if "amount_without_unit" in spec.quirks else "万元"
    label_less = "label_less" in spec.quirks
    # A typing slip one character away from the label (repaired, reported as W111).
    typo = "header_typo" in spec.quirks
    department_label = "主管部们:" if typo else "主管部门:"
    level3_label = "三级指示" if typo else "三级指标"

    def amount_cells(label: str, field_name: str) -> str:
        return f"{label}\t{spec.amounts[field_name]}\t\t{money_unit}\t"

    def left(label: str, value: str, *, drop_label: bool = False) -> str:
        return f"{value}" if drop_label else f"{label}\t{value}"

    lines = ["", "", f"{spec.year}年度绩效目标表", ""]
    lines.append(
        f"单位信息:\t{spec.unit}\t{left('预算项目:', spec.project, drop_label=label_less)}"
        f"{pad}职能职责与活动:\t{spec.function}\t\t"
    )
    lines.append(
        f"{department_label}\t{spec.department}\t{left('项目经办人:', spec.handler, drop_label=label_less)}"
        f"{pad}{amount_cells('项目总额:', 'total')}"
    )
    lines.append(
        f"预算执行率权重:\t10\t{left('项目经办人电话:', spec.phone, drop_label=label_less)}"
        f"{pad}{amount_cells('其中: 财政资金:', 'fiscal')}"
    )
    blank_left = "\t" * (4 if not label_less else 3)
    lines.append(
        f"年度目标:\t{spec.goal}\t\t{pad}{amount_cells('财政专户管理资金:', 'special_account')}"
    )
    for label, name in (
        ("单位资金:", "unit_funds"),
        ("社会投入资金:", "social"),
        ("银行贷款:", "bank_loan"),
    ):
        if spec.amounts[name] is not None:
            lines.append(f"{blank_left}{pad}{amount_cells(label, name)}")
    year_weight_header = rng.choice(GRID_HEADERS)
    year_target_header = rng.choice(YEAR_TARGET_HEADERS)
    lines.append(
        f"一级指标\t二级指标\t{level3_label}\t指标性质\t指标值\t{year_target_header}\t度量单位\t权重(%)\t"
        f"{year_weight_header}\t备注"
    )
    for i in spec.indicators:
        lines.append(
            f"{i.level1}\t{i.level2}\t{i.level3}\t{i.operator}\t{i.target}\t{i.year_target}\t"
            f"{i.unit}\t{i.weight}\t{i.year_weight}\t"
        )
    return "\n".join(lines)


GENERATOR_VERSION = 4


@dataclass
class CorpusManifest:
    """What the generator wrote: the parser must find exactly this."""

    generator_version: int = GENERATOR_VERSION
    files: int = 0
    piece_tables: int | None = None
    tables: int = 0
    indicator_rows: int = 0
    broken_tables: int = 0
    loadable_tables: int = 0
    loadable_indicator_rows: int = 0
    loadable_total_yuan: str = "0.00"
    bytes: int = 0
    encodings: dict[str, int] = field(default_factory=dict)


def _encoded(text: str, encoding: str) -> bytes:
    """A file's bytes as the exporters write them: GB18030, UTF-8, or UTF-8 with a BOM and CRLF."""
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    return text.encode(encoding)


def generate_corpus(
    folder: Path,
    tables: int,
    seed: int = 42,
    file_tables: tuple[int, int] = (50, 500),
    first_serial: int = 0,
    piece_tables: int | None = None,
) -> CorpusManifest:
    """Write `tables` tables into files of `file_tables` (50–500) tables each; deterministic for
    a seed. `first_serial` keeps project codes apart between corpora meant to be loaded together.
    `piece_tables` cuts each file into pieces of about that many tables, each a file of its own in
    the same encoding: the same tables and bytes as without it, in more files."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = CorpusManifest(piece_tables=piece_tables)
    loadable_total = Decimal(0)
    serial = first_serial
    while serial < first_serial + tables:
        size = min(rng.randint(*file_tables), first_serial + tables - serial)
        year = rng.choice((2022, 2023, 2024, 2025))
        unit_no = rng.randint(1, max(2, tables // 200))
        texts = []
        for _ in range(size):
            serial += 1
            spec = make_table(rng, serial, year, unit_no)
            texts.append(render_table(spec, rng))
            manifest.tables += 1
            manifest.indicator_rows += len(spec.indicators)
            if spec.broken:
                manifest.broken_tables += 1
            else:
                manifest.loadable_tables += 1
                manifest.loadable_indicator_rows += len(spec.indicators)
                loadable_total += Decimal(spec.amounts["total"]) * 10_000
        roll = rng.random()
        encoding = "gb18030" if roll < 0.1 else "utf-8-sig" if roll < 0.2 else "utf-8"
        pieces = max(1, round(size / piece_tables)) if piece_tables else 1
        for piece in range(pieces):
            part = texts[piece * size // pieces : (piece + 1) * size // pieces]
            data = _encoded("\n".join(part) + "\n", encoding)
            manifest.files += 1
            manifest.bytes += len(data)
            manifest.encodings[encoding] = manifest.encodings.get(encoding, 0) + 1
            path = folder / f"{year}" / f"export_{first_serial:07d}_{manifest.files:05d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
    manifest.loadable_total_yuan = f"{loadable_total:.2f}"
    (folder / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2))
    return manifest
