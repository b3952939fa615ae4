"""Sinks (sink.h): where produced records go, a file descriptor or a plugin's service (Kafka,
PostgreSQL)."""

import ctypes
import os
from typing import Optional, Union

from . import _lib
from ._lib import byref
from .errors import JobmatchError, made
from .handles import Handle
from .records import Record, kind_code, text
from .scoring import Application

# Flags of a written message (JM_SINK_MSG_*).
MSG_HEADER = _lib.JM_SINK_MSG_HEADER
MSG_BAD = _lib.JM_SINK_MSG_BAD
MSG_LATE = _lib.JM_SINK_MSG_LATE
MSG_LINES = _lib.JM_SINK_MSG_LINES
MSG_PART = _lib.JM_SINK_MSG_PART


class Sink(Handle):
    """A sink: Sink.to_fd(fd) or Sink.to_file(path), or Plugin.sink(...) for a service.

    write() takes a Record, an Application, or encoded bytes (one NDJSON or CSV line); flush()
    pushes out what is buffered; sync() returns once everything written is durable (written
    and fdatasync()ed for a file, acknowledged for Kafka, committed for PostgreSQL). close()
    flushes and frees it; use it as a context manager. Errors are JobmatchError (JM_EIO for an
    output failure, with the sink's name).
    """

    def __init__(self, handle, owner: object = None) -> None:
        self._c = handle
        self._owner = owner  # a plugin a sink came from lives at least as long as the sink

    @classmethod
    def to_fd(cls, fd: int, close_fd: bool = False) -> "Sink":
        """A sink appending every message's bytes to file descriptor fd through a large
        buffer; it closes fd at the end when close_fd is true."""
        if fd < 0:
            raise ValueError("fd must be >= 0, not %d" % fd)
        return cls(made(_lib.jm_sink_fd_new, fd, 1 if close_fd else 0))

    @classmethod
    def to_file(cls, path: str, append: bool = False) -> "Sink":
        """A sink writing the file at path (created or truncated; with append, appended to)."""
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            return cls.to_fd(fd, close_fd=True)
        except BaseException:
            os.close(fd)
            raise

    _what = "sink"

    @property
    def name(self) -> str:
        """"file", "kafka", "pg"...: for messages."""
        return _lib.jm_sink_name(self._handle()).decode()

    @property
    def wants_records(self) -> bool:
        """Whether the sink reads the decoded record beside the bytes (write() gives it)."""
        return bool(_lib.jm_sink_flags(self._handle()) & _lib.JM_SINK_WANTS_RECORDS)

    def _check(self, rc: int, what: str) -> None:
        if rc < 0:
            raise JobmatchError(rc, "%s sink: %s failed: %s"
                                % (self.name, what, _lib.jm_strerror(rc).decode()))

    def write(self, item: Union[Record, Application, bytes, str], *, kind: Optional[str] = None,
              id: Optional[str] = None, timestamp_ms: Optional[int] = None,
              flags: int = 0) -> None:
        """Writes one message. A Record or an Application is written as its NDJSON line, with
        its kind, id and timestamp for the message's key and time. Bytes (or str) are written
        as they are, a newline added when missing; kind, id and timestamp_ms describe them
        (flags: MSG_HEADER for a CSV header line, MSG_BAD, MSG_LATE, MSG_LINES for several
        whole lines)."""
        rec: Optional[Record] = None
        made_here = False
        if isinstance(item, Application):
            rec, made_here = item.to_record(), True
        elif isinstance(item, Record):
            rec = item
        try:
            if rec is not None:
                data = rec.to_json().encode("utf-8") + b"\n"
                kind = rec.kind if kind is None else kind
                id = rec.id if id is None else id
                if timestamp_ms is None and "timestamp" in rec:
                    timestamp_ms = rec.time_ms("timestamp")
            else:
                data = text(item)  # type: ignore[arg-type]
                if not data.endswith(b"\n"):
                    data += b"\n"
                if self.wants_records and not flags & (MSG_HEADER | MSG_BAD | MSG_LINES):
                    rec, made_here = Record(data), True
            msg = _lib.SinkMsg(struct_size=ctypes.sizeof(_lib.SinkMsg), kind=kind_code(kind),
                               flags=flags, id=None if id is None else text(id), data=data,
                               len=len(data), timestamp_ms=timestamp_ms or 0,
                               record=rec._handle() if rec is not None and self.wants_records
                               else None)
            self._check(_lib.jm_sink_write(self._handle(), byref(msg)), "write")
        finally:
            if made_here and rec is not None:
                rec.close()

    def flush(self) -> None:
        self._check(_lib.jm_sink_flush(self._handle()), "flush")

    def sync(self) -> None:
        """Returns once everything written so far is durable."""
        self._check(_lib.jm_sink_sync(self._handle()), "delivery")

    def _release(self, c) -> None:
        """Flushes, then frees the sink; the flush's failure is raised."""
        name = _lib.jm_sink_name(c).decode()
        rc = _lib.jm_sink_free(c)
        if rc < 0:
            raise JobmatchError(rc, "%s sink: the last flush failed: %s"
                                % (name, _lib.jm_strerror(rc).decode()))
