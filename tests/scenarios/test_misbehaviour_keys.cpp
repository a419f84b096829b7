// Every misbehaviour key a stream documents lands in guest::Misbehaviour and
// nowhere else: each key, set alone, is the one key keys_set() names (which a
// protocol uses to refuse the departures it does not model), and a stream
// without any is a conforming application.
#define BOOST_TEST_MODULE misbehaviour_keys
#include <boost/test/unit_test.hpp>

#include "scenarios/scenario.h"

using namespace vvsim;
using namespace vvsim::scenarios;

namespace {

// The keys as docs/scenarios.md shows them, each with a value that sets it.
const std::pair<const char*, const char*> kDocumentedDepartures[] = {
    {"corrupt_units", "[3]"},
    {"no_outputs_during_drain", "true"},
    {"requeue_before_reattach", "true"},
    {"attach_before_format_query", "true"},
    {"use_after_destroy", "true"},
    {"undersized_inputs", "true"},
    {"double_drain", "true"},
    {"destroy_during_drain", "true"},
    {"raw_commands", "[\"ff ff 00 00\"]"},
    {"raw_response_bytes", "164"},
};

guest::Misbehaviour loaded(const std::string& extra_line) {
  const std::string yaml = "streams:\n  - codec: vp8\n    input: {generate: {frames: 5}}\n" + extra_line;
  return parse_scenario(yaml, "case.yaml", {}).streams.at(0).misbehaviour;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_conforming_stream_has_no_departure) { BOOST_TEST(loaded("").keys_set().empty()); }

BOOST_AUTO_TEST_CASE(each_documented_key_is_named_alone) {
  for (const auto& [key, value] : kDocumentedDepartures) {
    const auto keys = loaded(std::string("    ") + key + ": " + value + "\n").keys_set();
    BOOST_TEST_CONTEXT(key) {
      BOOST_TEST(keys.size() == 1u);
      if (!keys.empty()) BOOST_TEST(keys.front() == key);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_damaged_unit_keeps_its_first_four_bytes) {
  const std::vector<uint8_t> unit = {0x00, 0x00, 0x01, 0x65, 0x00, 0xFF, 0x5A};
  const std::vector<uint8_t> expected = {0x00, 0x00, 0x01, 0x65, 0x5A, 0xA5, 0x00};
  BOOST_TEST(guest::damaged_copy(unit) == expected);
}
