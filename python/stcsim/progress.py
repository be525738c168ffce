"""The progress line of `stcsim sweep` on a terminal: percentage, ETA and the points done, one
line rewritten in place at least once a second (a timer thread refreshes it while a long point
runs); nothing at all when stderr is not a terminal, as for the command line's other commands."""

import sys
import threading
import time


def format_line(done, total, elapsed):
    """'[ 12/50]  24%  ETA 38 s  (12 s)': the ETA from the mean time per finished point."""
    percent = 100 * done // total if total else 100
    eta = "ETA {}".format(_duration(elapsed / done * (total - done))) if done else "ETA --"
    return "[{:>{w}}/{}] {:>3}%  {}  ({})".format(done, total, percent, eta, _duration(elapsed), w=len(str(total)))


def _duration(seconds):
    seconds = int(round(seconds))
    if seconds < 60:
        return "{} s".format(seconds)
    if seconds < 3600:
        return "{}:{:02d} min".format(seconds // 60, seconds % 60)
    return "{}:{:02d} h".format(seconds // 3600, seconds % 3600 // 60)


class ProgressLine:
    """update(done, total) after each point; close() at the end. enabled=None: stderr is a terminal."""

    def __init__(self, stream=None, enabled=None, clock=time.monotonic, refresh_seconds=0.5):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.clock, self.start = clock, clock()
        self.done, self.total = 0, 0
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._timer = None
        if self.enabled:
            self._timer = threading.Thread(target=self._refresh_loop, args=(refresh_seconds,), daemon=True)
            self._timer.start()

    def update(self, done, total):
        with self._lock:
            self.done, self.total = done, total
        self._draw()

    def close(self):
        self._stop.set()
        if self._timer:
            self._timer.join()
        if self.enabled and self.total:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()

    def _refresh_loop(self, seconds):
        while not self._stop.wait(seconds):
            self._draw()

    def _draw(self):
        if not self.enabled or self.total == 0:
            return
        with self._lock:
            line = format_line(self.done, self.total, self.clock() - self.start)
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
