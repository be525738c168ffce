# tools/latency_curve.py without --out writes latency-curve.csv into the current folder, never over
# the committed docs/figures/latency-curve.*. A stand-in stcsim answers every footprint.
# -DPYTHON=<python3> -DSOURCE_DIR=<source tree> -DWORK_DIR=<scratch folder>
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/fake-stcsim" "#!/bin/sh\necho '{\"latency_cycles\": 33.0}'\n")
execute_process(COMMAND chmod +x "${WORK_DIR}/fake-stcsim")
execute_process(COMMAND "${PYTHON}" "${SOURCE_DIR}/tools/latency_curve.py" --stcsim "${WORK_DIR}/fake-stcsim" --no-plot
                        "${SOURCE_DIR}/configs/a100.json"
                WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "latency_curve.py failed (${rc}): ${out}${err}")
endif()
if(NOT EXISTS "${WORK_DIR}/latency-curve.csv" OR EXISTS "${WORK_DIR}/docs")
  message(FATAL_ERROR "latency_curve.py without --out must write ./latency-curve.csv; it wrote: ${out}")
endif()
file(STRINGS "${WORK_DIR}/latency-curve.csv" rows)
list(LENGTH rows n)
if(NOT n EQUAL 38)  # the header and 37 footprints, 4 KB .. 1 GB
  message(FATAL_ERROR "expected 38 lines in latency-curve.csv, got ${n}")
endif()
