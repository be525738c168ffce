# The accuracy gate of CI: runs `stcsim compare --check` on every folder under
# validation/measurements/ (each holding a header.json), against configs/<name>.json, where <name>
# is the folder's name or its longest prefix naming a config (a100-sxm4-40gb -> configs/a100.json).
# It fails when a class exceeds its MAPE threshold (validation/thresholds.json, or the folder's own
# validation/measurements/<name>.thresholds.json where one is committed beside it), a functional
# record mismatches, a folder is malformed, or a folder says "synthetic": committed measurements
# are real runs only. With no measurements committed it passes and says so.
# Invoked by ctest as: cmake -DSTCSIM=<binary> -DSOURCE_DIR=<sources> -P check_measurements.cmake
file(GLOB headers ${SOURCE_DIR}/validation/measurements/*/header.json)
if(NOT headers)
  message(STATUS "no committed measurements under validation/measurements/: nothing to check yet")
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/config_for.cmake)
set(failed "")
foreach(header ${headers})
  get_filename_component(dir ${header} DIRECTORY)
  get_filename_component(name ${dir} NAME)
  file(READ ${header} header_text)
  if(header_text MATCHES "\"synthetic\"[ \t\r\n]*:[ \t\r\n]*true")
    list(APPEND failed "${name}: marked synthetic; validation/measurements/ holds real GPU runs only")
    continue()
  endif()
  stcsim_config_for(${name} config)
  if(NOT config)
    list(APPEND failed "${name}: no configs/<prefix of ${name}>.json to compare with")
    continue()
  endif()
  set(limits "")
  if(EXISTS ${dir}.thresholds.json)
    set(limits --thresholds ${dir}.thresholds.json)
  endif()
  execute_process(COMMAND ${STCSIM} compare --check --measured ${dir} --config ${config} ${limits}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${name} against ${config}:\n${out}${err}")
  if(NOT rc EQUAL 0)
    list(APPEND failed "${name}: stcsim compare --check exited ${rc}")
  endif()
endforeach()
if(failed)
  string(REPLACE ";" "\n  " failed "${failed}")
  message(FATAL_ERROR "committed measurements fail the accuracy gate:\n  ${failed}")
endif()
