#include "tools/options.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/printable.h"

#include "tools/commands.h"

namespace stcsim::cli {

namespace po = boost::program_options;

namespace {

[[noreturn]] void cannot_write(const std::string& path, int error) {
    throw UserError(fmt::format("{}: cannot write: {}", printable(path), std::strerror(error)));
}

// Writes all of `text` to the open descriptor `fd` and closes it; errno of the first failure, or 0.
int write_and_close(int fd, const std::string& text) {
    std::size_t done = 0;
    int error = 0;
    while (done < text.size() && error == 0) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno != EINTR) error = errno;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0 && error == 0) error = errno;
    return error;
}

}  // namespace

void write_text_file(const std::string& path, const std::string& text) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (fs::exists(status) && !fs::is_regular_file(status)) {  // a device or a pipe: no rename possible
        if (fs::is_directory(status)) cannot_write(path, EISDIR);
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) cannot_write(path, errno);
        if (const int error = write_and_close(fd, text)) cannot_write(path, error);
        return;
    }
    std::string temp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) cannot_write(path, errno);
    int error = write_and_close(fd, text);
    if (error == 0 && ::chmod(temp.c_str(), 0644) != 0) error = errno;
    if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
    if (error != 0) {
        ::unlink(temp.c_str());
        cannot_write(path, error);
    }
}

void prepare_output_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UserError(fmt::format("{}: cannot create the output folder: {}", printable(dir), ec.message()));
    if (!fs::is_directory(dir)) throw UserError(fmt::format("{}: the output folder is not a folder", printable(dir)));
    std::string probe = (fs::path(dir) / ".stcsim-write-check.XXXXXX").string();
    const int fd = ::mkstemp(probe.data());
    if (fd < 0)
        throw UserError(fmt::format("{}: cannot write into the output folder: {}", printable(dir), std::strerror(errno)));
    ::close(fd);
    ::unlink(probe.c_str());
}

std::uint64_t checked_count(const std::string& option, std::int64_t value, std::uint64_t max) {
    if (value < 0 || static_cast<std::uint64_t>(value) > max)
        throw UsageError(fmt::format("--{}: expected an integer from 0 to {}, got {}", option, max, value));
    return static_cast<std::uint64_t>(value);
}

std::uint64_t parse_size(const std::string& option, const std::string& text, std::uint64_t max) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    const std::string suffix = text.substr(digits);
    int shift = 0;
    if (suffix == "K" || suffix == "k") shift = 10;
    else if (suffix == "M" || suffix == "m") shift = 20;
    else if (suffix == "G" || suffix == "g") shift = 30;
    else if (!suffix.empty()) digits = 0;  // not a size
    std::uint64_t value = 0;
    bool fits = digits > 0 && digits <= 19;
    if (fits) value = std::stoull(text.substr(0, digits));
    fits = fits && value <= (max >> shift);
    if (!fits)
        throw UsageError(fmt::format("--{}: expected an integer from 0 to {}, optionally with a K, M or G suffix "
                                     "(powers of 1024), got {}",
                                     option, max, printable(text)));
    return value << shift;
}

bool parse_options(const std::vector<std::string>& args, const std::string& usage,
                   po::options_description& options, po::variables_map& values, Streams& io) {
    options.add_options()("help,h", "print this help");
    try {
        po::store(po::command_line_parser(args).options(options).run(), values);
        if (values.count("help")) {
            io.out << usage << "\n\n" << options << '\n';
            return false;
        }
        po::notify(values);
    } catch (const po::error& error) {
        throw UsageError(error.what());
    }
    return true;
}

}  // namespace stcsim::cli
