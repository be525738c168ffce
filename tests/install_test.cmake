# `cmake --install` into a fresh prefix, then the installed stcsim, run from another folder, finds
# the installed configs by name. The installed a100.json is marked so that the test can tell it
# from the source tree's copy (which the binary also knows, as the last place it looks).
# -DBUILD_DIR=<build tree> -DWORK_DIR=<scratch folder>
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/elsewhere")
set(prefix "${WORK_DIR}/prefix")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}): ${out}")
endif()
foreach(file bin/stcsim share/stcsim/configs/a100.json share/stcsim/configs/h100-sxm.json share/stcsim/configs/h200.json
             share/stcsim/configs/rtx3090.json)
  if(NOT EXISTS "${prefix}/${file}")
    message(FATAL_ERROR "not installed: ${prefix}/${file}")
  endif()
endforeach()
file(READ "${prefix}/share/stcsim/configs/a100.json" config)
string(REPLACE "\"NVIDIA A100 SXM4\"" "\"NVIDIA A100 SXM4 (installed)\"" config "${config}")
file(WRITE "${prefix}/share/stcsim/configs/a100.json" "${config}")

execute_process(COMMAND "${prefix}/bin/stcsim" config list WORKING_DIRECTORY "${WORK_DIR}/elsewhere"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "a100 +NVIDIA A100 SXM4 \\(installed\\): sm_80")
  message(FATAL_ERROR "the installed stcsim does not list its installed configs (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND "${prefix}/bin/stcsim" bench mma --config a100 --iters 10 --json WORKING_DIRECTORY "${WORK_DIR}/elsewhere"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"cycles\"")
  message(FATAL_ERROR "the installed stcsim does not run --config a100 (${rc}):\n${out}${err}")
endif()
