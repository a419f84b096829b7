// libvpx's VP9 frame buffers, lent to pictures for as long as a picture is
// held (vpx_codec_set_frame_buffer_functions): a decoded picture needs no copy
// even when it is used after the decoder's next call, as when it is decoded
// ahead of the simulation. A buffer goes back to libvpx only when libvpx has
// released it and no picture holds it.
#pragma once

#include <vpx/vpx_decoder.h>

#include <memory>
#include <mutex>
#include <vector>

namespace vvsim::codec {

class VpxFramePool : public std::enable_shared_from_this<VpxFramePool> {
 public:
  // Makes `ctx` (a VP9 decoder, before its first decode) take its frame
  // buffers from a new pool; null when libvpx cannot (VP8), and then its
  // pictures are valid only until its next call.
  static std::shared_ptr<VpxFramePool> attach(vpx_codec_ctx_t* ctx);

  // Holds the frame buffer of `img` (one of this pool's) until the result is dropped.
  std::shared_ptr<const void> lend(const vpx_image_t& img);

 private:
  struct Frame {
    std::vector<uint8_t> bytes;
    unsigned holders = 0;  // libvpx (while it references the frame) and each picture lent it
  };
  static int get(void* pool, size_t min_size, vpx_codec_frame_buffer_t* fb);
  static int release(void* pool, vpx_codec_frame_buffer_t* fb);
  Frame& free_frame(size_t min_size);  // lock held
  void let_go(Frame& frame);

  std::mutex mutex_;  // the decoding thread takes frames; any thread drops pictures
  std::vector<std::unique_ptr<Frame>> frames_;
};

}  // namespace vvsim::codec
