#include "tlm_virtio/diagnostics.h"

#include <systemc>

namespace vvsim::tlm_virtio {

void DiagnosticLog::report(const std::string& source, const std::string& message) {
  Diagnostic d{sc_core::sc_time_stamp().value(), source, message};
  records_.push_back(d);
  if (sink_) sink_(d);
}

bool DiagnosticLog::contains(const std::string& fragment) const {
  for (const auto& r : records_)
    if (r.message.find(fragment) != std::string::npos) return true;
  return false;
}

}  // namespace vvsim::tlm_virtio
