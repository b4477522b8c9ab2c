"""A compact progress display for `jixiao run`: one line per step and per message of ours,
instead of Dagster's full event stream (which stays in the instance and the UI)."""

import logging
import sys
import time

import dagster as dg


class ProgressFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", {}) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        if event is not None:
            kind = event.event_type_value
            if kind == "STEP_START":
                return f"  {clock}  ▸ {step}"
            if kind == "STEP_FAILURE":
                error = event.event_specific_data.error
                return f"  {clock}  ✗ {step}: {error.message.strip() if error else 'failed'}"
            return ""
        return f"  {clock}      {meta.get('orig_message', record.getMessage())}"


class SkipEmpty(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return bool(ProgressFormatter().format(record))


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="DEBUG")},
    description="One line per step start and per pipeline message, for the terminal.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("jixiao.progress", level=init_context.logger_config["log_level"])
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(ProgressFormatter())
    handler.addFilter(SkipEmpty())
    logger.addHandler(handler)
    return logger
