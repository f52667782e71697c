# Fails unless every exit code in apps/kintsugi/cli.h appears, with the same
# number and name, in the exit-code table of docs/cli.md (the documented
# contract scripts rely on).
file(STRINGS ${SOURCE_ROOT}/apps/kintsugi/cli.h header_lines
     REGEX "^ *kExit[A-Za-z]+ = [0-9]+,")
file(READ ${SOURCE_ROOT}/docs/cli.md doc)
list(LENGTH header_lines count)
if(count LESS 5)
  message(FATAL_ERROR "found only ${count} exit codes in cli.h")
endif()
foreach(line ${header_lines})
  string(REGEX MATCH "(kExit[A-Za-z]+) = ([0-9]+)" _ "${line}")
  set(name ${CMAKE_MATCH_1})
  set(code ${CMAKE_MATCH_2})
  string(FIND "${doc}" "| ${code} | `${name}` |" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "docs/cli.md lacks the row '| ${code} | `${name}` |'")
  endif()
endforeach()
message(STATUS "${count} exit codes documented")
