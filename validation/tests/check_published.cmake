# The published-data gate of CI: runs `stcsim compare --check` on every folder under
# validation/published/<gpu>/<source>/ (each holding a header.json with "published": true and a
# source.json) against configs/<name>.json, where <name> is <gpu> or its longest prefix naming a
# config (a100-80gb -> configs/a100.json). A GPU no config models is listed as not checked.
# It fails when a class exceeds its limit (validation/thresholds.json), a folder is malformed, or
# a folder is not marked published (our own runs live under validation/measurements/). A folder
# whose benchmark twin is not built (no nvcc) is listed as not checked; with none checked, the test
# is skipped.
# With -DOVERRIDES="key=value;..." every compare runs with those -p overrides, and with
# -DEXPECT_FAILURE=ON the gate must fail instead: a calibrated value put back must be caught, by
# the accuracy verdict (exit 4 of `compare --check`); a comparison that cannot run fails either way.
# Invoked by ctest as: cmake -DSTCSIM=<binary> -DSOURCE_DIR=<sources> [-DONLY=<gpu>] -P check_published.cmake
file(GLOB headers ${SOURCE_DIR}/validation/published/*/*/header.json)
if(NOT headers)
  message(FATAL_ERROR "no published folders under validation/published/")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/config_for.cmake)
set(overrides "")
foreach(o ${OVERRIDES})
  list(APPEND overrides -p ${o})
endforeach()
set(failed "")  # folders that fail the accuracy gate
set(broken "")  # folders whose comparison did not run to a verdict
set(checked 0)
foreach(header ${headers})
  get_filename_component(dir ${header} DIRECTORY)
  get_filename_component(source ${dir} NAME)
  get_filename_component(gpu_dir ${dir} DIRECTORY)
  get_filename_component(gpu ${gpu_dir} NAME)
  if(DEFINED ONLY AND NOT gpu STREQUAL ONLY)
    continue()
  endif()
  file(READ ${header} header_text)
  if(NOT header_text MATCHES "\"published\"[ \t\r\n]*:[ \t\r\n]*true")
    list(APPEND broken "${gpu}/${source}: header.json does not say \"published\": true")
    continue()
  endif()
  stcsim_config_for(${gpu} config)
  if(NOT config)
    message(STATUS "${gpu}/${source}: not checked: no configs/<prefix of ${gpu}>.json models this GPU")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  execute_process(COMMAND ${STCSIM} compare --check --measured ${dir} --config ${config} ${overrides}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(err MATCHES "compiled no twins")  # the folder's benchmark twin needs nvcc at build time
    message(STATUS "${gpu}/${source}: not checked: its benchmark twin (validation/twins) is not built, which needs nvcc")
    math(EXPR checked "${checked} - 1")
    continue()
  endif()
  string(REGEX MATCH "\nclass [^\n]*status\n.*" summary "${out}")
  message(STATUS "${gpu}/${source} against ${config}:${summary}${err}")
  if(rc EQUAL 4)  # the accuracy gate failed (stcsim compare --check)
    list(APPEND failed "${gpu}/${source}: stcsim compare --check exited ${rc}")
  elseif(NOT rc EQUAL 0)  # anything else: the comparison did not run to its verdict
    list(APPEND broken "${gpu}/${source}: stcsim compare --check exited ${rc}")
  endif()
endforeach()
if(checked EQUAL 0)
  # ctest reports the test as skipped on this word (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt)
  message(FATAL_ERROR "SKIPPED: no published folder could be checked")
endif()
if(broken)
  string(REPLACE ";" "\n  " broken "${broken}")
  message(FATAL_ERROR "the comparison did not run to its verdict:\n  ${broken}")
endif()
if(EXPECT_FAILURE)
  if(NOT failed)
    message(FATAL_ERROR "the published data no longer tells the overrides ${OVERRIDES} from the calibrated config")
  endif()
  message(STATUS "caught, as it must be:\n  ${failed}")
  return()
endif()
if(failed)
  string(REPLACE ";" "\n  " failed "${failed}")
  message(FATAL_ERROR "published data fails the accuracy gate:\n  ${failed}")
endif()
