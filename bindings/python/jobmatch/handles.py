"""Handle: what every Python object that owns one C object shares (closing, with blocks)."""

from typing import Any, Optional


class Handle:
    """Owns one C object, in _c: close() frees it once (_release), and so do the end of a with
    block and collection. Using it after close() is a ValueError naming what was closed."""

    _c: Any = None
    _what = "object"

    def _handle(self) -> Any:
        if not self._c:
            raise ValueError("the %s is closed" % self._what)
        return self._c

    def _release(self, c: Any) -> Optional[int]:
        raise NotImplementedError

    def close(self) -> None:
        """Frees the C object now (it is also freed when collected)."""
        c, self._c = self._c, None
        if c:
            self._release(c)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown, or a failure nobody can be told of
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
