// A Perfetto-loadable trace (Chrome trace-event JSON) of a run, written while
// the run goes. Tracks:
//   driver: submit      each command posted (an instant), with a flow arrow to
//   driver: interrupt   the handler run that reaped its answer (delivery -> reap)
//   driver: commandq    every command as an async span, submitted -> answered, named by
//                       type (queue, resource, parameter), with its stream and result
//   driver: eventq      each event (DRC, ERROR) as the driver's handler received it
//   codec core N        every job the core ran
//   bus: frame writes   each decoded picture crossing the bus into guest memory
//   application: S      each frame from its first unit queued to the application taking it
//   counters            commandq descriptors in use; eventq buffers the device holds; per stream
//                       INPUT/OUTPUT resources the device holds; bus utilisation of the CPU and of
//                       the device DMA per 100 us window
// Events come in the order the run makes them (a viewer sorts them by time).
// Open in ui.perfetto.dev or chrome://tracing. Observes only; deterministic.
#pragma once

#include <cstdint>
#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/text_sink.h"
#include "scenarios/runner.h"

namespace vvsim::analysis {

// Hears a run (RunOptions::observer) and hands each record to `out` as trace
// events at once; it keeps only what is still open: handler runs that may
// reap more answers, bus windows the simulation has not yet passed, frame
// writes under way. So a long run's trace costs no memory per frame.
class LiveTrace : public scenarios::RunObserver {
 public:
  // Writes nothing until the run makes its first record (a run refused before
  // it simulates leaves its output untouched); then the head and the track names.
  LiveTrace(const scenarios::Scenario& scenario, TextSink out);
  void stage_mark(const models::DeviceStageMark& mark) override;
  void frame_taken(size_t stream, const guest::FrameRecord& record,
                   const std::optional<sc_core::sc_time>& queued) override;
  void command_answered(const models::CommandRecord& command) override;
  void core_job(const scenarios::CoreSlice& job) override;
  void bus_transfer(int initiator, uint64_t start_ps, uint64_t length_ps, uint64_t now_ps) override;
  void ring_depth(models::RingQueue queue, const models::DepthSample& sample) override;
  void queue_depth(size_t stream, const guest::QueueDepthSample& sample) override;
  // After the run: what is known only then (the events the driver received,
  // an encoder stream's frames, which come from its units), the handler runs
  // and bus windows still open, and the trace's end.
  void finish(const scenarios::RunResult& result);

 private:
  // A counter track holds each sample until the next one: only changes are written.
  struct Counter {
    std::string name;
    const char* arg = "";
    bool written = false;
    double last = 0;
  };
  // An initiator's bus time per window, from the first window not yet written.
  struct BusWindows {
    uint64_t first = 0;
    std::deque<uint64_t> busy_ps;
  };
  void write_head();
  void emit(const std::string& event);
  void count(Counter& counter, double at_ns, double value);
  void close_handler_runs_before(uint64_t delivered_ps);
  void write_bus_windows(size_t initiator, uint64_t before_window);
  void frame_span(size_t stream, uint64_t timestamp, double queued_ns, double taken_ns);

  const scenarios::Scenario& scenario_;
  TextSink out_;
  std::map<uint64_t, uint64_t> handler_end_ps_;                    // by delivery: the last answer it reaped
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> write_start_;  // (stream id, timestamp) -> write start
  std::vector<BusWindows> bus_;                                    // by initiator (kBusInitiators)
  std::vector<Counter> bus_counters_, depth_counters_;             // depth: commandq, eventq, then per decoder stream
  std::vector<size_t> held_series_;  // per stream: its INPUT series in depth_counters_ (OUTPUT the next)
  uint64_t frame_id_ = 0;
  bool head_written_ = false;
};

}  // namespace vvsim::analysis
