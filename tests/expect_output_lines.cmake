# Runs CMD with ARGS (a ;-list) and fails unless it exits with EXPECT, writes
# exactly ERR_LINES lines on stderr, each matching MATCH (a regex), and
# exactly OUT_MATCHES lines matching MATCH on stdout.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCHALL "[^\n]*\n" err_lines "${err}")
list(LENGTH err_lines err_count)
string(REGEX MATCHALL "[^\n]*${MATCH}[^\n]*" out_matches "${out}")
list(LENGTH out_matches out_count)
if(NOT rc EQUAL EXPECT OR NOT err_count EQUAL ERR_LINES
   OR NOT out_count EQUAL OUT_MATCHES)
  message(FATAL_ERROR
    "exit ${rc} (expected ${EXPECT}); ${err_count} lines on stderr (expected "
    "${ERR_LINES}); ${out_count} lines matching '${MATCH}' on stdout "
    "(expected ${OUT_MATCHES})\nstdout:\n${out}\nstderr:\n${err}")
endif()
foreach(line ${err_lines})
  if(NOT line MATCHES "${MATCH}")
    message(FATAL_ERROR "stderr line does not match '${MATCH}': ${line}")
  endif()
endforeach()
