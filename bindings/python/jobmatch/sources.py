"""Sources (source.h): records that arrive one whole message at a time, from a plugin's
service (a Kafka topic, a PostgreSQL table)."""

import ctypes
import dataclasses
from typing import Iterator, Optional

from . import _lib
from ._lib import byref
from .errors import JobmatchError
from .handles import Handle
from .records import kind_name


@dataclasses.dataclass(frozen=True)
class SourceMessage:
    """One message: seq (its number in the source, from 1, for commit()), data (one whole
    record's bytes), kind (a hint: the topic's or table's kind, "" when unknown),
    timestamp_ms (0 when none), key (None when none) and origin ("kafka:TOPIC/PART@OFFSET")."""

    seq: int
    data: bytes
    kind: str
    timestamp_ms: int
    key: Optional[bytes]
    origin: str


class Source(Handle):
    """A source made by Plugin.source(...). next(timeout_ms) gives the next message, None when
    none came in time; iterating gives messages until the source ends. commit(seq) marks every
    message up to seq as done: call it only once what they became is durable (Sink.sync())."""

    def __init__(self, handle, owner: object = None) -> None:
        self._c = handle
        self._owner = owner
        self._ended = False

    _what = "source"

    @property
    def name(self) -> str:
        return _lib.jm_source_name(self._handle()).decode()

    def next(self, timeout_ms: int = -1) -> Optional[SourceMessage]:
        """The next message; None when none arrived within timeout_ms (0: do not wait, -1: as
        long as it takes). StopIteration once the source has ended."""
        msg = _lib.SourceMsg(struct_size=ctypes.sizeof(_lib.SourceMsg))
        err = _lib.Error()
        rc = _lib.jm_source_next(self._handle(), timeout_ms, byref(msg), byref(err))
        if rc == _lib.JM_SOURCE_AGAIN:
            return None
        if rc == _lib.JM_SOURCE_END:
            raise StopIteration
        if rc < 0:
            raise JobmatchError._from(err, rc, "%s source" % self.name)
        return SourceMessage(msg.seq, ctypes.string_at(msg.data, msg.len), kind_name(msg.kind),
                             msg.timestamp_ms,
                             ctypes.string_at(msg.key, msg.key_len) if msg.key else None,
                             msg.origin.decode("utf-8", "replace"))

    def __iter__(self) -> Iterator[SourceMessage]:
        while True:
            try:
                m = self.next(-1)
            except StopIteration:
                return
            if m is not None:
                yield m

    def commit(self, seq: int) -> None:
        """Marks messages up to and including seq as done."""
        err = _lib.Error()
        rc = _lib.jm_source_commit(self._handle(), seq, byref(err))
        if rc < 0:
            raise JobmatchError._from(err, rc, "%s source: commit of %d" % (self.name, seq))

    @property
    def delivered(self) -> int:
        """The number of the last message returned; 0 when none."""
        return _lib.jm_source_delivered(self._handle())

    @property
    def committed(self) -> int:
        """The number of the last message committed; 0 when none."""
        return _lib.jm_source_committed(self._handle())

    def _release(self, c) -> None:
        _lib.jm_source_free(c)  # uncommitted messages stay uncommitted
