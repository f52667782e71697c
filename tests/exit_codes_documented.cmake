# Fails unless every exit code in include/kintsugi/status_table.h appears,
# with the same number and name, in the exit-code table of docs/cli.md, and
# that table names no code the header lacks (the documented contract scripts
# rely on). Which failure gets which exit code and HTTP status is checked by
# StatusTableTest.MatchesDocsCliMd.
set(header ${SOURCE_ROOT}/include/kintsugi/status_table.h)
file(STRINGS ${header} header_lines REGEX "^ *kExit[A-Za-z]+ = [0-9]+,")
file(STRINGS ${SOURCE_ROOT}/docs/cli.md doc_rows
     REGEX "^\\| [0-9]+ \\| `kExit[A-Za-z]+` \\|")
list(LENGTH header_lines count)
if(count LESS 5)
  message(FATAL_ERROR "found only ${count} exit codes in ${header}")
endif()
set(header_rows "")
foreach(line ${header_lines})
  string(REGEX MATCH "(kExit[A-Za-z]+) = ([0-9]+)" _ "${line}")
  set(row "| ${CMAKE_MATCH_2} | `${CMAKE_MATCH_1}` |")
  list(APPEND header_rows "${row}")
  set(found FALSE)
  foreach(doc_row ${doc_rows})
    string(FIND "${doc_row}" "${row}" at)
    if(at EQUAL 0)
      set(found TRUE)
    endif()
  endforeach()
  if(NOT found)
    message(FATAL_ERROR "docs/cli.md lacks the row '${row}'")
  endif()
endforeach()
foreach(doc_row ${doc_rows})
  string(REGEX MATCH "^\\| [0-9]+ \\| `kExit[A-Za-z]+` \\|" row "${doc_row}")
  list(FIND header_rows "${row}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "docs/cli.md documents '${row}', which ${header} "
                        "does not define")
  endif()
endforeach()
message(STATUS "${count} exit codes documented")
