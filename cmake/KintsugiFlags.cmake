# Compiler flags for our own code only, as INTERFACE targets (conventions.md
# "Build"): third-party headers and code never see them.

add_library(kintsugi_warnings INTERFACE)
add_library(kintsugi::warnings ALIAS kintsugi_warnings)
target_compile_options(kintsugi_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -Wmissing-declarations)
if(KINTSUGI_WERROR)
  target_compile_options(kintsugi_warnings INTERFACE -Werror)
endif()

add_library(kintsugi_hardening INTERFACE)
add_library(kintsugi::hardening ALIAS kintsugi_hardening)
target_compile_options(kintsugi_hardening INTERFACE
  -fstack-protector-strong -fstack-clash-protection
  $<$<STREQUAL:${CMAKE_SYSTEM_PROCESSOR},x86_64>:-fcf-protection>
  # _FORTIFY_SOURCE needs optimisation; glibc warns without it.
  $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
target_compile_definitions(kintsugi_hardening INTERFACE _GLIBCXX_ASSERTIONS)
target_link_options(kintsugi_hardening INTERFACE
  LINKER:-z,relro LINKER:-z,now LINKER:-z,noexecstack)

# Sanitizers apply to every target we build (ours and our tests), so they
# come in through the same helper functions.
add_library(kintsugi_sanitizers INTERFACE)
if(KINTSUGI_SANITIZE)
  target_compile_options(kintsugi_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  target_link_options(kintsugi_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all)
endif()
