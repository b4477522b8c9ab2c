"""Bytes to text by evidence: byte-order marks first, then strict UTF-8, then strict GB18030.

Plain UTF-8 (most files) is validated in Rust and never becomes a Python string: decoding to
one and encoding it back for Polars costs three times as much. Python only explains a failure.
"""

from __future__ import annotations

import polars as pl


class DecodeError(ValueError):
    """The bytes are not text in any encoding seen in the field."""


def _text(text: str) -> pl.Series:
    return pl.Series([text], dtype=pl.String)


def _utf8(data: bytes, name: str) -> tuple[pl.Series, str]:
    """Strict UTF-8; a file cut inside its last character still counts (the cut is dropped)."""
    try:
        return pl.Series([data], dtype=pl.Binary).cast(pl.String), name
    except pl.exceptions.ComputeError:
        pass
    try:
        return _text(data.decode("utf-8")), name
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.end == len(data):
            return _utf8(data[: error.start], name)
        raise DecodeError(f"invalid UTF-8 (byte offset {error.start})") from error


def decode(data: bytes) -> tuple[pl.Series, str]:
    """The text as a one-row Polars string column, and the encoding it was read in."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:], "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _text(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as error:
            raise DecodeError(f"invalid UTF-16 (byte offset {error.start})") from error
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes) in a text export")
    try:
        return _utf8(data, "utf-8")
    except DecodeError:
        pass
    try:
        return _text(data.decode("gb18030")), "gb18030"
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"neither UTF-8 nor GB18030 (invalid byte at offset {error.start})"
        ) from error
