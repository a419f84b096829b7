// The monitors' sets of values kept as runs of consecutive values answer as
// std::set does, and values counting up cost one run.
#define BOOST_TEST_MODULE interval_set
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <random>
#include <set>

#include "models/conformance/interval_set.h"

using vvsim::conformance::IntervalSet;

BOOST_AUTO_TEST_CASE(answers_as_a_std_set_for_any_insertion_order) {
  std::mt19937_64 rng(7);
  IntervalSet runs;
  std::set<uint64_t> reference;
  for (int i = 0; i < 20'000; ++i) {
    const uint64_t v = rng() % 3000 + (i % 7 == 0 ? UINT64_MAX - 3 : 0) * (rng() % 2);
    runs.insert(v);
    reference.insert(v);
  }
  for (uint64_t v = 0; v < 3100; ++v) BOOST_TEST(runs.contains(v) == (reference.count(v) != 0), "value " << v);
  for (uint64_t v = UINT64_MAX - 10; v != 0; ++v) BOOST_TEST(runs.contains(v) == (reference.count(v) != 0), "value " << v);
}

BOOST_AUTO_TEST_CASE(values_counting_up_are_one_run) {
  IntervalSet runs;
  for (uint64_t v = 0; v < 100'000; ++v) runs.insert(v);
  BOOST_TEST(runs.runs() == 1u);
  BOOST_TEST(!runs.contains(100'000));
  runs.insert(100'002);
  BOOST_TEST(runs.runs() == 2u);
  runs.insert(100'000);  // joins the run before it
  BOOST_TEST(runs.runs() == 2u);
  BOOST_TEST(!runs.contains(100'001));
  runs.insert(100'001);  // joins both neighbours
  BOOST_TEST(runs.runs() == 1u);
  BOOST_TEST(runs.contains(100'002));
}
