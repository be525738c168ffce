#include "sim/config/gpu_schema.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <fstream>
#include <sstream>

#include "common/errors.h"

namespace stcsim::sim::config {
namespace {

const std::string kConfigs = std::string(STCSIM_SOURCE_DIR) + "/configs/";

Json raw(const std::string& name) {
    std::ifstream in(kConfigs + name);
    return Json::parse(in);
}

std::string error_of(const Json& j, const std::vector<std::string>& overrides = {}) {
    try {
        load_config_json(j, "test.json", overrides);
    } catch (const UserError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Config, ShippedConfigsLoad) {
    for (const char* name : {"a100.json", "rtx3090.json", "h100-sxm.json", "h200.json"}) {
        const LoadedConfig c = load_config_file(kConfigs + name);
        EXPECT_EQ(c.spec.sm.sub_partitions, 4) << name;
        EXPECT_FALSE(c.spec.sm.tensor_core.latencies.empty()) << name;
        for (const auto& l : c.spec.sm.tensor_core.latencies) EXPECT_FALSE(l.source.empty()) << name;
        for (const auto& r : c.spec.sm.tensor_core.rates) EXPECT_FALSE(r.source.empty()) << name;
        // The resolved config is itself a valid config that resolves to the same thing.
        EXPECT_EQ(load_config_json(c.resolved, "resolved").resolved, c.resolved) << name;
    }
}

// A variant names its base and states what differs; the rest is the base's, lists replaced whole.
TEST(Config, AVariantTakesItsBaseAndLaysItsKeysOverIt) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("stcsim_base_{}", ::getpid());
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "slow.json") << R"({"base": "h100-sxm", "gpu": {"clock_mhz": 1000},
        "sm": {"pipelines": [{"name": "alu", "opcodes": "IADD3", "latency": 9, "interval": 2}]}})";
    std::ofstream(dir / "fewer.json") << R"({"base": "slow.json", "gpu": {"sms": 66}})";
    const LoadedConfig base = load_config_file(kConfigs + "h100-sxm.json");
    const LoadedConfig variant = load_config_file((dir / "fewer.json").string());
    EXPECT_EQ(variant.spec.gpu.clock_mhz, 1000);
    EXPECT_EQ(variant.spec.gpu.sms, 66);
    EXPECT_EQ(variant.spec.gpu.name, base.spec.gpu.name);
    EXPECT_EQ(variant.spec.memory.l1.hit_latency, base.spec.memory.l1.hit_latency);
    ASSERT_EQ(variant.spec.sm.pipelines.size(), 1u);
    EXPECT_EQ(variant.spec.sm.pipelines[0].latency, 9);
    Json changed = variant.resolved;
    changed["gpu"]["clock_mhz"] = base.resolved["gpu"]["clock_mhz"];
    changed["gpu"]["sms"] = base.resolved["gpu"]["sms"];
    changed["sm"]["pipelines"] = base.resolved["sm"]["pipelines"];
    EXPECT_EQ(changed, base.resolved);

    std::ofstream(dir / "a.json") << R"({"base": "b.json"})";
    std::ofstream(dir / "b.json") << R"({"base": "./a.json"})";
    const auto error = [](const std::string& path) {
        try {
            load_config_file(path);
        } catch (const UserError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error((dir / "a.json").string()).find("key 'base': " + (dir / "a.json").string() + " is already on this config's chain"),
              std::string::npos) << error((dir / "a.json").string());
    std::filesystem::remove_all(dir);
    EXPECT_NE(error_of(Json::parse(R"({"base": 3})")).find("test.json: key 'base': expected the name or path of the config"),
              std::string::npos);
    EXPECT_NE(error_of(Json::parse(R"({"base": "no-such-gpu"})")).find("test.json: key 'base': "), std::string::npos);
}

TEST(Config, UnknownKeyNamesFileAndPath) {
    Json j = raw("a100.json");
    j["sm"]["tensor_core"]["dot_product_lanes"] = 3;
    EXPECT_EQ(error_of(j).rfind("test.json: sm.tensor_core.dot_product_lanes: unknown key", 0), 0u) << error_of(j);
}

TEST(Config, WrongTypeNamesFileAndPath) {
    Json j = raw("a100.json");
    j["sm"]["register_file"]["banks"] = "two";
    EXPECT_EQ(error_of(j), "test.json: sm.register_file.banks: expected integer, got string");
    j = raw("a100.json");
    j["sm"]["tensor_core"]["latencies"][1]["cycles"] = 1.5;
    EXPECT_EQ(error_of(j), "test.json: sm.tensor_core.latencies.1.cycles: expected integer, got number");
}

TEST(Config, MissingKeyNamesFileAndPath) {
    Json j = raw("a100.json");
    j["sm"]["tensor_core"].erase("dot_product_width");
    EXPECT_EQ(error_of(j), "test.json: sm.tensor_core.dot_product_width: missing required key (expected integer, products/cycle)");
}

TEST(Config, ChoicesAndMinimumsAreChecked) {
    Json j = raw("a100.json");
    j["sm"]["scheduler"]["policy"] = "random";
    EXPECT_EQ(error_of(j), "test.json: sm.scheduler.policy: expected one of gto, lrr, got \"random\"");
    j = raw("a100.json");
    j["sm"]["tensor_core"]["dot_product_units"] = 0;
    EXPECT_NE(error_of(j).find("sm.tensor_core.dot_product_units: expected an integer from 1 to 1024, got 0"), std::string::npos);
}

TEST(Config, DefaultsAreFilledIn) {
    Json j = raw("a100.json");
    j.erase("engine");
    j["sm"].erase("scheduler");
    const LoadedConfig c = load_config_json(j, "test.json");
    EXPECT_EQ(c.spec.sm.scheduler.policy, "gto");
    EXPECT_EQ(c.spec.engine.watchdog_cycles, 100000u);
    EXPECT_EQ(c.resolved["engine"]["watchdog_cycles"], 100000);
}

TEST(Config, OverridesSetKeysAndAreValidated) {
    const Json j = raw("a100.json");
    const LoadedConfig c = load_config_json(j, "test.json", {"sm.scheduler.policy=lrr", "sm.tensor_core.latencies.0.cycles=30"});
    EXPECT_EQ(c.spec.sm.scheduler.policy, "lrr");
    EXPECT_EQ(c.spec.sm.tensor_core.latencies[0].cycles, 30);
    EXPECT_EQ(c.resolved["sm"]["tensor_core"]["latencies"][0]["cycles"], 30);
    EXPECT_EQ(error_of(j, {"sm.tensor_core.speed=3"}), "test.json: sm.tensor_core.speed: -p: unknown key");
    EXPECT_EQ(error_of(j, {"sm.register_file.banks=many"}), "test.json: sm.register_file.banks: expected integer, got string");
    EXPECT_EQ(error_of(j, {"sm.tensor_core.latencies.9.cycles=3"}), "test.json: sm.tensor_core.latencies.9: -p: no such list element");
}

// Integers beyond the range of the field that holds them are refused, never wrapped or truncated.
TEST(Config, IntegersOutsideTheirRangeAreRefusedNotWrapped) {
    const Json j = raw("a100.json");
    for (const char* assignment :
         {"memory.l1.ways=4294967296", "memory.l2.ways=4294967296", "memory.l2.partitions=4294967296",
          "memory.dram.channels=4294967296", "sm.sub_partitions=4294967295", "gpu.sms=4294967297",
          "memory.l1.hit_latency=4294967303", "engine.watchdog_cycles=18446744073709551615", "sm.pipelines.0.latency=65540",
          "sm.sub_partitions=2147483647", "sm.tensor_core.dot_product_width=2147483647",
          "sm.register_file.reads_per_bank_per_cycle=2147483647", "memory.shared.wavefront_cycles=2147483647",
          "memory.l2.size_bytes=9223372036854775808", "gpu.sms=-1"}) {
        const std::string key = std::string(assignment).substr(0, std::string(assignment).find('='));
        EXPECT_NE(error_of(j, {assignment}).find("test.json: " + key + ": expected an integer from "), std::string::npos)
            << assignment << ": " << error_of(j, {assignment});
    }
    // In range, a large value is kept exactly.
    EXPECT_EQ(load_config_json(j, "test.json", {"engine.watchdog_cycles=4294967297"}).spec.engine.watchdog_cycles, 4294967297u);
    EXPECT_EQ(load_config_json(j, "test.json", {"memory.dram.latency=100000000"}).spec.memory.dram.latency, 100000000);
}

TEST(Config, TextThatIsNotUtf8IsRefused) {
    // It could not be written into the resolved config.json or the stats.
    EXPECT_NE(error_of(raw("a100.json"), {"gpu.name=A\xff\xfe"}).find("test.json: gpu.name: expected UTF-8 text, got \"A\\xff\\xfe\""),
              std::string::npos)
        << error_of(raw("a100.json"), {"gpu.name=A\xff\xfe"});
}

TEST(Config, MoreWarpsThanTheSubPartitionsScheduleAreRefused) {
    EXPECT_NE(error_of(raw("a100.json"), {"sm.max_warps=257"}).find("sm.max_warps: 257 warps need more than 4 sub-partitions"),
              std::string::npos);
}

TEST(Config, BankWidthMustBeAPowerOfTwo) {
    EXPECT_NE(error_of(raw("a100.json"), {"memory.shared.bank_width_bytes=3"}).find("memory.shared.bank_width_bytes: expected a power of two"),
              std::string::npos);
}

TEST(Config, AHugeListIndexInAnOverrideIsAnError) {
    EXPECT_NE(error_of(raw("a100.json"), {"sm.tensor_core.latencies.99999999999999999999999.cycles=1"}).find("expected a list index"),
              std::string::npos);
    EXPECT_NE(error_of(raw("a100.json"), {"sm.tensor_core.latencies.999999999.cycles=1"}).find("no such list element"),
              std::string::npos);
}

TEST(Config, ReferencePageListsEveryKey) {
    const std::string page = reference_markdown(gpu_schema().info());
    for (const char* key : {"`gpu.arch`", "`sm.scheduler.policy`", "`sm.register_file.banks`",
                            "`sm.tensor_core.dot_product_units`", "`sm.tensor_core.latencies[].cycles`",
                            "`sm.tensor_core.rates[].factor`", "`engine.watchdog_cycles`"})
        EXPECT_NE(page.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace stcsim::sim::config
