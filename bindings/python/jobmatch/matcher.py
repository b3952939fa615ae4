"""The streaming join (docs/MATCHING.md, "The streaming join"): records in, applications out."""

import ctypes
import dataclasses
from typing import Callable, Iterable, Iterator, List, Optional

from . import _lib
from ._lib import byref
from .errors import JobmatchError, check, made
from .handles import Handle
from .records import Record, RecordLike
from .scoring import Application, WeightsLike, application_from, now_ms, weights_struct


@dataclasses.dataclass(frozen=True)
class MatcherStats:
    """A matcher's counters: records offered, duplicates skipped, joined pairs scored,
    applications emitted, records evicted from state, records held by kind, and the watermark
    (milliseconds; None before any event)."""

    records: int
    duplicates: int
    pairs_scored: int
    applications: int
    evicted: int
    held_jobs: int
    held_candidates: int
    watermark_ms: Optional[int]
    pairs_skipped: int  # joined pairs passed over unscored under top K: a bound showed they could not rank


class _Base(Handle):
    """What both matchers share: options, adding records, counters, closing."""

    def __init__(self, new, callback, min_score: Optional[int], seed: Optional[int],
                 top_k: Optional[int], state_ttl_ms: Optional[int], lateness_ms: Optional[int],
                 expire_jobs: Optional[bool], weights: WeightsLike,
                 max_future_ms: Optional[int], max_state: Optional[int],
                 threads: Optional[int] = None) -> None:
        o = _lib.MatcherOptions()
        _lib.jm_matcher_options_init(byref(o))
        w = weights_struct(weights)
        if w is not None:
            o.weights = w
        for name, value in (("min_score", min_score), ("seed", seed), ("top_k", top_k),
                            ("state_ttl_ms", state_ttl_ms), ("lateness_ms", lateness_ms),
                            ("max_future_ms", max_future_ms), ("max_state", max_state),
                            ("threads", threads)):
            if value is not None:
                if isinstance(value, bool) or int(value) != value or value < 0:
                    raise ValueError("%s must be a whole number >= 0, not %r" % (name, value))
                setattr(o, name, int(value))
        if expire_jobs is not None:
            o.expire_jobs = 1 if expire_jobs else 0
        self._failure: Optional[BaseException] = None
        self._cb = callback  # kept alive as long as the matcher
        self._c = made(new, byref(o), self._cb, None, what="matcher options")

    def _fail(self, e: BaseException) -> int:
        if self._failure is None:
            self._failure = e
        return _lib.JM_ECALLBACK

    def _add(self, record: RecordLike, time_ms: Optional[int]) -> bool:
        """Offers record; False for a duplicate id. Raises what a callback raised."""
        m = self._handle()
        if isinstance(record, Record):
            ptr = made(_lib.jm_record_clone, record._handle())
        else:
            ptr = Record(record)._take()
        self._failure = None
        # The matcher takes the record whatever it returns (it sets ptr to NULL).
        p = _lib.RecordP(ptr)
        rc = _lib.jm_matcher_add_take(m, byref(p), now_ms() if time_ms is None else time_ms)
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure
        if rc == _lib.JM_EDUP:
            return False
        if rc < 0:
            what = {_lib.JM_EKIND: "a matcher takes job posts and candidates only",
                    _lib.JM_ENOID: "the record has no id",
                    _lib.JM_EVALUE: "its timestamp is further ahead than max_future_ms"}
            raise JobmatchError(rc, what.get(rc))
        return True

    def stats(self) -> MatcherStats:
        """The counters so far."""
        m = self._handle()
        s = _lib.MatcherStats(struct_size=ctypes.sizeof(_lib.MatcherStats))
        check(_lib.jm_matcher_get_stats(m, byref(s)))
        wm = None if s.watermark_ms == _lib.INT64_MIN else s.watermark_ms
        return MatcherStats(s.records, s.duplicates, s.pairs_scored, s.applications, s.evicted,
                            s.held_jobs, s.held_candidates, wm, s.pairs_skipped)

    _what = "matcher"

    def _release(self, c) -> None:
        _lib.jm_matcher_free(c)  # and every record it holds


class Matcher(_Base):
    """The streaming join, giving Applications.

    Options (None: the library's default): min_score (30), seed (0), top_k (0: every
    application), state_ttl_ms (7 days; 0 keeps everything), lateness_ms (2 minutes),
    expire_jobs (False), weights (as score_pair), max_future_ms (0: no bound), max_state (0: no
    bound). add() offers one job post or candidate and returns the applications it made, read
    straight from the library's records (no JSON in between). Use it as a context manager, or
    close(), to free the matcher and the records it holds.
    """

    def __init__(self, min_score: Optional[int] = None, seed: Optional[int] = None,
                 top_k: Optional[int] = None, state_ttl_ms: Optional[int] = None,
                 lateness_ms: Optional[int] = None, expire_jobs: Optional[bool] = None,
                 weights: WeightsLike = None, max_future_ms: Optional[int] = None,
                 max_state: Optional[int] = None) -> None:
        self._out: List[Application] = []
        super().__init__(_lib.jm_matcher_new, _lib.ApplicationFn(self._on_application),
                         min_score, seed, top_k, state_ttl_ms, lateness_ms, expire_jobs,
                         weights, max_future_ms, max_state)

    def _on_application(self, ctx, app) -> int:
        try:
            self._out.append(application_from(app))
            return 0
        except BaseException as e:
            return self._fail(e)

    def add(self, record: RecordLike, time_ms: Optional[int] = None) -> List[Application]:
        """Offers a job post or candidate (a Record, which stays the caller's, a dict or an
        NDJSON line) and returns the applications it made, in output order; [] for a duplicate
        id (counted in stats()).

        time_ms is the clock's reading (default: now, or $SOURCE_DATE_EPOCH): the event time of
        a record without a timestamp before any record with one, and what max_future_ms counts
        from. JobmatchError for an application, a record of no kind, a missing id, or a
        timestamp past max_future_ms."""
        self._out = []
        try:
            self._add(record, time_ms)
            return self._out
        finally:
            self._out = []

    def add_all(self, records: Iterable[RecordLike],
                time_ms: Optional[int] = None) -> List[Application]:
        """add() for each record in turn; all the applications, in order."""
        apps: List[Application] = []
        for r in records:
            apps.extend(self.add(r, time_ms))
        return apps

    def match(self, records: Iterable[RecordLike],
              time_ms: Optional[int] = None) -> Iterator[Application]:
        """The applications of records, lazily, in order."""
        for r in records:
            yield from self.add(r, time_ms)


class NdjsonMatcher(_Base):
    """The streaming join writing its applications itself: add() returns the NDJSON lines
    (bytes, newlines included) jm-match would write. threads 2 scores and writes large scans on
    two threads, with the same bytes. Other options as Matcher's."""

    def __init__(self, min_score: Optional[int] = None, seed: Optional[int] = None,
                 top_k: Optional[int] = None, state_ttl_ms: Optional[int] = None,
                 lateness_ms: Optional[int] = None, expire_jobs: Optional[bool] = None,
                 weights: WeightsLike = None, max_future_ms: Optional[int] = None,
                 max_state: Optional[int] = None, threads: Optional[int] = None,
                 on_ndjson: Optional[Callable[[bytes], None]] = None) -> None:
        self._chunks: List[bytes] = []
        self._sink = on_ndjson
        super().__init__(_lib.jm_matcher_new_ndjson, _lib.NdjsonFn(self._on_ndjson), min_score,
                         seed, top_k, state_ttl_ms, lateness_ms, expire_jobs, weights,
                         max_future_ms, max_state, threads)

    def _on_ndjson(self, ctx, data, n) -> int:
        try:
            chunk = ctypes.string_at(data, n)
            if self._sink is not None:
                self._sink(chunk)
            else:
                self._chunks.append(chunk)
            return 0
        except BaseException as e:
            return self._fail(e)

    def add(self, record: RecordLike, time_ms: Optional[int] = None) -> bytes:
        """Offers a record like Matcher.add(); the NDJSON lines of the applications it made
        (b"" when on_ndjson takes them, or for a duplicate)."""
        self._chunks = []
        try:
            self._add(record, time_ms)
            return b"".join(self._chunks)
        finally:
            self._chunks = []
