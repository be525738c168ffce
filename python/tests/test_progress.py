"""The sweep's progress line: its text from a clock, refreshes from its timer, and silence off a terminal."""
import io
import time

from stcsim.progress import ProgressLine, format_line


def test_line_gives_percentage_and_eta_from_the_time_per_point():
    assert format_line(0, 50, 3.0) == "[ 0/50]   0%  ETA --  (3 s)"
    assert format_line(10, 50, 20.0) == "[10/50]  20%  ETA 1:20 min  (20 s)"   # 2 s per point, 40 to go
    assert format_line(50, 50, 100.0) == "[50/50] 100%  ETA 0 s  (1:40 min)"


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_updates_draw_in_place_and_close_ends_the_line():
    stream, clock = io.StringIO(), FakeClock()
    line = ProgressLine(stream, enabled=True, clock=clock, refresh_seconds=3600)
    clock.now += 4
    line.update(1, 4)
    clock.now += 4
    line.update(2, 4)
    line.close()
    text = stream.getvalue()
    assert "\r\x1b[K[1/4]  25%  ETA 12 s  (4 s)" in text
    assert "\r\x1b[K[2/4]  50%  ETA 8 s  (8 s)" in text
    assert text.endswith("\n")


def test_timer_refreshes_while_a_point_runs():
    stream, clock = io.StringIO(), FakeClock()
    line = ProgressLine(stream, enabled=True, clock=clock, refresh_seconds=0.05)
    line.update(1, 2)
    clock.now += 30  # a long point: the elapsed time moves without an update
    time.sleep(0.3)
    line.close()
    assert "(30 s)" in stream.getvalue()


def test_nothing_off_a_terminal():
    stream = io.StringIO()  # isatty() is False
    line = ProgressLine(stream)
    line.update(1, 2)
    line.close()
    assert stream.getvalue() == ""
