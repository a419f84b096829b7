// The device-side codec hardware, shared by every protocol model: a pool of
// identical cores at one clock. A job holds one core for a cycle count computed
// from the codec's work figures (UnitWork) and the profile's cost table. Jobs
// wait in one FIFO for a free core, so which stream gets a core next depends
// only on arrival order: deterministic, and contention between streams shows
// up as queue wait.
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "models/engine/memory_traffic.h"
#include "tlm_virtio/bus.h"
#include "tlm_virtio/memory_port.h"

namespace vvsim::models {

enum class JobKind { Decode, Encode };

const char* to_string(JobKind kind);

// How a unit's three cost terms (firmware, bitstream, pixels) make its time
// on a core: their sum (one engine does each in turn), or the largest (a
// pipelined engine: firmware, bitstream engine and pixel pipeline work on
// successive units at once and the slowest stage sets the pace).
enum class CostCombine { Sum, Max };

// Cycles for one unit on one core. The terms of a unit coding a picture:
//   cycles_per_unit, cycles_per_byte * bytes,
//   round(cycles_per_macroblock * macroblocks * frame_type_factor)
// and of a unit coding no picture (macroblocks == 0: parameter sets, SEI)
// cycles_no_picture in place of the last; `combine` adds them or takes the largest.
struct CodecCost {
  uint64_t cycles_per_unit = 0;        // fixed firmware/setup cost per unit
  uint64_t cycles_per_macroblock = 0;  // pixel pipeline, per 16x16 block
  uint64_t cycles_per_byte = 0;        // entropy decoding/coding of the bitstream
  double key_frame_factor = 1.0;       // multiply the macroblock term
  double inter_frame_factor = 1.0;     // (FrameType::Unknown uses this one)
  double bipred_frame_factor = 1.0;
  uint64_t cycles_no_picture = 0;  // replaces the macroblock term for units without a picture
  CostCombine combine = CostCombine::Sum;
};

// When a decoded picture is written to its output buffer. AfterDecode: the
// device's DMA writes it once the job that releases it has ended. DuringDecode:
// the write is issued as the job starts and crosses the bus while the core
// decodes, as a hardware decoder writes its picture out row by row; the picture
// is answered at the later of the job's end and the write's end.
enum class OutputWrite { AfterDecode, DuringDecode };

// The cycles `work` costs under `cost`.
uint64_t unit_cycles(const CodecCost& cost, const codec::UnitWork& work);

constexpr size_t kCodecCount = 5;  // entries of codec::CodecId

// Defaults: a 2022-era mobile VPU (see docs/profile.md for the reasoning).
// With them a 1080p H.264 inter frame of ~33 KB (8 Mbit/s at 30 fps) decodes
// in about 6.4 ms on one core and encodes in about 14 ms.
struct CodecEngineProfile {
  double clock_mhz = 600.0;
  uint32_t num_cores = 2;
  // per unit, per macroblock, per byte, key/inter/bipred factor, no picture
  CodecCost decode[kCodecCount] = {
      {20'000, 350, 10, 1.1, 1.0, 1.0, 3'000},  // VP8
      {30'000, 500, 12, 1.1, 1.0, 1.2, 3'000},  // VP9
      {20'000, 400, 16, 1.1, 1.0, 1.3, 3'000},  // H.264
      {30'000, 550, 16, 1.1, 1.0, 1.3, 3'000},  // HEVC
      {15'000, 250, 8, 1.1, 1.0, 1.2, 3'000},   // MPEG-2
  };
  CodecCost encode[kCodecCount] = {
      {40'000, 900, 8, 0.6, 1.0, 1.0, 5'000},     // VP8
      {60'000, 1'500, 10, 0.6, 1.0, 1.4, 5'000},  // VP9
      {40'000, 1'000, 8, 0.6, 1.0, 1.4, 5'000},   // H.264
      {60'000, 1'800, 8, 0.6, 1.0, 1.4, 5'000},   // HEVC (no encoder backend: the table completes the shape)
      {30'000, 700, 6, 0.6, 1.0, 1.3, 5'000},     // MPEG-2 (likewise)
  };

  MemoryTrafficProfile memory_traffic;
  OutputWrite output_write = OutputWrite::AfterDecode;

  const CodecCost& cost(JobKind kind, codec::CodecId codec) const;
  CodecCost& cost(JobKind kind, codec::CodecId codec);
};

// Throws std::invalid_argument naming the first field out of range.
void validate(const CodecEngineProfile& profile);

class CodecEngine : public sc_core::sc_module {
 public:
  static constexpr uint32_t kNoCore = UINT32_MAX;  // the job never got a core (cancelled while queued)

  struct JobRecord {
    sc_core::sc_time queued, started, finished;
    uint32_t core = kNoCore;
    uint64_t cycles = 0;  // full cost of the unit, even if cancelled before it elapsed
    JobKind kind = JobKind::Decode;
    codec::CodecId codec = codec::CodecId::VP8;
    std::string owner;
    codec::UnitWork work;
    bool cancelled = false;  // cut short by cancel(): the caller must discard the work's results
  };

  enum class JobEventKind { Started, Finished, Cancelled };
  // Observers see jobs as they start and end; they must not change the
  // simulation (they run synchronously inside the job's thread).
  using Listener = std::function<void(JobEventKind, const JobRecord&)>;

  struct OwnerStats {
    uint64_t jobs = 0, cancelled = 0, cycles = 0;
    sc_core::sc_time queue_wait_total = sc_core::SC_ZERO_TIME, queue_wait_max = sc_core::SC_ZERO_TIME;
  };

  CodecEngine(sc_core::sc_module_name name, const CodecEngineProfile& profile);

  // Blocks the calling SC_THREAD until a core is free (FIFO among waiters),
  // runs `work` (the real codec call; zero simulated time) on that core, then
  // holds the core for cost_cycles() of the UnitWork it returned. Returns when
  // the core's work is done, or early with cancelled = true (see cancel()).
  // If `work` throws, the core is released and the exception propagates.
  // `at_start`, if given, runs next, still at the job's start, and must not
  // wait either: what it issues overlaps the job (a picture's output write
  // under OutputWrite::DuringDecode). It does not run for a cancelled job.
  JobRecord run(JobKind kind, codec::CodecId codec, const std::function<codec::UnitWork()>& work,
                const std::string& owner, const std::function<void()>& at_start = {});

  // Device reset / stream destroy: every job of `owner` (or every job) ends
  // now. Queued jobs leave the queue without running `work`; a running job
  // frees its core at once (the hardware is stopped mid-unit; its output,
  // already computed by the host codec, must be discarded by the caller).
  // The cancelled run() calls return in the next delta cycle. Returns the
  // number of jobs cancelled.
  size_t cancel(const std::string& owner);
  size_t cancel_all();

  uint64_t cost_cycles(JobKind kind, codec::CodecId codec, const codec::UnitWork& work) const;
  sc_core::sc_time cycles_to_time(uint64_t cycles) const;

  void add_listener(Listener listener);
  // Gives every core a port on `bus` (the next initiator indices) for the
  // jobs' memory traffic (profile memory_traffic); before the simulation starts.
  void attach_memory(tlm_virtio::Bus& bus);

  const CodecEngineProfile& profile() const { return profile_; }
  uint32_t num_cores() const { return profile_.num_cores; }
  // Time core `core` spent holding jobs (completed and cancelled).
  sc_core::sc_time busy_time(uint32_t core) const;
  // busy_time / elapsed; elapsed defaults to the current simulation time.
  double utilisation(uint32_t core) const;
  double utilisation(uint32_t core, const sc_core::sc_time& elapsed) const;
  const std::map<std::string, OwnerStats>& owner_stats() const { return owner_stats_; }
  size_t queue_length() const { return waiters_.size(); }

 private:
  struct Core {
    bool busy = false;
    std::string owner;
    bool cancel_requested = false;
    sc_core::sc_event cancel_event;
    sc_core::sc_time busy_time = sc_core::SC_ZERO_TIME;
    std::unique_ptr<tlm_virtio::MemoryPort> memory;  // set by attach_memory
  };
  struct Waiter {
    std::string owner;
    sc_core::sc_event wake;
    uint32_t granted_core = kNoCore;
    bool cancelled = false;
  };

  uint32_t acquire_core(const std::string& owner);
  void release_core(uint32_t core);
  bool take_cancel_request(uint32_t core);
  void hold_core(JobRecord& record);
  // Holds the core until `compute_end` while the job's traffic crosses the bus.
  void move_traffic(Core& core, const sc_core::sc_time& compute_end, uint64_t bytes);
  void account(const JobRecord& record);
  void notify(JobEventKind event, const JobRecord& record) const;

  CodecEngineProfile profile_;
  std::vector<std::unique_ptr<Core>> cores_;
  std::deque<Waiter*> waiters_;  // FIFO; each lives on its run() caller's stack
  std::map<std::string, OwnerStats> owner_stats_;
  std::vector<Listener> listeners_;
};

}  // namespace vvsim::models
