// Helpers for the decoder tests: run a whole stream through a decoder and
// compare with reference decoders' output (fixtures/reference.md5 or a live
// run of vpxdec/ffmpeg).
#pragma once

#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "codec/bitstream_reader.h"
#include "codec/checksum.h"
#include "codec/codec.h"
#include "codec/image_layout.h"

namespace vvsim::codec::test {

inline std::string fixture(const std::string& name) { return std::string(VVSIM_SOURCE_DIR) + "/tests/codec/fixtures/" + name; }

struct Reference {
  std::string md5;
  size_t bytes = 0;
};

// fixtures/reference.md5: "<file> <md5 of the reference decoder's I420 output> <its size>".
inline std::map<std::string, Reference> load_references() {
  std::map<std::string, Reference> refs;
  std::ifstream in(fixture("reference.md5"));
  std::string name;
  Reference r;
  while (in >> name >> r.md5 >> r.bytes) refs[name] = r;
  return refs;
}

using codec::md5_hex;

inline void append_i420(const Picture& p, std::vector<uint8_t>& out) {
  out.insert(out.end(), p.y.begin(), p.y.end());
  out.insert(out.end(), p.u.begin(), p.u.end());
  out.insert(out.end(), p.v.begin(), p.v.end());
}

struct DecodedStream {
  std::vector<uint8_t> i420;       // every picture in output order
  std::vector<Picture> pictures;
  std::vector<DecodeResult> results;  // one per unit (pictures moved out)
  std::vector<StreamFormat> formats;  // in the order reported
  size_t pictures_before_format_change = 0;
};

inline void absorb(DecodeResult r, DecodedStream& s) {
  if (r.new_format) {
    if (!s.formats.empty() && s.pictures_before_format_change == 0) s.pictures_before_format_change = s.pictures.size();
    s.formats.push_back(*r.new_format);
  }
  for (auto& p : r.pictures) {
    s.pictures.push_back(codec::owned_picture(p));  // lent planes last until the decoder's next call
    append_i420(s.pictures.back(), s.i420);
  }
  r.pictures.clear();
  s.results.push_back(std::move(r));
}

inline DecodedStream decode_units(Decoder& decoder, const std::vector<BitstreamUnit>& units) {
  DecodedStream s;
  for (const auto& u : units) absorb(decoder.decode(u.data.data(), u.data.size(), u.timestamp), s);
  absorb(decoder.flush(), s);
  return s;
}

inline std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline std::string temp_path(const std::string& name) { return std::string(VVSIM_BINARY_DIR) + "/" + name; }

}  // namespace vvsim::codec::test
