"""The synthetic market generator (gen.h): a deterministic stream of job posts and candidates,
as Records or as the lines jm-gen writes."""

import ctypes
import dataclasses
from typing import Callable, Iterator, List, Optional, Tuple

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made
from .handles import Handle
from .records import Record, TimeLike, kind_code, kind_name, parse_time

FORMATS = {"ndjson": _lib.JM_GEN_NDJSON, "csv": _lib.JM_GEN_CSV,
           "csv-by-kind": _lib.JM_GEN_CSV_BY_KIND}


def _bad_kinds() -> Tuple[str, ...]:
    names = []
    while True:  # the library says "unknown" past the last kind
        name = _lib.jm_gen_bad_name(len(names) + 1).decode()
        if name == "unknown":
            return tuple(names)
        names.append(name)


# The kinds of deliberately bad lines (bad_fraction): "malformed", "wrong_type", ...
BAD_KINDS = _bad_kinds()


@dataclasses.dataclass(frozen=True)
class GenInfo:
    """What one generated line is: its kind ("job_post" or "candidate"; a bad line keeps the kind
    it was made from), bad (None for a good record, else "malformed", "wrong_type", ...),
    late_ms (> 0: its event time was set this far behind the clock), event_ms and id ("" when
    a bad line has none)."""

    kind: str
    bad: Optional[str]
    late_ms: int
    event_ms: int
    id: str

    @classmethod
    def _of(cls, info: _lib.GenInfo) -> "GenInfo":
        return cls(kind_name(info.kind), None if info.bad == 0 else
                   _lib.jm_gen_bad_name(info.bad).decode(), info.late_ms, info.event_ms,
                   info.id.decode())


@dataclasses.dataclass(frozen=True)
class GenLine:
    """One line as jm-gen writes it (newline included) and what it is."""

    data: bytes
    info: GenInfo


@dataclasses.dataclass(frozen=True)
class GenBlock:
    """Lines Generator.run() made together: all their bytes, and with infos=True in run() each
    line's GenLine (else an empty tuple)."""

    data: bytes
    count: int
    lines: Tuple[GenLine, ...]


class Generator(Handle):
    """A generator of a synthetic market: same options, same bytes, on every machine.

    seed (0); start: the simulated clock's first reading (milliseconds, an ISO-8601 text or an
    aware datetime; default 2025-01-01T00:00:00Z); per_day: the pace in records a simulated day
    (400); rate and speed together: a replay, speed times real time at rate records a second;
    late_fraction and bad_fraction in [0, 1); late_min_ms and late_max_ms (5 and 60 minutes);
    format "ndjson", "csv" (a type column, one table) or "csv-by-kind" (the reference export's
    tables); threads 1 or 2 for run(); clock: a callable giving the event time in milliseconds
    of each record (a live market) instead of the simulated clock.

    jm-gen -n N --seed S writes exactly Generator(seed=S).market(N, N) (for runs up to its
    default span of four years at the default pace).
    """

    def __init__(self, seed: int = 0, start: Optional[TimeLike] = None,
                 per_day: Optional[float] = None, rate: float = 0, speed: float = 0,
                 late_fraction: float = 0, bad_fraction: float = 0,
                 late_min_ms: Optional[int] = None, late_max_ms: Optional[int] = None,
                 format: str = "ndjson", threads: int = 1,
                 clock: Optional[Callable[[], int]] = None) -> None:
        if format not in FORMATS:
            raise ValueError("format must be one of %s, not %r" % (", ".join(FORMATS), format))
        o = _lib.GenOptions()
        _lib.jm_gen_options_init(byref(o))
        if isinstance(seed, bool) or int(seed) != seed or seed < 0:
            raise ValueError("seed must be a whole number >= 0, not %r" % (seed,))
        o.seed = int(seed)
        if start is not None:
            o.start_ms = parse_time(start)
        if per_day is not None:
            o.per_day = per_day
        o.rate, o.speed = rate, speed
        o.late_fraction, o.bad_fraction = late_fraction, bad_fraction
        if late_min_ms is not None:
            o.late_min_ms = late_min_ms
        if late_max_ms is not None:
            o.late_max_ms = late_max_ms
        o.format = FORMATS[format]
        o.threads = threads
        self._failure: Optional[BaseException] = None
        self._clock_cb = None
        if clock is not None:
            def on_clock(ctx):
                try:
                    return int(clock())
                except BaseException as e:  # cannot cross C: raised after the call
                    if self._failure is None:
                        self._failure = e
                    return 0
            self._clock_cb = _lib.ClockFn(on_clock)
            o.clock = self._clock_cb
        self.format = format
        self._c = made(_lib.jm_gen_new, byref(o), what="generator options")

    def _raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    @staticmethod
    def _kind(kind: str) -> int:
        k = kind_code(kind)
        if k not in (_lib.JM_KIND_JOB_POST, _lib.JM_KIND_CANDIDATE):
            raise ValueError("a generator makes job_post and candidate records, not %r"
                             % (kind,))
        return k

    def next(self, kind: str) -> Record:
        """The next record of kind ("job_post" or "candidate"): every field of its kind, a
        UUID id. Late records come with their timestamp set back; bad lines are never made
        here."""
        rec = Record(kind=kind)
        rc = _lib.jm_gen_next(self._handle(), self._kind(kind), rec._ptr)
        self._raise_failure()
        check(rc)
        return rec

    def emit(self, kind: str) -> GenLine:
        """The next line for a record of kind in the configured format, newline included; with
        bad_fraction it may be a bad line (its info.bad says so), which does not use up the
        record."""
        buf = _lib.Buf()
        info = _lib.GenInfo(struct_size=ctypes.sizeof(_lib.GenInfo))
        rc = _lib.jm_gen_emit(self._handle(), self._kind(kind), byref(buf), byref(info))
        data = buf.take()
        self._raise_failure()
        check(rc)
        return GenLine(data, GenInfo._of(info))

    def last_record(self) -> Record:
        """The record of the last good line emit() wrote."""
        rec = Record(kind="job_post")
        rc = _lib.jm_gen_last_record(self._handle(), rec._ptr)
        if rc < 0:
            rec.close()
            raise JobmatchError(rc, "no good line has been emitted yet")
        return rec

    def csv_header(self, kind: str = "job_post") -> bytes:
        """The CSV header line of the configured format (for "csv-by-kind", the table of
        kind)."""
        buf = _lib.Buf()
        rc = _lib.jm_gen_csv_header(self._handle(), self._kind(kind), byref(buf))
        data = buf.take()
        if rc < 0:
            raise JobmatchError(rc, "an %s generator writes no CSV header" % self.format)
        return data

    @property
    def clock_ms(self) -> int:
        """The simulated clock: the event time of the last record generated, late ones aside."""
        return _lib.jm_gen_clock(self._handle())

    def run(self, candidates: Optional[int], jobs: Optional[int],
            on_block: Callable[[GenBlock], Optional[bool]], infos: bool = False) -> None:
        """Generates candidates candidates and jobs job posts (None: no end), a candidate then a
        job while both last, bad lines on top, on up to `threads` threads, and gives each
        block of lines to on_block in order. on_block returning False stops the run."""
        stop: List[bool] = []

        def on_c_block(ctx, block):
            try:
                n = ctypes.c_size_t()
                data = _lib.jm_gen_block_data(block, byref(n))
                count = _lib.jm_gen_block_lines(block)
                lines: Tuple[GenLine, ...] = ()
                if infos:
                    got = []
                    info = _lib.GenInfo(struct_size=ctypes.sizeof(_lib.GenInfo))
                    ln = ctypes.c_size_t()
                    for i in range(count):
                        p = _lib.jm_gen_block_line(block, i, byref(ln), byref(info))
                        got.append(GenLine(ctypes.string_at(p, ln.value), GenInfo._of(info)))
                    lines = tuple(got)
                if on_block(GenBlock(ctypes.string_at(data, n.value), count, lines)) is False:
                    stop.append(True)
                    return 1
                return 0
            except BaseException as e:
                if self._failure is None:
                    self._failure = e
                return 1

        cb = _lib.GenBlockFn(on_c_block)
        nc = _lib.JM_GEN_ENDLESS if candidates is None else candidates
        nj = _lib.JM_GEN_ENDLESS if jobs is None else jobs
        rc = _lib.jm_gen_run(self._handle(), nc, nj, cb, None)
        self._raise_failure()
        if rc != 0 and not stop:
            check(rc)

    def market(self, candidates: int, jobs: int) -> bytes:
        """The lines of a finite run() at once: with a CSV format, after its header line (both
        tables' for "csv-by-kind" are not one stream: use run() there)."""
        if self.format == "csv-by-kind":
            raise ValueError("a csv-by-kind market is two tables; use run() and split by kind")
        parts = [self.csv_header()] if self.format == "csv" else []

        def keep(block: GenBlock) -> None:
            parts.append(block.data)
        self.run(candidates, jobs, keep)
        return b"".join(parts)

    def lines(self, candidates: Optional[int], jobs: Optional[int]) -> Iterator[GenLine]:
        """The same lines as run(), lazily, one emit() at a time."""
        left_c = -1 if candidates is None else candidates
        left_j = -1 if jobs is None else jobs
        cand_turn = True
        while left_c or left_j:
            kind = "candidate" if left_c and (cand_turn or not left_j) else "job_post"
            line = self.emit(kind)
            yield line
            if line.info.bad is None:
                if kind == "candidate":
                    left_c -= 1 if left_c > 0 else 0
                else:
                    left_j -= 1 if left_j > 0 else 0
                cand_turn = not cand_turn

    def records(self, candidates: int, jobs: int) -> Iterator[Record]:
        """candidates candidates and jobs job posts as Records, in run() order (bad lines are
        not made here)."""
        cand_turn = True
        while candidates or jobs:
            if candidates and (cand_turn or not jobs):
                yield self.next("candidate")
                candidates -= 1
            else:
                yield self.next("job_post")
                jobs -= 1
            cand_turn = not cand_turn

    _what = "generator"

    def _release(self, c) -> None:
        _lib.jm_gen_free(c)
