"""JobmatchError: every failure libjobmatch reports, with its code, name and message."""

from typing import Optional

from . import _lib


class JobmatchError(Exception):
    """A libjobmatch error.

    code is the library's negative JM_E... value and name its name ("JM_ESYNTAX"); reason says
    what is wrong (the library's own text, or jm_strerror()'s when it gave none); source, line
    and column say where, when known. str() gives "source:line: reason (JM_E...)".
    """

    code: int
    name: str
    reason: str
    source: Optional[str]
    line: int
    column: int

    def __init__(self, code: int, reason: Optional[str] = None, source: Optional[str] = None,
                 line: int = 0, column: int = 0) -> None:
        self.code = code
        self.name = _lib.jm_err_name(code).decode()
        self.reason = reason or _lib.jm_strerror(code).decode()
        self.source, self.line, self.column = source or None, line, column
        where = ""
        if self.source:
            where = "%s:%d: " % (self.source, line) if line else "%s: " % self.source
        super().__init__("%s%s (%s)" % (where, self.reason, self.name))

    @classmethod
    def _from(cls, err: "_lib.Error", code: Optional[int] = None,
              context: Optional[str] = None) -> "JobmatchError":
        """The error a filled jm_error describes; context, when given, goes before its text."""
        text = _lib.error_text(err)
        if context:
            text = "%s: %s" % (context, text) if text else context
        return cls(code if code is not None else err.code, text or None,
                   err.source.decode("utf-8", "replace"), err.line, err.column)


def check(rc: int, what: Optional[str] = None) -> int:
    """rc when it is not an error; else raises it (MemoryError for JM_ENOMEM)."""
    if rc < 0:
        if rc == _lib.JM_ENOMEM:
            raise MemoryError("libjobmatch: out of memory")
        if what:
            raise JobmatchError(rc, "%s: %s" % (what, _lib.jm_strerror(rc).decode()))
        raise JobmatchError(rc)
    return rc


def made(make, *args, what: Optional[str] = None):
    """Calls a constructor that takes a trailing jm_error *; raises what it says on failure."""
    err = _lib.Error()
    p = make(*args, _lib.byref(err))
    if not p:
        if err.code == _lib.JM_ENOMEM:
            raise MemoryError("libjobmatch: out of memory")
        raise JobmatchError._from(err, err.code or _lib.JM_EINVAL, what)
    return p
