# tools/profile_vs_ncu.py joins a pc_profile.csv with a committed Nsight Compute source-page CSV by
# PC offset, warns where execution counts differ, and refuses a malformed profile with one line
# naming the file and the line.
# -DPYTHON=<python3> -DSOURCE_DIR=<source tree> -DWORK_DIR=<scratch folder>
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(ncu "${SOURCE_DIR}/validation/measurements/profiles/h200-sxm-2/ncu_source_gemm_dense.csv.xz")
# The kernel's first three instructions (LDC, S2R, ULDC: 1024 warps each); S2R counted wrong.
file(WRITE "${WORK_DIR}/pc_profile.csv"
  "kernel,pc,sass,executions,warp_cycles,stall_count_cycles,other_cycles,cycles_per_execution,share\n"
  "1,0x0,LDC,1024,0,0,0,0.000,0.0\n1,0x10,S2R,1000,1000,1000,0,1.000,0.5\n1,0x20,ULDC,1024,1024,1024,0,1.000,0.5\n")
execute_process(COMMAND "${PYTHON}" "${SOURCE_DIR}/tools/profile_vs_ncu.py" --ncu "${ncu}" --profile "${WORK_DIR}/pc_profile.csv"
                        --cycles-per-instruction 4.92
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "profile_vs_ncu.py failed (${rc}): ${out}${err}")
endif()
if(NOT out MATCHES "\nLDC +3072 " OR NOT out MATCHES "\nHMMA +4194304 ")
  message(FATAL_ERROR "expected per-opcode rows for LDC (3072: three PCs) and HMMA (4194304, GPU only): ${out}")
endif()
if(NOT err MATCHES "offset 0x10 \\(GPU 1024, simulated 1000\\)")
  message(FATAL_ERROR "expected a warning about S2R's execution count: ${err}")
endif()
file(WRITE "${WORK_DIR}/bad.csv" "kernel,pc,sass,executions,warp_cycles,stall_count_cycles\n1,0x0,LDC,many,0,0\n")
execute_process(COMMAND "${PYTHON}" "${SOURCE_DIR}/tools/profile_vs_ncu.py" --ncu "${ncu}" --profile "${WORK_DIR}/bad.csv"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.csv:2: column 'executions' is 'many'; expected a whole number\n$")
  message(FATAL_ERROR "a malformed profile must fail with one line naming file:line (rc ${rc}): ${err}")
endif()
