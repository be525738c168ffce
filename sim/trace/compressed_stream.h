// Byte streams over trace files that may be compressed.
//
// Input: the format is recognised by the file's first bytes, not its name: gzip (1f 8b), zstd
// (28 b5 2f fd), xz (fd 37 7a 58 5a 00; Accel-Sim's tracer writes .xz) or plain text. Decompression is
// streaming, with fixed-size buffers. LineReader splits the bytes into lines and counts them for
// error messages.
// Output: chosen by the file name: `.gz` gzip, `.zst` zstd, anything else plain text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stcsim::trace {

class InputStream {
public:
    virtual ~InputStream() = default;
    // Reads up to `size` bytes; returns 0 only at the end of the stream. Throws UserError when the
    // compressed data is corrupt or truncated.
    virtual std::size_t read(char* data, std::size_t size) = 0;
};

std::unique_ptr<InputStream> open_input(const std::string& path);

class OutputStream {
public:
    virtual ~OutputStream() = default;
    virtual void write(const char* data, std::size_t size) = 0;
    virtual void close() = 0;  // flushes; further writes are errors
};

std::unique_ptr<OutputStream> open_output(const std::string& path);

// Splits a stream into lines ('\n', with a trailing '\r' removed). A line stays valid until the
// next call. Memory: one buffer of a fixed size, grown only for a line longer than it.
class LineReader {
public:
    LineReader(std::unique_ptr<InputStream> input, std::string name);
    bool next(std::string_view& line);
    std::uint64_t line_number() const { return line_number_; }
    const std::string& name() const { return name_; }

private:
    bool fill();

    std::unique_ptr<InputStream> input_;
    std::string name_;
    std::vector<char> buffer_;
    std::size_t begin_ = 0, end_ = 0;
    bool eof_ = false;
    std::uint64_t line_number_ = 0;
};

}  // namespace stcsim::trace
