#include "codec/vpx_frame_pool.h"

namespace vvsim::codec {

std::shared_ptr<VpxFramePool> VpxFramePool::attach(vpx_codec_ctx_t* ctx) {
  auto pool = std::make_shared<VpxFramePool>();
  if (vpx_codec_set_frame_buffer_functions(ctx, &VpxFramePool::get, &VpxFramePool::release, pool.get()) !=
      VPX_CODEC_OK)
    return nullptr;
  return pool;
}

// A frame that neither libvpx nor a picture holds, big enough. A new or grown
// buffer is zeroed as libvpx asks; a reused one keeps its old pixels, as in
// libvpx's own pool (the decoder writes every byte it reads back).
VpxFramePool::Frame& VpxFramePool::free_frame(size_t min_size) {
  Frame* frame = nullptr;
  for (auto& f : frames_) {
    if (f->holders == 0 && (!frame || (frame->bytes.size() < min_size && f->bytes.size() >= min_size)))
      frame = f.get();
  }
  if (!frame) frame = frames_.emplace_back(std::make_unique<Frame>()).get();
  if (frame->bytes.size() < min_size) frame->bytes.assign(min_size, 0);
  return *frame;
}

int VpxFramePool::get(void* pool, size_t min_size, vpx_codec_frame_buffer_t* fb) {
  auto& self = *static_cast<VpxFramePool*>(pool);
  std::lock_guard<std::mutex> lock(self.mutex_);
  Frame& frame = self.free_frame(min_size);
  frame.holders = 1;
  fb->data = frame.bytes.data();
  fb->size = frame.bytes.size();
  fb->priv = &frame;
  return 0;
}

int VpxFramePool::release(void* pool, vpx_codec_frame_buffer_t* fb) {
  if (fb->priv) static_cast<VpxFramePool*>(pool)->let_go(*static_cast<Frame*>(fb->priv));
  return 0;
}

void VpxFramePool::let_go(Frame& frame) {
  std::lock_guard<std::mutex> lock(mutex_);
  --frame.holders;
}

std::shared_ptr<const void> VpxFramePool::lend(const vpx_image_t& img) {
  auto& frame = *static_cast<Frame*>(img.fb_priv);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++frame.holders;
  }
  // The pool lives as long as a picture holds one of its frames (a reset or a
  // destroyed decoder drops only its own reference).
  return std::shared_ptr<const void>(frame.bytes.data(), [self = shared_from_this(), &frame](const void*) {
    self->let_go(frame);
  });
}

}  // namespace vvsim::codec
