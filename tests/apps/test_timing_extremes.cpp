// Extreme but valid timing values over every shipped scenario: zero guest
// costs, no firmware time, very fast and very slow engine and bus clocks. A
// scenario's outcome must not depend on them: each ends as it declares (its
// description says "(deadlock expected)" for the two that stall on purpose,
// exit 3; every other one completes, exit 0). A lost wakeup or a race in the
// device shows here as a false deadlock or a problem (exit 3 or 6).
#define BOOST_TEST_MODULE timing_extremes
#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "tests/support/vvsim_command.h"

namespace {

using vvsim::test::kSrc;
using vvsim::test::run_vvsim;
using vvsim::test::scratch;

int declared_exit_status(const std::string& path) {
  const auto description = YAML::LoadFile(path)["description"].as<std::string>("");
  return description.find("(deadlock expected)") != std::string::npos ? 3 : 0;
}

void every_scenario_ends_as_declared(const std::string& name, const std::string& settings) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSrc + "/scenarios"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  BOOST_REQUIRE_GE(files.size(), 10u);
  size_t deadlocks_declared = 0;
  for (const auto& file : files) {
    const int expected = declared_exit_status(file);
    deadlocks_declared += expected == 3;
    const std::string tag = name + "_" + std::filesystem::path(file).stem().string();
    const auto r = run_vvsim("run " + file + " --quiet " + settings + " --out " + scratch(tag), tag);
    BOOST_TEST(r.status == expected, file << " with" << settings << ": exit " << r.status << ", " << r.err);
  }
  BOOST_TEST(deadlocks_declared == 2u);  // commandq_exhaustion, drain_without_outputs
}

}  // namespace

BOOST_AUTO_TEST_CASE(zero_guest_costs) {
  every_scenario_ends_as_declared("zero_guest", " --set platform.driver.interrupt_handle_ns=0"
                                                " --set platform.interrupt.delivery_latency_ns=0"
                                                " --set platform.driver.command_submit_ns=0");
}
BOOST_AUTO_TEST_CASE(zero_firmware) {
  every_scenario_ends_as_declared("zero_firmware", " --set device.firmware_cycles_per_command=0");
}
BOOST_AUTO_TEST_CASE(very_fast_engine) {
  every_scenario_ends_as_declared("fast_engine", " --set platform.engine.clock_mhz=99999");
}
BOOST_AUTO_TEST_CASE(fast_engine) {
  every_scenario_ends_as_declared("engine_20ghz", " --set platform.engine.clock_mhz=20000");
}
BOOST_AUTO_TEST_CASE(very_slow_engine) {
  every_scenario_ends_as_declared("slow_engine", " --set platform.engine.clock_mhz=10");
}
BOOST_AUTO_TEST_CASE(very_fast_bus) {
  every_scenario_ends_as_declared("fast_bus", " --set platform.bus.clock_mhz=99999 --set platform.bus.bytes_per_cycle=4096");
}
BOOST_AUTO_TEST_CASE(very_slow_bus) {
  every_scenario_ends_as_declared("slow_bus", " --set platform.bus.clock_mhz=10");
}
