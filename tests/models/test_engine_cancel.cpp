// CodecEngine cancellation (device reset, stream destroy) and observers.
// Profile: 500 MHz (2 ns/cycle); every job below costs 1200 cycles = 2400 ns.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#define BOOST_TEST_MODULE engine_cancel
#include <boost/test/unit_test.hpp>

#include <systemc>

#include <map>
#include <string>
#include <vector>

#include "models/engine/codec_engine.h"
#include "tests/models/engine_support.h"

using namespace vvsim;
using models::CodecEngine;
using models::JobKind;
using sc_core::SC_NS;
using sc_core::sc_time;


namespace {

using models::test::hand_profile;

// 100 + 2*50 + 10*100 = 1200 cycles.
codec::UnitWork inter_unit() { return models::test::picture_work(100, 50, codec::FrameType::Inter); }

struct Submission {
  CodecEngine::JobRecord record;
  int work_calls = 0;
};

void submit_at(CodecEngine& engine, const std::string& owner, sc_time at, Submission& out) {
  sc_core::sc_spawn([&engine, owner, at, &out] {
    sc_core::wait(at);
    out.record = engine.run(JobKind::Decode, codec::CodecId::VP9,
                            [&out] {
                              ++out.work_calls;
                              return inter_unit();
                            },
                            owner);
  });
}

}  // namespace

// One core: a runs from 0, b and c queue behind it. a is cancelled at 1000 ns
// (its core goes to b at once), c is cancelled at 1500 ns while still queued.
BOOST_AUTO_TEST_CASE(cancel_running_and_queued_jobs) {
  CodecEngine engine("engine", hand_profile(1));
  Submission a, b, c;
  submit_at(engine, "a", sc_time(0, SC_NS), a);
  submit_at(engine, "b", sc_time(1, SC_NS), b);
  submit_at(engine, "c", sc_time(2, SC_NS), c);
  size_t cancelled_a = 0, cancelled_c = 0, cancelled_none = 0;
  sc_core::sc_spawn([&] {
    sc_core::wait(1000, SC_NS);
    cancelled_a = engine.cancel("a");
    sc_core::wait(500, SC_NS);
    cancelled_c = engine.cancel("c");
    cancelled_none = engine.cancel("nobody");
  });
  sc_core::sc_start();
  BOOST_TEST(cancelled_a == 1u);
  BOOST_TEST(cancelled_c == 1u);
  BOOST_TEST(cancelled_none == 0u);

  BOOST_TEST(a.record.cancelled);
  BOOST_TEST(a.work_calls == 1);  // it was running: the host codec call had happened
  BOOST_TEST(a.record.started == sc_time(0, SC_NS));
  BOOST_TEST(a.record.finished == sc_time(1000, SC_NS));
  BOOST_TEST(a.record.cycles == 1200u);

  BOOST_TEST(!b.record.cancelled);
  BOOST_TEST(b.record.started == sc_time(1000, SC_NS));
  BOOST_TEST(b.record.finished == sc_time(3400, SC_NS));

  BOOST_TEST(c.record.cancelled);
  BOOST_TEST(c.work_calls == 0);  // never reached a core
  BOOST_TEST(c.record.core == CodecEngine::kNoCore);
  BOOST_TEST(c.record.finished == sc_time(1500, SC_NS));

  BOOST_TEST(engine.busy_time(0) == sc_time(1000 + 2400, SC_NS));
  BOOST_TEST(engine.owner_stats().at("a").cancelled == 1u);
  BOOST_TEST(engine.owner_stats().at("a").cycles == 0u);
  BOOST_TEST(engine.owner_stats().at("b").cycles == 1200u);
  BOOST_TEST(engine.queue_length() == 0u);
}

// Device reset: two running jobs and one queued end together; a job submitted
// afterwards gets a core immediately and runs its full cost.
BOOST_AUTO_TEST_CASE(cancel_all_frees_every_core) {
  CodecEngine engine("engine", hand_profile(2));
  Submission a, b, c, after;
  submit_at(engine, "a", sc_time(0, SC_NS), a);
  submit_at(engine, "b", sc_time(0, SC_NS), b);
  submit_at(engine, "c", sc_time(0, SC_NS), c);
  size_t cancelled = 0;
  sc_core::sc_spawn([&] {
    sc_core::wait(500, SC_NS);
    cancelled = engine.cancel_all();
  });
  submit_at(engine, "after", sc_time(600, SC_NS), after);
  sc_core::sc_start();
  BOOST_TEST(cancelled == 3u);
  for (const Submission* s : {&a, &b, &c}) {
    BOOST_TEST(s->record.cancelled);
    BOOST_TEST(s->record.finished == sc_time(500, SC_NS));
  }
  BOOST_TEST(!after.record.cancelled);
  BOOST_TEST(after.record.started == sc_time(600, SC_NS));
  BOOST_TEST(after.record.finished == sc_time(3000, SC_NS));
  BOOST_TEST(engine.busy_time(0) + engine.busy_time(1) == sc_time(500 + 500 + 2400, SC_NS));
}

// A cancel arriving in the delta between the core's hand-over and the waiter
// waking must still cancel that job, not let it hold the core for its full cost.
BOOST_AUTO_TEST_CASE(cancel_at_hand_over_instant) {
  CodecEngine engine("engine", hand_profile(1));
  Submission a, b, c;
  submit_at(engine, "a", sc_time(0, SC_NS), a);
  submit_at(engine, "b", sc_time(1, SC_NS), b);
  submit_at(engine, "c", sc_time(2, SC_NS), c);
  // a's Finished notice runs right after a handed its core to b, before b wakes:
  // the one instant this race can happen, reached here deterministically.
  engine.add_listener([&engine](CodecEngine::JobEventKind event, const CodecEngine::JobRecord& record) {
    if (event == CodecEngine::JobEventKind::Finished && record.owner == "a") engine.cancel("b");
  });
  sc_core::sc_start();
  BOOST_TEST(!a.record.cancelled);
  BOOST_TEST(b.record.cancelled);
  BOOST_TEST(b.record.finished == sc_time(2400, SC_NS));
  BOOST_TEST(b.work_calls == 0);  // cancelled before its work started
  BOOST_TEST(c.record.started == sc_time(2400, SC_NS));
  BOOST_TEST(c.record.finished == sc_time(4800, SC_NS));
}

// Listeners see every start and end, in simulation order, and leave timing alone.
BOOST_AUTO_TEST_CASE(listeners_observe_without_changing_timing) {
  CodecEngine engine("engine", hand_profile(1));
  struct Seen {
    CodecEngine::JobEventKind event;
    std::string owner;
    sc_time at;
  };
  std::vector<Seen> seen;
  engine.add_listener([&seen](CodecEngine::JobEventKind event, const CodecEngine::JobRecord& record) {
    seen.push_back({event, record.owner, sc_core::sc_time_stamp()});
  });
  Submission a, b;
  submit_at(engine, "a", sc_time(0, SC_NS), a);
  submit_at(engine, "b", sc_time(1, SC_NS), b);
  sc_core::sc_start();
  using E = CodecEngine::JobEventKind;
  const std::vector<std::tuple<E, std::string, double>> expected = {
      {E::Started, "a", 0}, {E::Finished, "a", 2400}, {E::Started, "b", 2400}, {E::Finished, "b", 4800}};
  BOOST_REQUIRE_EQUAL(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    BOOST_TEST((seen[i].event == std::get<0>(expected[i])));
    BOOST_TEST(seen[i].owner == std::get<1>(expected[i]));
    BOOST_TEST(seen[i].at == sc_time(std::get<2>(expected[i]), SC_NS));
  }
  BOOST_TEST(b.record.finished == sc_time(4800, SC_NS));
}

BOOST_AUTO_TEST_CASE(invalid_profiles_are_rejected) {
  auto zero_cores = hand_profile(0);
  BOOST_CHECK_THROW(CodecEngine("zero_cores", zero_cores), std::invalid_argument);
  auto negative_clock = hand_profile(1);
  negative_clock.clock_mhz = -1;
  BOOST_CHECK_THROW(CodecEngine("negative_clock", negative_clock), std::invalid_argument);
  auto bad_factor = hand_profile(1);
  bad_factor.encode[1].bipred_frame_factor = -0.5;
  BOOST_CHECK_THROW(CodecEngine("bad_factor", bad_factor), std::invalid_argument);
}

// A codec call that throws frees its core: the next job is not blocked forever.
BOOST_AUTO_TEST_CASE(throwing_work_releases_the_core) {
  CodecEngine engine("engine", hand_profile(1));
  bool caught = false;
  Submission next;
  sc_core::sc_spawn([&] {
    try {
      engine.run(JobKind::Decode, codec::CodecId::VP8, []() -> codec::UnitWork { throw std::runtime_error("bad unit"); },
                 "a");
    } catch (const std::runtime_error&) {
      caught = true;
    }
  });
  submit_at(engine, "b", sc_time(1, SC_NS), next);
  sc_core::sc_start();
  BOOST_TEST(caught);
  BOOST_TEST(next.record.started == sc_time(1, SC_NS));
  BOOST_TEST(next.record.finished == sc_time(2401, SC_NS));
}
