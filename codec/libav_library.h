// libavcodec and libavutil, loaded when the first libavcodec decoder is made
// (dlopen), not linked: the two libraries bring some 90 shared objects with
// them (Debian builds them with every codec and hardware interface), whose
// loading and relocation cost every run ~25 ms of start-up, while VP8 and VP9
// streams never use them. The sonames follow the headers' major versions
// (libavcodec.so.59, libavutil.so.57 on Debian 12), so the structures the
// headers describe are those of the library loaded.
#pragma once

#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
}

namespace vvsim::codec {

// X(library, function) for every function the codec layer calls, library
// being where the function is: avcodec or avutil.
#define VVSIM_LIBAV_FUNCTIONS(X)                                                                             \
  X(avcodec, avcodec_version)                                                                               \
  X(avcodec, avcodec_get_name)                                                                              \
  X(avcodec, avcodec_profile_name)                                                                          \
  X(avcodec, avcodec_find_decoder)                                                                          \
  X(avcodec, avcodec_alloc_context3)                                                                        \
  X(avcodec, avcodec_open2)                                                                                 \
  X(avcodec, avcodec_free_context)                                                                          \
  X(avcodec, avcodec_flush_buffers)                                                                         \
  X(avcodec, avcodec_send_packet)                                                                           \
  X(avcodec, avcodec_receive_frame)                                                                         \
  X(avcodec, av_packet_alloc)                                                                               \
  X(avcodec, av_packet_free)                                                                                \
  X(avcodec, av_packet_unref)                                                                               \
  X(avutil, av_strerror)                                                                                    \
  X(avutil, av_log_set_level)                                                                               \
  X(avutil, av_pix_fmt_desc_get)                                                                            \
  X(avutil, av_frame_alloc)                                                                                 \
  X(avutil, av_frame_free)                                                                                  \
  X(avutil, av_frame_unref)                                                                                 \
  X(avutil, av_frame_move_ref)

// The functions, each with the type its header declares.
struct LibavFunctions {
#define VVSIM_LIBAV_MEMBER(library, function) decltype(&::function) function;
  VVSIM_LIBAV_FUNCTIONS(VVSIM_LIBAV_MEMBER)
#undef VVSIM_LIBAV_MEMBER
};

// The libraries' functions, both libraries loaded on the first call (any
// thread; once for the process, never unloaded). Throws std::runtime_error
// naming the library and why it could not be loaded (missing, or without one
// of the functions).
const LibavFunctions& libav();

// Loads the functions from the libraries of these file names (for libav() and
// its tests).
LibavFunctions load_libav(const std::string& avcodec_file, const std::string& avutil_file);

}  // namespace vvsim::codec
