#include "tools/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ostream>

#include <fmt/format.h>

namespace stcsim::cli {

std::string format_duration(double seconds) {
    const auto s = static_cast<long long>(std::max(0.0, std::round(seconds)));
    if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::optional<double> progress_eta(double fraction, double elapsed_s) {
    if (!(fraction > 0) || fraction > 1) return std::nullopt;
    return elapsed_s * (1 - fraction) / fraction;
}

std::string progress_line(const std::string& what, double fraction, double elapsed_s, const std::string& detail) {
    std::string line = what;
    if (fraction >= 0) {
        line += fmt::format("  {:3.0f}%", std::floor(std::min(fraction, 1.0) * 100));
        const auto eta = progress_eta(fraction, elapsed_s);
        line += "  ETA " + (eta ? format_duration(*eta) : std::string("?"));
    }
    line += "  elapsed " + format_duration(elapsed_s);
    if (!detail.empty()) line += "  " + detail;
    return line;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::ostream& err, std::string what, bool enabled, std::chrono::milliseconds interval)
    : err_(err), what_(std::move(what)), enabled_(enabled), interval_(interval) {
    if (enabled_) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() {
    if (!enabled_) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (shown_) err_ << '\n' << std::flush;
}

void Progress::update(double done, double total, std::string detail) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    done_ = done;
    total_ = total;
    detail_ = std::move(detail);
    posted_ = true;
}

void Progress::loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stop_; })) print_locked();
}

void Progress::print_locked() {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double fraction = posted_ && total_ > 0 ? done_ / total_ : -1;
    std::string line = progress_line(what_, fraction, elapsed, detail_);
    const std::size_t width = line.size();
    if (width < last_width_) line.append(last_width_ - width, ' ');  // erase the tail of a longer line
    last_width_ = width;
    err_ << '\r' << line << std::flush;
    shown_ = true;
}

}  // namespace stcsim::cli
