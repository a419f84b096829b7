# Install rules: every layer's headers (under include/vvsim, included as
# "<layer>/<file>.h" as inside this tree), the layers' static libraries, the
# executables, and a CMake package (vvsimConfig.cmake, its version file and
# the exported targets vvsim::<layer> and the umbrella vvsim::vvsim).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(VVSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/vvsim)
set(VVSIM_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/vvsim)

# vvsim_install_layer(<target> <layer folder>): called by vvsim_add_layer.
function(vvsim_install_layer target layer)
  install(TARGETS ${target} EXPORT vvsimTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}/ DESTINATION ${VVSIM_INSTALL_INCLUDEDIR}/${layer}
          FILES_MATCHING PATTERN "*.h")
endfunction()

# The umbrella target and the package files; after every layer is defined.
function(vvsim_install_package)
  add_library(vvsim_umbrella INTERFACE)
  target_link_libraries(vvsim_umbrella INTERFACE ${ARGN})
  # vvsim_version.h: generated in the build tree, installed beside the layers' headers.
  target_include_directories(vvsim_umbrella INTERFACE $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>)
  set_target_properties(vvsim_umbrella PROPERTIES EXPORT_NAME vvsim)
  add_library(vvsim::vvsim ALIAS vvsim_umbrella)
  install(TARGETS vvsim_umbrella EXPORT vvsimTargets)
  install(FILES ${PROJECT_BINARY_DIR}/generated/vvsim_version.h DESTINATION ${VVSIM_INSTALL_INCLUDEDIR})
  install(EXPORT vvsimTargets NAMESPACE vvsim:: DESTINATION ${VVSIM_INSTALL_CMAKEDIR})
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/vvsimConfig.cmake.in
                                ${PROJECT_BINARY_DIR}/vvsimConfig.cmake INSTALL_DESTINATION ${VVSIM_INSTALL_CMAKEDIR})
  # 0.x: a minor version may change the interfaces.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/vvsimConfigVersion.cmake COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/vvsimConfig.cmake ${PROJECT_BINARY_DIR}/vvsimConfigVersion.cmake
                ${PROJECT_SOURCE_DIR}/cmake/vvsimDependencies.cmake
          DESTINATION ${VVSIM_INSTALL_CMAKEDIR})
endfunction()

# vvsim_add_layer(<target> LIBS <deps...>): a static library from every .cpp
# below the current folder (headers are included as "<layer>/<file>.h"),
# also known as vvsim::<layer>, installed and exported under that name.
function(vvsim_add_layer target)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  get_filename_component(layer ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(scope PUBLIC)
  if(srcs)
    add_library(${target} STATIC ${srcs})
  else()
    add_library(${target} INTERFACE)
    set(scope INTERFACE)
  endif()
  target_include_directories(${target} ${scope} $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                             $<INSTALL_INTERFACE:${VVSIM_INSTALL_INCLUDEDIR}>)
  target_link_libraries(${target} ${scope} ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${layer})
  add_library(vvsim::${layer} ALIAS ${target})
  vvsim_install_layer(${target} ${layer})
endfunction()
