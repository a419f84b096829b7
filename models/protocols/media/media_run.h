// A scenario's run over virtio-media: the conformance monitor on the device,
// one V4L2 decode or encode client per stream on the media driver, and what the device,
// driver and monitor saw, in the protocol-neutral records of
// models/platform/protocol_run.h. Built by the media binding. The stream keys
// virtio-media has a meaning for are mapped (buffers, pacing, display hold,
// seek, close mid-stream, a withheld eventq); a key it has none for yet is
// refused naming the stream and the key (models::ProfileError).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/platform/protocol_run.h"
#include "models/platform/video_platform.h"
#include "models/protocols/media/media_decode_client.h"
#include "models/protocols/media/media_device.h"
#include "models/protocols/media/media_driver.h"
#include "models/protocols/media/media_encode_client.h"
#include "models/protocols/media/media_monitor.h"

namespace vvsim::virtio_media {

class MediaRun : public models::ProtocolRun {
 public:
  MediaRun(models::VideoPlatform& platform, const models::RunPlan& plan);
  void start() override;
  void finish(models::RunRecords& records, std::vector<models::StreamRecord*> streams) override;

 private:
  void collect_counters(models::RunRecords& r) const;

  models::VideoPlatform& platform_;
  const models::RunPlan& plan_;
  MediaDevice& device_;
  MediaDriver& driver_;
  MediaMonitor monitor_;
  std::vector<models::StreamRecord> streams_;
  std::vector<std::unique_ptr<MediaDecodeClient>> clients_;   // null for encode streams
  std::vector<std::unique_ptr<MediaEncodeClient>> encoders_;  // null for decode streams
  std::string init_error_;
  bool initialised_ = false;
  std::vector<models::DeviceStageMark> stage_marks_;
  std::vector<models::DepthSample> commandq_depth_, eventq_depth_;
};

}  // namespace vvsim::virtio_media
