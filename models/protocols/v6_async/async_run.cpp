#include "models/protocols/v6_async/async_run.h"

namespace vvsim::virtio_video {

void AsyncRun::attach_monitor() {
  V6Run::attach_monitor();
  if (plan_.on_violation) async_.on_violation(plan_.on_violation);
  device_.observe_transport(&async_);
  platform_.system.mmio.set_observer(&async_);
}

// v6's findings on the v6 view, then the completion scheme's.
void AsyncRun::report_monitor(models::RunRecords& r) {
  if (!sc_core::sc_pending_activity()) async_.on_run_idle(sc_core::sc_time_stamp().value());
  V6Run::report_monitor(r);
  r.violations.insert(r.violations.end(), async_.violations().begin(), async_.violations().end());
  r.rules_checked += async_rule_ids().size();
}

}  // namespace vvsim::virtio_video
