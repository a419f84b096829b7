// A scenario's run over v6: the conformance monitor on the transport, one
// decode or encode application per stream on the v6 driver, and what the
// device, driver and monitor saw, in the protocol-neutral records of
// models/platform/protocol_run.h. Built by the v6 binding.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/platform/protocol_run.h"
#include "models/platform/video_platform.h"
#include "models/protocols/v6/conformance_monitor.h"
#include "models/protocols/v6/decode_session.h"
#include "models/protocols/v6/encode_session.h"
#include "models/protocols/v6/video_device.h"
#include "models/protocols/v6/video_driver.h"

namespace vvsim::virtio_video {

class V6Run : public models::ProtocolRun {
 public:
  V6Run(models::VideoPlatform& platform, const models::RunPlan& plan);
  void start() override;
  void finish(models::RunRecords& records, std::vector<models::StreamRecord*> streams) override;

 protected:
  // The monitor on the device's queues and the transport, and what it found
  // (a protocol built on v6 puts its own view in front of the v6 monitor).
  virtual void attach_monitor();
  virtual void report_monitor(models::RunRecords& r);
  models::VideoPlatform& platform_;
  const models::RunPlan& plan_;
  VideoDevice& device_;
  ConformanceMonitor monitor_;

 private:
  void observe();
  void build_applications();
  void collect_counters(models::RunRecords& r) const;
  void collect_history(models::RunRecords& r);

  VideoDriver& driver_;
  // Filled while the simulation runs (observed, never fed back).
  std::vector<models::DeviceStageMark> stage_marks_;
  std::vector<models::DepthSample> commandq_depth_, eventq_depth_;
  std::vector<models::StreamRecord> streams_;
  std::vector<std::unique_ptr<DecodeSession>> decoders_;  // null for encoder streams
  std::vector<std::unique_ptr<EncodeSession>> encoders_;  // null for decoder streams
  std::string init_error_;
  bool initialised_ = false;
};

}  // namespace vvsim::virtio_video
