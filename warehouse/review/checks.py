"""The review's checks of one table at a time (R301–R309, R313), as Polars expressions over the
scope's budgets and targets: each reads one project-year's own rows, so a whole load's worth is a
few vectorized passes (the year-over-year rules, R310–R312, compare project-years in SQL).

Each rule is one function that returns the items it flags as findings (`FINDING_COLUMNS`),
never a boolean; the mart counts them (`COUNTED_BY_MART`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from assets.reference import FUNDING_FIELDS

REVIEW_DIR = Path(__file__).parent
FINDING_COLUMNS = (
    "year",
    "project_key",
    "project_code",
    "source_file",
    "source_line",
    "column_name",
    "value",
    "evidence",
    "message",
)
FUNDING_COLUMNS = tuple(f"{field}_yuan" for field in FUNDING_FIELDS)
# A table the facts hold, as the checks key it: one integer per project-year in scope.
TABLE_ID = "table_id"
# What a check returns: the table, the line, and the finding's own columns (the review adds the
# year, project and file of the table).
CHECK_COLUMNS = ("table_id", "source_line", "column_name", "value", "evidence", "message")

# What the annual goal states, as the review reads it: an amount is a money word within eight
# characters before a number in 元 or 万元; a count is a number with a counting unit and the
# words just before it (twelve characters at most, no digits or punctuation).
GOAL_AMOUNT = (
    r"(?:资金|经费|预算|共计|合计|总计|总额|共需)[^，,。；;、:：]{0,8}?"
    r"(?P<digits>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit_raw>万元|元)"
)
GOAL_COUNT = (
    r"(?P<words>[^0-9.\s，,。；;、:：()（）<>《》“”\"]{0,12})(?P<digits>[0-9]+)"
    r"(?P<unit_raw>[个处次人名家所场期批项户套台辆本份篇条座块张间支队])"
)
# An amount's parts, read from its end: cheaper than matching the whole pattern again.
GOAL_AMOUNT_PARTS = r"(?P<digits>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit_raw>万元|元)$"
# An amount stated per head or per unit is a standard, not the project's money.
PER_UNIT_AMOUNT = "每|人均|/人|标准|单价"
AMOUNT = pl.Decimal(38, 4)


def word_list(name: str) -> pl.DataFrame:
    """One of the lists the checks read (`vague_words.csv`, `counting_units.csv`,
    `duration_limits.csv`), beside this file."""
    return pl.read_csv(REVIEW_DIR / f"{name}.csv")


def number_text(value: pl.Expr) -> pl.Expr:
    """A decimal as a reviewer writes it: 100 rather than 100.0000, 12.5 rather than 12.5000."""
    return value.cast(pl.String).str.strip_chars_end("0").str.strip_chars_end(".")


def wan_text(yuan: pl.Expr) -> pl.Expr:
    """Yuan in 万元 with two decimals, four where the yuan need them (1.08万元, 0.0005万元)."""
    # whole yuan, half away from zero, in exact integers (a goal may state any number of digits)
    ten_thousandths = yuan.cast(AMOUNT).to_physical()
    size = (ten_thousandths.abs() + 5_000) // 10_000
    decimals = (size % 10_000).cast(pl.String).str.zfill(4)
    kept = pl.concat_str(decimals.str.head(2), decimals.str.tail(2).str.strip_chars_end("0"))
    sign = pl.when((ten_thousandths < 0) & (size > 0)).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.format("{}{}.{}万元", sign, (size // 10_000).cast(pl.String), kept)


def _findings(frame: pl.DataFrame | pl.LazyFrame, **columns: pl.Expr | str) -> pl.LazyFrame:
    """Offending rows as findings: their table and line, then the finding's own columns."""
    chosen = {"source_line": pl.col("source_line")} | {
        name: pl.col(value) if isinstance(value, str) else value for name, value in columns.items()
    }
    return frame.lazy().select(
        TABLE_ID,
        chosen["source_line"].cast(pl.Int32).alias("source_line"),
        *(chosen[name].cast(pl.String).alias(name) for name in CHECK_COLUMNS[2:]),
    )


def quantitative() -> pl.Expr:
    """A comparison and a number: what the review calls a quantitative indicator."""
    return (pl.col("operator") != "qualitative") & pl.coalesce(
        "target_value", "year_target_value"
    ).is_not_null()


def profile(budget: pl.DataFrame, targets: pl.DataFrame) -> pl.LazyFrame:
    """What the completeness checks and the mart read of each project-year's grid, in one pass:
    counts, the dimensions present, the weights (本年权重 where the table has them)."""

    def present(condition: pl.Expr, name: str) -> pl.Expr:
        return condition.any().alias(name)

    has_year_weights = pl.col("year_weight").is_not_null().any()
    grids = (
        targets.lazy()
        .group_by(TABLE_ID)
        .agg(
            pl.len().cast(pl.Int64).alias("indicator_count"),
            pl.col("quantitative").sum().cast(pl.Int64).alias("quantitative_count"),
            present(pl.col("level1_en") == "output", "has_output"),
            present(pl.col("level1_en") == "outcome", "has_outcome"),
            present(pl.col("level1_en") == "satisfaction", "has_satisfaction"),
            present(pl.col("level1_en") == "cost", "cost_at_level1"),
            present((pl.col("level1_en") == "cost") | (pl.col("level2_en") == "cost"), "has_cost"),
            present(pl.col("level2_en") == "quantity", "has_quantity"),
            present(pl.col("level2_en") == "quality", "has_quality"),
            pl.when(has_year_weights)
            .then(pl.col("year_weight").sum())
            .when(pl.col("weight").is_not_null().any())
            .then(pl.col("weight").sum())
            .alias("weights"),
        )
    )
    flags = ("has_output", "has_outcome", "has_satisfaction", "cost_at_level1", "has_cost")
    return (
        budget.lazy()
        .select(TABLE_ID, "source_line")
        .join(grids, on=TABLE_ID, how="left")
        .with_columns(
            pl.col("indicator_count", "quantitative_count").fill_null(0),
            pl.col(*flags, "has_quantity", "has_quality").fill_null(False),
        )
    )


def phrases_plan(goals: pl.DataFrame) -> pl.LazyFrame:
    """Every amount and count the annual goals state, one row each: the goal's other columns
    (its keys), kind ('amount' | 'count'), phrase, its place among the goal's phrases of that
    kind, digits, unit, and a count's words."""

    def found(kind: str, pattern: str, parts: list[pl.Expr]) -> pl.LazyFrame:
        return (
            goals.lazy()
            .select(
                pl.exclude("annual_goal"),
                pl.col("annual_goal").str.extract_all(pattern).alias("phrase"),
            )
            .with_columns(
                pl.int_ranges(1, pl.col("phrase").list.len() + 1, dtype=pl.Int64).alias("position")
            )
            .explode("phrase", "position")
            .drop_nulls("phrase")
            .with_columns(pl.lit(kind).alias("kind"), *parts)
        )

    phrase = pl.col("phrase")
    amount_parts = phrase.str.extract_groups(GOAL_AMOUNT_PARTS).struct.unnest()
    # a count is words (no digit), digits and a one-character unit: cut, not matched again
    count_body = phrase.str.head(-1)
    words = count_body.str.strip_chars_end("0123456789")
    count_parts = [
        words.alias("words"),
        count_body.str.slice(words.str.len_chars()).alias("digits"),
        phrase.str.tail(1).alias("unit_raw"),
    ]
    return pl.concat(
        [
            found("amount", GOAL_AMOUNT, [amount_parts]),
            found("count", GOAL_COUNT, count_parts),
        ],
        how="diagonal",
    )


def goal_phrases(goals: pl.DataFrame) -> pl.DataFrame:
    return phrases_plan(goals).collect()


def goal_amounts(phrases: pl.LazyFrame, budget: pl.DataFrame) -> pl.LazyFrame:
    """The amounts the goal states for the project itself, in yuan, beside its total and
    funding lines."""
    scale = pl.when(pl.col("unit_raw") == "万元").then(10_000).otherwise(1)
    return (
        phrases.lazy()
        .filter((pl.col("kind") == "amount") & ~pl.col("phrase").str.contains(PER_UNIT_AMOUNT))
        .select(
            TABLE_ID,
            "phrase",
            "position",
            (pl.col("digits").cast(AMOUNT, strict=False) * scale).cast(AMOUNT).alias("amount_yuan"),
        )
        .drop_nulls("amount_yuan")
        .join(
            budget.lazy().select(TABLE_ID, pl.col("total_yuan", *FUNDING_COLUMNS).cast(AMOUNT)),
            on=TABLE_ID,
        )
        .with_columns(
            pl.any_horizontal(pl.col(column) == pl.col("amount_yuan") for column in FUNDING_COLUMNS)
            .fill_null(False)
            .alias("funding_line_agrees")
        )
    )


def goal_counts(phrases: pl.LazyFrame, budget: pl.DataFrame, targets: pl.DataFrame) -> pl.LazyFrame:
    """Each count the goal states, matched to the indicator of the same unit whose name shares
    the most two-character pieces with the words before it — at least two, and more than any
    other indicator of the table."""
    units = word_list("counting_units").lazy()
    counts = (
        phrases.lazy()
        .filter(pl.col("kind") == "count")
        .join(units, left_on="unit_raw", right_on="unit")
        .join(budget.lazy().select(TABLE_ID, "goal_line"), on=TABLE_ID)
        .select(
            TABLE_ID,
            "goal_line",
            "phrase",
            pl.col("words").alias("context"),
            pl.col("canonical").alias("unit"),
            pl.col("digits").cast(AMOUNT, strict=False).alias("stated"),
        )
    )
    counted = (
        targets.lazy()
        .filter(pl.col("quantitative"))
        .join(units, left_on="measure_unit", right_on="unit")
        .select(
            TABLE_ID,
            pl.col("canonical").alias("unit"),
            "level3_name",
            pl.coalesce("target_value", "year_target_value").cast(AMOUNT).alias("indicator_value"),
            "source_line",
        )
    )
    candidates = counts.join(counted, on=[TABLE_ID, "unit"])
    # The pieces a count's words share with a name, measured once per distinct pair: goals and
    # names repeat (a unit's projects are written alike).
    pair = ["context", "level3_name"]
    shared = (
        candidates.select(pair)
        .unique()
        .with_columns(
            pl.int_ranges(0, pl.col("context").str.len_chars().cast(pl.Int64) - 1).alias("start")
        )
        .explode("start")
        .drop_nulls("start")
        .select(*pair, pl.col("context").str.slice("start", 2).alias("piece"))
        .unique()
        .filter(pl.col("level3_name").str.contains(pl.col("piece"), literal=True))
        .group_by(pair)
        .agg(pl.len().cast(pl.Int64).alias("shared"))
    )
    matched = (
        candidates.join(shared, on=pair)
        .filter(pl.col("shared") >= 2)
        .drop("context")
        .unique()  # a goal that repeats a sentence states its counts twice: each pair once
        .with_columns(
            pl.col("shared").max().over([TABLE_ID, "phrase"]).alias("best"),
            pl.len().over([TABLE_ID, "phrase", "shared"]).alias("tied"),
        )
        .filter((pl.col("shared") == pl.col("best")) & (pl.col("tied") == 1))
        .drop("best", "tied")
    )
    return matched


def _missing(
    profile: pl.DataFrame, column_name: str, dimensions: dict[str, tuple[str, str]]
) -> pl.LazyFrame:
    """A finding per dimension a project-year's grid lacks: `dimensions` maps the profile's
    flag to the dimension's name and the message."""
    return pl.concat(
        _findings(
            profile.filter(~pl.col(flag)),
            column_name=pl.lit(column_name),
            value=pl.lit(name),
            evidence=pl.lit(None),
            message=pl.lit(message),
        )
        for flag, (name, message) in dimensions.items()
    )


def r301_level1_missing(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """产出, 效益 and 满意度 always; and a cost target: at level 1 (成本指标) in the 2021
    framework, as 产出指标's 成本指标 in the one before it. A table with a level-1 成本指标
    uses the 2021 one."""
    return _missing(
        checked["profile"],
        "level1_name",
        {
            "has_output": ("产出指标", "no 产出指标 in the table"),
            "has_outcome": ("效益指标", "no 效益指标 in the table"),
            "has_satisfaction": ("满意度指标", "no 满意度指标 in the table"),
            "has_cost": ("成本指标", "no cost target: no 成本指标 at level 1 nor under 产出指标"),
        },
    )


def r302_outputs_unmeasured(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """The outputs lack a quantity (数量指标) or a quality (质量指标) indicator."""
    return _missing(
        checked["profile"],
        "level2_name",
        {
            flag: (name, f"no {name} among the outputs")
            for flag, name in (("has_quantity", "数量指标"), ("has_quality", "质量指标"))
        },
    )


def r303_vague_target(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """No number, and either no text or a word of `vague_words.csv` (提高, 提升, 促进, 有效,
    定性 …) in it."""
    words = word_list("vague_words")["word"].to_list()
    stated = pl.coalesce("target_text", "year_target_text")
    unmeasured = checked["targets"].filter(
        ~pl.col("quantitative")
        & pl.col("target_value").is_null()
        & pl.col("year_target_value").is_null()
    )
    # each distinct text judged once: targets repeat (提高, 有效, 良好 …)
    texts = unmeasured.select(stated.unique().drop_nulls().alias("text"))["text"]
    vague = texts.filter(~texts.str.contains("[0-9]") & texts.str.contains_any(words))
    qualitative = unmeasured.filter(stated.is_null() | stated.is_in(vague.implode()))
    return _findings(
        qualitative,
        column_name=pl.lit("target_text"),
        value=stated,
        evidence="level3_name",
        message=pl.format(
            '{}: the target "{}" sets no measure', "level3_name", stated.fill_null("")
        ),
    )


def r304_goal_money(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """An amount the annual goal states equals neither the table's total nor any funding
    line."""
    amounts = (
        checked["goal_amounts"]
        .lazy()
        .filter(
            pl.col("amount_yuan").ne_missing(pl.col("total_yuan")) & ~pl.col("funding_line_agrees")
        )
    )
    budget = checked["budget"].lazy().select(TABLE_ID, pl.col("goal_line").alias("source_line"))
    return _findings(
        amounts.join(budget, on=TABLE_ID),
        column_name=pl.lit("annual_goal"),
        value=wan_text(pl.col("amount_yuan")),
        evidence="phrase",
        message=pl.format(
            "the goal states {} ({}) but the table's total is {}",
            wan_text(pl.col("amount_yuan")),
            "phrase",
            wan_text(pl.col("total_yuan")),
        ),
    )


def r305_goal_count(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """A count the annual goal states differs from the target of the indicator matched to it."""
    disagreeing = (
        checked["goal_counts"].lazy().filter(pl.col("indicator_value") != pl.col("stated"))
    )
    return _findings(
        disagreeing,
        column_name=pl.lit("target_value"),
        value=pl.format("{} {}", number_text(pl.col("indicator_value")), "unit"),
        evidence="phrase",
        message=pl.format(
            "the goal says {} ({} {}) but {} targets {} (goal at line {})",
            "phrase",
            number_text(pl.col("stated")),
            "unit",
            "level3_name",
            number_text(pl.col("indicator_value")),
            "goal_line",
        ),
    )


def _both_values(targets: pl.LazyFrame) -> pl.LazyFrame:
    """A row per value of a target: its overall value and this year's, named by column."""
    return pl.concat(
        targets.with_columns(pl.lit(column).alias("column_name"), pl.col(column).alias("amount"))
        for column in ("target_value", "year_target_value")
    )


def r306_duration_beyond_year(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """A target or this year's value above the most a year holds in its unit
    (`duration_limits.csv`: 366 天, 12 月 …)."""
    limits = word_list("duration_limits").lazy()
    valued = _both_values(checked["targets"].lazy().join(limits, on="measure_unit"))
    amount = number_text(pl.col("amount"))
    return _findings(
        valued.filter(pl.col("amount") > pl.col("most_in_a_year")),
        column_name="column_name",
        value=pl.format("{} {}", amount, "measure_unit"),
        evidence="level3_name",
        message=pl.format(
            "{}: {} {} is more than a year holds ({} {})",
            "level3_name",
            amount,
            "measure_unit",
            "most_in_a_year",
            "measure_unit",
        ),
    )


def r307_percentage_above_100(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """A percentage above 100 as a target to reach (≥, > or =)."""
    to_reach = (
        checked["targets"]
        .lazy()
        .filter((pl.col("measure_unit") == "%") & pl.col("operator").is_in([">=", ">", "="]))
    )
    amount = number_text(pl.col("amount"))
    return _findings(
        _both_values(to_reach).filter(pl.col("amount") > 100),
        column_name="column_name",
        value=pl.format("{} %", amount),
        evidence="level3_name",
        message=pl.format("{}: {} {} % cannot be reached", "level3_name", "operator", amount),
    )


def _with_unit(number: pl.Expr) -> pl.Expr:
    return pl.concat_str(number, pl.format(" {}", "measure_unit").fill_null(""))


def r308_weak_satisfaction(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """A satisfaction target with ≤ or <, or a satisfaction rate below 80 %."""
    ceiling = pl.col("operator").is_in(["<=", "<"])
    weak = checked["targets"].filter(
        (pl.col("level1_en") == "satisfaction")
        & (ceiling | ((pl.col("measure_unit") == "%") & (pl.col("target_value") < 80)))
    )
    target = number_text(pl.col("target_value"))
    return _findings(
        weak,
        column_name=pl.lit("operator"),
        value=pl.format("{} {}", "operator", _with_unit(target)),
        evidence="level3_name",
        message=pl.when(ceiling)
        .then(
            pl.format(
                "{}: a satisfaction target with {} sets a ceiling, not a floor",
                "level3_name",
                "operator",
            )
        )
        .otherwise(
            pl.format("{}: a satisfaction target of {} % is below 80 %", "level3_name", target)
        ),
    )


def r309_year_value_contradicts(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """This year's value misses the target's own operator: below a ≥ target, not above a >
    target, above a ≤ target, not below a < target, different from an = target."""
    year_value, target = pl.col("year_target_value"), pl.col("target_value")
    misses = (
        pl.when(pl.col("operator") == ">=")
        .then(year_value < target)
        .when(pl.col("operator") == ">")
        .then(year_value <= target)
        .when(pl.col("operator") == "<=")
        .then(year_value > target)
        .when(pl.col("operator") == "<")
        .then(year_value >= target)
        .when(pl.col("operator") == "=")
        .then(year_value != target)
        .otherwise(False)
    )
    contradicting = checked["targets"].filter(
        target.is_not_null() & year_value.is_not_null() & misses
    )
    return _findings(
        contradicting,
        column_name=pl.lit("year_target_value"),
        value=_with_unit(number_text(year_value)),
        evidence="level3_name",
        message=pl.format(
            "{}: the target is {} {} but this year's value is {}",
            "level3_name",
            "operator",
            number_text(target),
            number_text(year_value),
        ),
    )


def r313_mostly_qualitative(checked: dict[str, pl.DataFrame]) -> pl.LazyFrame:
    """Fewer than half of the indicators are quantitative (a comparison and a number)."""
    counted = pl.format("{} of {}", "quantitative_count", "indicator_count")
    return _findings(
        checked["profile"].filter(2 * pl.col("quantitative_count") < pl.col("indicator_count")),
        column_name=pl.lit("operator"),
        value=counted,
        evidence=pl.lit(None),
        message=pl.format("{} indicators are quantitative", counted),
    )


TABLE_CHECKS: dict[str, Callable[[dict[str, pl.DataFrame]], pl.LazyFrame]] = {
    "R301": r301_level1_missing,
    "R302": r302_outputs_unmeasured,
    "R303": r303_vague_target,
    "R304": r304_goal_money,
    "R305": r305_goal_count,
    "R306": r306_duration_beyond_year,
    "R307": r307_percentage_above_100,
    "R308": r308_weak_satisfaction,
    "R309": r309_year_value_contradicts,
    "R313": r313_mostly_qualitative,
}
# The mart's count columns, each the number of one rule's findings for the project-year.
COUNTED_BY_MART = {
    "vague_targets": "R303",
    "durations_beyond_year": "R306",
    "percentages_above_100": "R307",
    "weak_satisfaction_targets": "R308",
    "contradicting_year_values": "R309",
    "targets_lowered": "R310",
    "indicators_dropped": "R311",
}
# The mart lists the level-1 dimensions this rule found missing.
LEVEL1_MISSING = "R301"
