"""Streaming NDJSON and CSV readers: bytes in, Records and Rejects out (reader.h)."""

import ctypes
import dataclasses
from typing import BinaryIO, Callable, Iterable, Iterator, List, Optional, TextIO, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made
from .handles import Handle
from .records import Record, text

FORMATS = {"ndjson": _lib.JM_FORMAT_NDJSON, "csv": _lib.JM_FORMAT_CSV}
_CHUNK = 1 << 16

Data = Union[str, bytes, bytearray, memoryview, BinaryIO, TextIO, Iterable[Union[str, bytes]]]
# A check returns None to keep a record, or the reason to reject it (a text, or a JobmatchError
# whose code and reason are used).
Check = Callable[[Record], Optional[Union[str, JobmatchError]]]
LineFn = Callable[[bytes, int], Optional[Union[str, JobmatchError]]]


@dataclasses.dataclass(frozen=True)
class Reject:
    """A record a reader rejected: line (1-based; 0 for a whole record given by feed_record),
    reason (libjobmatch's one-line text), raw (its bytes unchanged, without the line ending),
    source (the input's name, or the record's origin), code (a JM_E... value)."""

    line: int
    reason: str
    raw: bytes
    source: str
    code: int

    @property
    def message(self) -> str:
        """"source:line: reason", as the tools print it."""
        if self.line:
            return "%s:%d: %s" % (self.source, self.line, self.reason)
        return "%s: %s" % (self.source, self.reason)

    def error(self) -> JobmatchError:
        return JobmatchError(self.code, self.reason, self.source, self.line)


Item = Union[Record, Reject]


def _reason(result: Union[str, JobmatchError]) -> _lib.Error:
    err = _lib.Error()
    if isinstance(result, JobmatchError):
        err.code, reason = result.code, result.reason
    else:
        err.code, reason = _lib.JM_EVALUE, str(result)
    err.text = reason.encode("utf-8")[:_lib.JM_ERROR_TEXT_BUF - 1]
    return err


class Reader(Handle):
    """A push reader of format "ndjson" or "csv" for an input named source.

    feed(data) takes the next bytes, feed_record(data, origin) one whole record from a message
    queue or a database row, finish() ends the input; each returns the Records and Rejects it
    completed, in input order. Records are the caller's. check(record) may return a reason to
    reject a record that parsed (it then counts as a reject). on_line (NDJSON only) puts the
    reader in raw-line mode: it is given each framed line (bytes, line number) instead of a
    parsed Record, and may return a reason to reject it. Counters: records, rejects, lines.
    strict=True raises the first reject as a JobmatchError instead of returning it.
    max_record_bytes 0 is the library's default limit (1 MiB).
    """

    def __init__(self, format: str = "ndjson", source: str = "<data>",
                 max_record_bytes: int = 0, *, check: Optional[Check] = None,
                 on_line: Optional[LineFn] = None, strict: bool = False) -> None:
        if format not in FORMATS:
            raise ValueError("format must be ndjson or csv, not %r" % (format,))
        if max_record_bytes < 0:
            raise ValueError("max_record_bytes must be >= 0")
        self._got: List[Item] = []
        self._failure: Optional[BaseException] = None
        self._parts: List[bytes] = []
        self._check, self._on_line, self._strict = check, on_line, strict
        # The callbacks live as long as the reader.
        self._cbs = (_lib.RecordFn(self._on_record), _lib.RejectFn(self._on_reject),
                     _lib.RejectPartFn(self._on_reject_part), _lib.LineFn(self._on_raw_line))
        self._c = made(_lib.jm_reader_new, FORMATS[format], text(source), max_record_bytes,
                       self._cbs[0], self._cbs[1], None)
        _lib.jm_reader_set_reject_part(self._c, self._cbs[2])
        if on_line is not None:
            if format != "ndjson":
                _lib.jm_reader_free(self._c)
                self._c = None
                raise ValueError("on_line (raw-line mode) reads NDJSON only")
            check_rc = _lib.jm_reader_set_line_fn(self._c, self._cbs[3])
            assert check_rc == 0

    # -- callbacks (exceptions cannot cross C: keep the first, stop the feed, raise it after) --

    def _fail(self, e: BaseException) -> int:
        if self._failure is None:
            self._failure = e
        return _lib.JM_ECALLBACK

    def _reject_here(self, result: Union[str, JobmatchError]) -> int:
        err = _reason(result)
        return _lib.jm_reader_reject(self._c, byref(err))

    def _on_record(self, ctx, rec, raw, raw_len, line):
        try:
            r = Record._own(rec[0])
            rec[0] = None  # taken: the reader makes a fresh one
            r.line = line
            if self._check is not None:
                why = self._check(r)
                if why is not None:
                    r.close()
                    return self._reject_here(why)
            self._got.append(r)
            return 0
        except BaseException as e:
            return self._fail(e)

    def _on_raw_line(self, ctx, reader, data, n, line):
        try:
            why = self._on_line(ctypes.string_at(data, n), line)  # type: ignore[misc]
            return 0 if why is None else self._reject_here(why)
        except BaseException as e:
            return self._fail(e)

    def _on_reject_part(self, ctx, part, n):
        self._parts.append(ctypes.string_at(part, n))
        return 0

    def _on_reject(self, ctx, err, raw, raw_len):
        try:
            e = err.contents
            body = ctypes.string_at(raw, raw_len) if raw else b"".join(self._parts)
            self._parts.clear()
            rj = Reject(e.line, e.text.decode("utf-8", "replace"), body,
                        e.source.decode("utf-8", "replace"), e.code)
            if self._strict:
                return self._fail(JobmatchError(rj.code, rj.reason, rj.source, rj.line, e.column))
            self._got.append(rj)
            return 0
        except BaseException as ex:
            return self._fail(ex)

    # -- feeding ------------------------------------------------------------------------------

    def _after(self, rc: int) -> List[Item]:
        got, self._got = self._got, []
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        check(rc)
        return got

    def feed(self, data: Union[bytes, bytearray, memoryview, str]) -> List[Item]:
        """Feeds the next bytes (a record may be split anywhere); what they completed."""
        b = text(data) if isinstance(data, str) else bytes(data)
        return self._after(_lib.jm_reader_feed(self._handle(), b, len(b)))

    def feed_record(self, data: Union[bytes, str], origin: str = "") -> List[Item]:
        """Feeds one whole record with no framing (a message's value, a row's text); errors
        name origin ("kafka:job_posts/2@1234") with line 0."""
        b = text(data)
        return self._after(_lib.jm_reader_feed_record(self._handle(), b, len(b), text(origin)))

    def finish(self) -> List[Item]:
        """Ends the input: a last line without a newline is read."""
        return self._after(_lib.jm_reader_finish(self._handle()))

    def read(self, data: Data) -> Iterator[Item]:
        """Feeds all of data (bytes, str, a file object or an iterable of chunks) and finishes,
        yielding each Record and Reject as it completes."""
        for chunk in chunks(data):
            yield from self.feed(chunk)
        yield from self.finish()

    @property
    def records(self) -> int:
        """Records delivered (or, in raw-line mode, lines handed on less those rejected)."""
        return _lib.jm_reader_records(self._handle())

    @property
    def rejects(self) -> int:
        return _lib.jm_reader_rejects(self._handle())

    @property
    def lines(self) -> int:
        """Lines consumed by feed()."""
        return _lib.jm_reader_lines(self._handle())

    _what = "reader"

    def _release(self, c) -> None:
        _lib.jm_reader_free(c)


def chunks(data: Data) -> Iterator[bytes]:
    """data as a sequence of byte chunks: bytes or str whole, a file object (text or binary)
    read in pieces, or any iterable of str or bytes chunks."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        b = bytes(data)
        for i in range(0, len(b), _CHUNK):
            yield b[i:i + _CHUNK]
        return
    read = getattr(data, "read", None)
    if read is not None:
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                return
            yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
    for chunk in data:  # type: ignore[union-attr]
        yield chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)


def _read(fmt: str, data: Data, source: str, rejects: Optional[List[Reject]], strict: bool,
          max_record_bytes: int, check: Optional[Check]) -> Iterator[Item]:
    with Reader(fmt, source, max_record_bytes, check=check, strict=strict) as reader:
        for item in reader.read(data):
            if rejects is not None and isinstance(item, Reject):
                rejects.append(item)
            else:
                yield item


def read_ndjson(data: Data, source: str = "<data>", rejects: Optional[List[Reject]] = None,
                strict: bool = False, max_record_bytes: int = 0,
                check: Optional[Check] = None) -> Iterator[Item]:
    """Reads NDJSON records from data (bytes, str, a file object or an iterable of chunks) and
    yields a Record for each good line, with .line set to its line number.

    A bad line is a Reject: appended to the list rejects when one is given, else yielded in its
    place; with strict=True the first one raises JobmatchError instead. check(record) may return
    a reason to reject a record that parsed. max_record_bytes 0 is the library's default limit
    (1 MiB). Closing the generator early frees the reader."""
    return _read("ndjson", data, source, rejects, strict, max_record_bytes, check)


def read_csv(data: Data, source: str = "<data>", rejects: Optional[List[Reject]] = None,
             strict: bool = False, max_record_bytes: int = 0,
             check: Optional[Check] = None) -> Iterator[Item]:
    """Reads CSV (a header row of canonical or alias names, then one record a row) like
    read_ndjson; .line is where a record starts."""
    return _read("csv", data, source, rejects, strict, max_record_bytes, check)


def open_records(path: str, format: Optional[str] = None,
                 rejects: Optional[List[Reject]] = None, strict: bool = False) -> Iterator[Item]:
    """Reads the file at path (format from its name: .csv is CSV, anything else NDJSON)."""
    fmt = format or ("csv" if path.lower().endswith(".csv") else "ndjson")
    with open(path, "rb") as f:
        yield from _read(fmt, f, path, rejects, strict, 0, None)

