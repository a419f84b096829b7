// A scenario's run over v6-async: v6's run (applications, records) with the
// v6-async monitor in front of the v6 monitor.
#pragma once

#include "models/protocols/v6/v6_run.h"
#include "models/protocols/v6_async/async_monitor.h"

namespace vvsim::virtio_video {

class AsyncRun : public V6Run {
 public:
  AsyncRun(models::VideoPlatform& platform, const models::RunPlan& plan) : V6Run(platform, plan), async_(monitor_) {}

 protected:
  void attach_monitor() override;
  void report_monitor(models::RunRecords& r) override;

 private:
  AsyncMonitor async_;
};

}  // namespace vvsim::virtio_video
