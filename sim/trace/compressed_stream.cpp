#include "sim/trace/compressed_stream.h"

#include <fmt/format.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/errors.h"

namespace stcsim::trace {
namespace {

constexpr std::size_t kChunk = 1 << 16;

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr open_file(const std::string& path, const char* mode) {
    FilePtr file(std::fopen(path.c_str(), mode));
    if (!file) throw UserError(fmt::format("{}: cannot open ({})", path, std::strerror(errno)));
    return file;
}

// Raw bytes of a file, with the first bytes that were peeked at to recognise the format.
class RawFile {
public:
    RawFile(FilePtr file, std::string path) : file_(std::move(file)), path_(std::move(path)) {
        peeked_ = std::fread(head_.data(), 1, head_.size(), file_.get());
    }
    std::size_t read(char* data, std::size_t size) {
        std::size_t n = 0;
        while (pos_ < peeked_ && n < size) data[n++] = static_cast<char>(head_[pos_++]);
        if (n < size) n += std::fread(data + n, 1, size - n, file_.get());
        if (n == 0 && std::ferror(file_.get())) throw UserError(fmt::format("{}: read error", path_));
        return n;
    }
    bool starts_with(std::initializer_list<unsigned char> magic) const {
        if (peeked_ < magic.size()) return false;
        return std::equal(magic.begin(), magic.end(), head_.begin());
    }
    const std::string& path() const { return path_; }

private:
    FilePtr file_;
    std::string path_;
    std::array<unsigned char, 6> head_{};
    std::size_t peeked_ = 0, pos_ = 0;
};

class PlainInput : public InputStream {
public:
    explicit PlainInput(RawFile raw) : raw_(std::move(raw)) {}
    std::size_t read(char* data, std::size_t size) override { return raw_.read(data, size); }

private:
    RawFile raw_;
};

class GzipInput : public InputStream {
public:
    explicit GzipInput(RawFile raw) : raw_(std::move(raw)), in_(kChunk) {
        if (inflateInit2(&z_, 15 + 32) != Z_OK) throw InternalError("zlib inflateInit2 failed");
    }
    ~GzipInput() override { inflateEnd(&z_); }
    std::size_t read(char* data, std::size_t size) override {
        z_.next_out = reinterpret_cast<Bytef*>(data);
        z_.avail_out = static_cast<uInt>(size);
        while (z_.avail_out == size) {
            if (z_.avail_in == 0) {
                z_.avail_in = static_cast<uInt>(raw_.read(in_.data(), in_.size()));
                z_.next_in = reinterpret_cast<Bytef*>(in_.data());
                if (z_.avail_in == 0) {
                    if (!finished_) throw UserError(fmt::format("{}: truncated gzip data", raw_.path()));
                    break;
                }
            }
            if (finished_) {  // a further gzip member follows (concatenated .gz files)
                inflateReset(&z_);
                finished_ = false;
            }
            const int status = inflate(&z_, Z_NO_FLUSH);
            if (status == Z_STREAM_END) finished_ = true;
            else if (status != Z_OK && status != Z_BUF_ERROR)
                throw UserError(fmt::format("{}: corrupt gzip data ({})", raw_.path(), z_.msg ? z_.msg : "?"));
        }
        return size - z_.avail_out;
    }

private:
    RawFile raw_;
    std::vector<char> in_;
    z_stream z_{};
    bool finished_ = false;
};

class ZstdInput : public InputStream {
public:
    explicit ZstdInput(RawFile raw) : raw_(std::move(raw)), in_(ZSTD_DStreamInSize()), ctx_(ZSTD_createDCtx()) {}
    ~ZstdInput() override { ZSTD_freeDCtx(ctx_); }
    std::size_t read(char* data, std::size_t size) override {
        ZSTD_outBuffer out{data, size, 0};
        while (out.pos == 0) {
            if (input_.pos == input_.size) {
                input_ = {in_.data(), raw_.read(in_.data(), in_.size()), 0};
                if (input_.size == 0) {
                    if (!frame_done_) throw UserError(fmt::format("{}: truncated zstd data", raw_.path()));
                    break;
                }
            }
            const std::size_t status = ZSTD_decompressStream(ctx_, &out, &input_);
            if (ZSTD_isError(status))
                throw UserError(fmt::format("{}: corrupt zstd data ({})", raw_.path(), ZSTD_getErrorName(status)));
            frame_done_ = status == 0;
        }
        return out.pos;
    }

private:
    RawFile raw_;
    std::vector<char> in_;
    ZSTD_DCtx* ctx_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    bool frame_done_ = true;
};

class XzInput : public InputStream {
public:
    explicit XzInput(RawFile raw) : raw_(std::move(raw)), in_(kChunk) {
        if (lzma_stream_decoder(&z_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            throw InternalError("lzma_stream_decoder failed");
    }
    ~XzInput() override { lzma_end(&z_); }
    std::size_t read(char* data, std::size_t size) override {
        z_.next_out = reinterpret_cast<std::uint8_t*>(data);
        z_.avail_out = size;
        while (z_.avail_out == size && !ended_) {
            lzma_action action = LZMA_RUN;
            if (z_.avail_in == 0) {
                z_.avail_in = raw_.read(in_.data(), in_.size());
                z_.next_in = reinterpret_cast<const std::uint8_t*>(in_.data());
                if (z_.avail_in == 0) action = LZMA_FINISH;
            }
            const lzma_ret status = lzma_code(&z_, action);
            if (status == LZMA_STREAM_END) ended_ = true;
            else if (status != LZMA_OK)
                throw UserError(fmt::format("{}: corrupt or truncated xz data (liblzma error {})", raw_.path(),
                                            static_cast<int>(status)));
        }
        return size - z_.avail_out;
    }

private:
    RawFile raw_;
    std::vector<char> in_;
    lzma_stream z_ = LZMA_STREAM_INIT;
    bool ended_ = false;
};

bool ends_with(const std::string& text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class PlainOutput : public OutputStream {
public:
    explicit PlainOutput(const std::string& path) : file_(open_file(path, "wb")), path_(path) {}
    void write(const char* data, std::size_t size) override {
        if (std::fwrite(data, 1, size, file_.get()) != size)
            throw UserError(fmt::format("{}: write error ({})", path_, std::strerror(errno)));
    }
    void close() override {
        if (file_ && std::fclose(file_.release()) != 0) throw UserError(fmt::format("{}: write error", path_));
    }

protected:
    FilePtr file_;
    std::string path_;
};

class GzipOutput : public PlainOutput {
public:
    explicit GzipOutput(const std::string& path) : PlainOutput(path), out_(kChunk) {
        if (deflateInit2(&z_, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw InternalError("zlib deflateInit2 failed");
    }
    ~GzipOutput() override { deflateEnd(&z_); }
    void write(const char* data, std::size_t size) override {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
        z_.avail_in = static_cast<uInt>(size);
        pump(Z_NO_FLUSH);
    }
    void close() override {
        if (!file_) return;
        pump(Z_FINISH);
        PlainOutput::close();
    }

private:
    void pump(int flush) {
        do {
            z_.next_out = reinterpret_cast<Bytef*>(out_.data());
            z_.avail_out = static_cast<uInt>(out_.size());
            deflate(&z_, flush);
            PlainOutput::write(out_.data(), out_.size() - z_.avail_out);
        } while (z_.avail_out == 0 || (flush == Z_FINISH && z_.avail_in > 0));
    }
    std::vector<char> out_;
    z_stream z_{};
};

class ZstdOutput : public PlainOutput {
public:
    explicit ZstdOutput(const std::string& path) : PlainOutput(path), out_(ZSTD_CStreamOutSize()), ctx_(ZSTD_createCCtx()) {
        ZSTD_CCtx_setParameter(ctx_, ZSTD_c_compressionLevel, 3);
    }
    ~ZstdOutput() override { ZSTD_freeCCtx(ctx_); }
    void write(const char* data, std::size_t size) override {
        ZSTD_inBuffer in{data, size, 0};
        while (in.pos < in.size) pump(in, ZSTD_e_continue);
    }
    void close() override {
        if (!file_) return;
        ZSTD_inBuffer in{nullptr, 0, 0};
        while (pump(in, ZSTD_e_end) != 0) {}
        PlainOutput::close();
    }

private:
    std::size_t pump(ZSTD_inBuffer& in, ZSTD_EndDirective mode) {
        ZSTD_outBuffer out{out_.data(), out_.size(), 0};
        const std::size_t remaining = ZSTD_compressStream2(ctx_, &out, &in, mode);
        if (ZSTD_isError(remaining)) throw InternalError(ZSTD_getErrorName(remaining));
        PlainOutput::write(out_.data(), out.pos);
        return remaining;
    }
    std::vector<char> out_;
    ZSTD_CCtx* ctx_;
};

}  // namespace

std::unique_ptr<InputStream> open_input(const std::string& path) {
    RawFile raw(open_file(path, "rb"), path);
    if (raw.starts_with({0x1f, 0x8b})) return std::make_unique<GzipInput>(std::move(raw));
    if (raw.starts_with({0x28, 0xb5, 0x2f, 0xfd})) return std::make_unique<ZstdInput>(std::move(raw));
    if (raw.starts_with({0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00})) return std::make_unique<XzInput>(std::move(raw));
    return std::make_unique<PlainInput>(std::move(raw));
}

std::unique_ptr<OutputStream> open_output(const std::string& path) {
    if (ends_with(path, ".gz")) return std::make_unique<GzipOutput>(path);
    if (ends_with(path, ".zst")) return std::make_unique<ZstdOutput>(path);
    return std::make_unique<PlainOutput>(path);
}

LineReader::LineReader(std::unique_ptr<InputStream> input, std::string name)
    : input_(std::move(input)), name_(std::move(name)), buffer_(kChunk) {}

bool LineReader::fill() {
    if (eof_) return false;
    if (begin_ > 0) {  // keep the unfinished line, move it to the front
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
    const std::size_t n = input_->read(buffer_.data() + end_, buffer_.size() - end_);
    if (n == 0) eof_ = true;
    end_ += n;
    return n > 0;
}

bool LineReader::next(std::string_view& line) {
    std::size_t scanned = begin_;
    for (;;) {
        const void* found = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
        if (found != nullptr) {
            const auto newline = static_cast<std::size_t>(static_cast<const char*>(found) - buffer_.data());
            std::size_t stop = newline;
            if (stop > begin_ && buffer_[stop - 1] == '\r') --stop;
            line = std::string_view(buffer_.data() + begin_, stop - begin_);
            begin_ = newline + 1;
            ++line_number_;
            return true;
        }
        const std::size_t kept = end_ - begin_;
        if (!fill()) {
            if (begin_ == end_) return false;
            line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // last line without '\n'
            begin_ = end_;
            ++line_number_;
            return true;
        }
        scanned = begin_ + kept;
    }
}

}  // namespace stcsim::trace
