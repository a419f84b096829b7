#!/usr/bin/env bash
# Installs the build into a fresh prefix, builds examples/decode_platform
# against the installed package as a separate CMake project, runs it on two
# streams and compares its frames byte for byte with the reference decoders'
# (vpxdec for VP8, ffmpeg for H.264). Also checks what the install holds.
# Usage: example_from_installed_package.sh BUILD_DIR SOURCE_DIR WORK_DIR CXX_FLAGS LINKER_FLAGS MAN_PAGE
# (MAN_PAGE: the build's VVSIM_MAN_PAGE; ON requires the installed man page)
set -euo pipefail
build=$1 src=$2 work=$3 cxx_flags=$4 linker_flags=$5 man_page=$6
prefix=$work/prefix
rm -rf "$work" && mkdir -p "$work"

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
for f in bin/vvsim lib/cmake/vvsim/vvsimConfig.cmake lib/cmake/vvsim/vvsimConfigVersion.cmake \
  include/vvsim/models/component/video_device_component.h include/vvsim/vvsim_version.h lib/libvvsim_models.a; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if [ "$man_page" = ON ]; then
  grep -q "Exit status" "$prefix/share/man/man1/vvsim.1" || { echo "man page missing or without exit statuses"; exit 1; }
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src/examples/decode_platform" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$cxx_flags" -DCMAKE_EXE_LINKER_FLAGS="$linker_flags" \
  "${launcher[@]}" >"$work/configure.log"
grep "vvsim .* from $prefix" "$work/configure.log" || { echo "the example did not find the installed package"; exit 1; }
cmake --build "$work/example" >"$work/build.log" || { tail -30 "$work/build.log"; exit 1; }

fixtures=$src/tests/codec/fixtures
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
"$work/example/decode_platform" "$fixtures/vp8_drc.ivf" "$work/vp8.yuv"
vpxdec --i420 -o "$work/vp8_reference.yuv" "$fixtures/vp8_drc.ivf" 2>/dev/null
cmp "$work/vp8.yuv" "$work/vp8_reference.yuv"
"$work/example/decode_platform" "$fixtures/h264_x264_baseline.h264" "$work/h264.yuv"
ffmpeg -loglevel error -y -i "$fixtures/h264_x264_baseline.h264" -f rawvideo -pix_fmt yuv420p "$work/h264_reference.yuv"
cmp "$work/h264.yuv" "$work/h264_reference.yuv"
echo "example from the installed package: frames identical to vpxdec and ffmpeg"
