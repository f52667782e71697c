# Run in script mode at every build (apps/kintsugi/CMakeLists.txt): writes
# OUT, a C++ source that says which commit the binary was built from and
# when kb/ last changed, read from the git checkout at SOURCE ("unknown"
# and no date outside one, e.g. in a source tarball). OUT changes only when
# they do, so an unchanged build recompiles nothing and two builds of one
# commit embed the same bytes (issue 13: reproducible packages).
set(commit "unknown")
set(kb_date "")
find_program(KINTSUGI_GIT git)
if(KINTSUGI_GIT)
  execute_process(
    COMMAND ${KINTSUGI_GIT} -C ${SOURCE} rev-parse --short=12 HEAD
    OUTPUT_VARIABLE head RESULT_VARIABLE rc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(rc EQUAL 0 AND NOT head STREQUAL "")
    set(commit ${head})
    # Tracked files changed since that commit: say so.
    execute_process(
      COMMAND ${KINTSUGI_GIT} -C ${SOURCE} status --porcelain
              --untracked-files=no
      OUTPUT_VARIABLE changed RESULT_VARIABLE rc ERROR_QUIET)
    if(rc EQUAL 0 AND NOT changed STREQUAL "")
      string(APPEND commit "-dirty")
    endif()
    execute_process(
      COMMAND ${CMAKE_COMMAND} -E env TZ=UTC
              ${KINTSUGI_GIT} -C ${SOURCE} log -1
              --date=format-local:%Y-%m-%d --format=%cd -- kb
      OUTPUT_VARIABLE date RESULT_VARIABLE rc
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(rc EQUAL 0 AND date MATCHES "^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$")
      set(kb_date ${date})
    endif()
  endif()
endif()
file(WRITE ${OUT}.new
"// Written by cmake/BuildInfo.cmake at build time; do not edit.
#include \"build_info.h\"

namespace kintsugi::cli {

const char* BuildCommit() { return \"${commit}\"; }
const char* BuiltInKbDate() { return \"${kb_date}\"; }

}  // namespace kintsugi::cli
")
file(COPY_FILE ${OUT}.new ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.new)
