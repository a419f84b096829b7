# Every library a layer links publicly, in one place. The build finds them
# here, and the installed vvsimConfig.cmake includes this same file, so that
# find_package(vvsim) brings them to its user transitively (the layers are
# static libraries: their dependencies are the user's link dependencies).
# To add one: append it to a list below and link its target in the layer.

# pkg-config modules, as <PREFIX>:<module>[:<module>...]; each becomes PkgConfig::<PREFIX>.
set(VVSIM_PKG_CONFIG_DEPENDENCIES SYSTEMC:systemc VPX:vpx OPENH264:openh264 LIBAV:libavcodec:libavutil
    XXHASH:libxxhash)
# CMake packages, as <package> or <package>:<minimum version>.
set(VVSIM_PACKAGE_DEPENDENCIES yaml-cpp nlohmann_json:3 fmt Threads)

# Finds every dependency. `mode` is REQUIRED (the build: a missing one stops
# the configuration) or QUIET (the package config: what is missing lands in
# VVSIM_MISSING_DEPENDENCIES, so find_package(vvsim) can say so and fail).
macro(vvsim_find_dependencies mode)
  set(VVSIM_MISSING_DEPENDENCIES "")
  find_package(PkgConfig ${mode})
  foreach(vvsim_dep IN LISTS VVSIM_PKG_CONFIG_DEPENDENCIES)
    string(REPLACE ":" ";" vvsim_dep_parts "${vvsim_dep}")
    list(GET vvsim_dep_parts 0 vvsim_dep_prefix)
    list(SUBLIST vvsim_dep_parts 1 -1 vvsim_dep_modules)
    if(NOT TARGET PkgConfig::${vvsim_dep_prefix} AND PKG_CONFIG_FOUND)
      pkg_check_modules(${vvsim_dep_prefix} ${mode} IMPORTED_TARGET ${vvsim_dep_modules})
    endif()
    if(NOT TARGET PkgConfig::${vvsim_dep_prefix})
      list(APPEND VVSIM_MISSING_DEPENDENCIES "${vvsim_dep_modules} (pkg-config)")
    endif()
  endforeach()
  foreach(vvsim_dep IN LISTS VVSIM_PACKAGE_DEPENDENCIES)
    string(REPLACE ":" ";" vvsim_dep_parts "${vvsim_dep}")
    list(GET vvsim_dep_parts 0 vvsim_dep_name)
    list(LENGTH vvsim_dep_parts vvsim_dep_length)
    set(vvsim_dep_version "")
    if(vvsim_dep_length GREATER 1)
      list(GET vvsim_dep_parts 1 vvsim_dep_version)
    endif()
    find_package(${vvsim_dep_name} ${vvsim_dep_version} ${mode})
    if(NOT ${vvsim_dep_name}_FOUND)
      list(APPEND VVSIM_MISSING_DEPENDENCIES "${vvsim_dep_name} ${vvsim_dep_version}")
    endif()
  endforeach()
endmacro()
