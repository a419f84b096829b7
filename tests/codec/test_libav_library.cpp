// libavcodec is loaded by the first libavcodec decoder, not at start-up: the
// kernel's map of this process (/proc/self/maps) names the library only once
// such a decoder was made; a library that cannot be loaded is named in the
// error. (This executable does not link libavcodec: see codec/CMakeLists.txt.)
#define BOOST_TEST_MODULE libav_library
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "codec/codec.h"
#include "codec/libav_library.h"
#include "codec/library_versions.h"

using namespace vvsim::codec;

namespace {

bool mapped(const std::string& library) {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("/" + library) != std::string::npos;
}

// The message of the std::runtime_error `load` throws; empty if none.
template <typename Load>
std::string failure_of(Load load) {
  try {
    load();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_first_libavcodec_decoder_loads_libavcodec_and_libavutil) {
  BOOST_TEST(!mapped("libavcodec.so"));
  auto vp9 = make_decoder(CodecId::VP9);
  library_version(DecoderBackend::Libvpx);
  BOOST_TEST(!mapped("libavcodec.so"));
  BOOST_TEST(!mapped("libavutil.so"));
  auto h264 = make_decoder(CodecId::H264, DecoderBackend::Libavcodec);
  BOOST_TEST(mapped("libavcodec.so." + std::to_string(LIBAVCODEC_VERSION_MAJOR)));
  BOOST_TEST(mapped("libavutil.so." + std::to_string(LIBAVUTIL_VERSION_MAJOR)));
}

BOOST_AUTO_TEST_CASE(a_missing_library_is_named) {
  const std::string why = failure_of([] { load_libav("libavcodec.so.0-absent", "libavutil.so.0-absent"); });
  BOOST_TEST(why.find("cannot load libavcodec.so.0-absent") != std::string::npos, why);
  BOOST_TEST(why.find('\n') == std::string::npos, why);
}

BOOST_AUTO_TEST_CASE(a_library_without_a_function_is_named) {
  const std::string avutil = "libavutil.so." + std::to_string(LIBAVUTIL_VERSION_MAJOR);
  const std::string why = failure_of([&] { load_libav(avutil, avutil); });
  BOOST_TEST(why == avutil + " has no function avcodec_version", why);
}
