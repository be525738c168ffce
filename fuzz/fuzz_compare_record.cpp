// Fuzz target: the record reader of `stcsim compare`: each line of a timing-record file becomes
// its comparison rows (every field read and range-checked) as a measurement folder's records do.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "tools/compare_rows.h"
#include "tools/measurements.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stcsim;
    std::string_view text = fuzz::as_text(data, size);
    for (int line = 1; !text.empty(); ++line) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        const std::string_view one = text.substr(0, end);
        text.remove_prefix(std::min(end + 1, text.size()));
        if (one.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        fuzz::refuse_or_accept([&] { cli::timing_rows(cli::parse_record_line(one, "fuzz.jsonl:" + std::to_string(line))); });
    }
    return 0;
}
