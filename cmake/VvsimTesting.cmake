# vvsim_add_test_file(FILE <test_x.cpp> LIBS <targets...>)
#
# Builds one Boost.Test executable from FILE and registers one CTest entry per
# top-level BOOST_AUTO_TEST_CASE found in it. SystemC elaborates once per
# process, so every simulation test case must run in a process of its own.
# Test cases therefore live at file scope (no BOOST_AUTO_TEST_SUITE).
function(vvsim_add_test_file)
  cmake_parse_arguments(ARG "" "FILE" "LIBS;LABELS" ${ARGN})
  get_filename_component(stem ${ARG_FILE} NAME_WE)
  get_filename_component(area ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  set(target ${area}_${stem})
  add_executable(${target} ${ARG_FILE} ${PROJECT_SOURCE_DIR}/tests/support/sc_main_stub.cpp)
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} Boost::unit_test_framework)
  target_compile_definitions(${target} PRIVATE BOOST_TEST_DYN_LINK
    VVSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" VVSIM_BINARY_DIR="${PROJECT_BINARY_DIR}")
  file(READ ${ARG_FILE} body)
  string(REGEX MATCHALL "BOOST_AUTO_TEST_CASE\\([ ]*[A-Za-z0-9_]+" cases "${body}")
  if(NOT cases)
    message(FATAL_ERROR "${ARG_FILE}: no BOOST_AUTO_TEST_CASE found")
  endif()
  foreach(c ${cases})
    string(REGEX REPLACE "BOOST_AUTO_TEST_CASE\\([ ]*" "" name "${c}")
    add_test(NAME ${area}.${stem}.${name} COMMAND ${target} --run_test=${name} --log_level=message
             WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
    # Generated inputs are cached in the build tree, not in the user's cache.
    set_tests_properties(${area}.${stem}.${name} PROPERTIES TIMEOUT 300 LABELS "${area};${ARG_LABELS}"
                         ENVIRONMENT "VVSIM_CACHE_DIR=${PROJECT_BINARY_DIR}/generated-input-cache")
  endforeach()
  set_property(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_FILE})
endfunction()

# vvsim_add_test_dir(LIBS <targets...>): every test_*.cpp in the current folder.
function(vvsim_add_test_dir)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/test_*.cpp)
  foreach(f ${files})
    vvsim_add_test_file(FILE ${f} LIBS ${ARG_LIBS})
  endforeach()
endfunction()
