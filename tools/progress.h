// Progress of a long command on a terminal: one line on stderr, rewritten in place with '\r',
// "<what>  42%  ETA 0:12  elapsed 0:08  <detail>", refreshed every `interval` (0.5 s) by a timer
// thread, so that the line moves at least once a second even when the work reports rarely.
//
// Nothing is printed unless enabled, which by default means stderr is a terminal (isatty): logs,
// pipes and tests see no progress. The work calls update() with its done and total amounts
// (instructions, CTAs, cases: any unit); the percentage is done / total and the ETA assumes the
// rest goes at the average rate so far. update() is cheap and may be called from any thread.
// The line is cleared (ended with a newline) when the Progress is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace stcsim::cli {

// The text of the progress line; pure, for tests. fraction in [0, 1], or negative when unknown.
std::string progress_line(const std::string& what, double fraction, double elapsed_s, const std::string& detail);
// Seconds left at the average rate so far; nullopt before any work is done.
std::optional<double> progress_eta(double fraction, double elapsed_s);
// "0:07", "12:34", "1:02:03".
std::string format_duration(double seconds);

bool stderr_is_terminal();

class Progress {
public:
    Progress(std::ostream& err, std::string what, bool enabled = stderr_is_terminal(),
             std::chrono::milliseconds interval = std::chrono::milliseconds(500));
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void update(double done, double total, std::string detail = {});
    bool enabled() const { return enabled_; }

private:
    void loop();
    void print_locked();

    using Clock = std::chrono::steady_clock;
    std::ostream& err_;
    const std::string what_;
    const bool enabled_;
    const std::chrono::milliseconds interval_;
    const Clock::time_point start_ = Clock::now();
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false, shown_ = false, posted_ = false;
    double done_ = 0, total_ = 0;
    std::string detail_;
    std::size_t last_width_ = 0;
    std::thread thread_;
};

}  // namespace stcsim::cli
