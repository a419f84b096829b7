// Protocol problems a transport or device noticed, kept with their simulated
// time so tests and reports can name them (the run goes on).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vvsim::tlm_virtio {

struct Diagnostic {
  uint64_t time_ps = 0;
  std::string source;   // the module's hierarchical name
  std::string message;  // names the queue and descriptor where one is involved
};

class DiagnosticLog {
 public:
  using Sink = std::function<void(const Diagnostic&)>;
  void report(const std::string& source, const std::string& message);
  const std::vector<Diagnostic>& records() const { return records_; }
  bool contains(const std::string& fragment) const;
  void set_sink(Sink sink) { sink_ = std::move(sink); }

 private:
  std::vector<Diagnostic> records_;
  Sink sink_;
};

}  // namespace vvsim::tlm_virtio
