#include "models/protocols/v6/video_stream.h"

namespace vvsim::virtio_video {

void ResourceQueue::resize(uint32_t n) {
  resources.assign(n, Resource{});
  params.num_resources = n;
}

void ResourceQueue::detach_all() {
  for (auto& r : resources) {
    r.attached = false;
    r.attach_allowed = true;
    r.buffers.clear();
  }
}

ParamsImageFormat to_params(const codec::ImageLayout& layout) {
  ParamsImageFormat p;
  p.fourcc = *fourcc_from_string(codec::image_fourcc(layout.format));
  p.width = layout.coded_width;
  p.height = layout.coded_height;
  p.crop = {layout.crop.left, layout.crop.top, layout.crop.width, layout.crop.height};
  for (size_t i = 0; i < layout.planes.size() && i < kMaxPlanes; ++i) {
    p.planes[i] = {layout.planes[i].size, layout.planes[i].stride, layout.planes[i].offset};
  }
  return p;
}

}  // namespace vvsim::virtio_video
