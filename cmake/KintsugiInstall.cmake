# What `make package` puts in the Debian package (issue 13), and how CPack
# builds it: the binary (the knowledge base is built into it), its manual
# pages and shell completions (both written by the binary itself, from the
# same definitions as its command line), the licences, and the deployment
# files as examples. Included by the top-level CMakeLists.txt.

include(GNUInstallDirs)

set(kintsugi_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/kintsugi)
set(kintsugi_cli_dir ${PROJECT_BINARY_DIR}/apps/kintsugi)

install(TARGETS kintsugi_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Manual pages, compressed as Debian does (gzip -n: no name or time in the
# header, so two builds give the same bytes).
find_program(KINTSUGI_GZIP gzip REQUIRED)
set(kintsugi_man_gz_dir ${kintsugi_cli_dir}/man-gz)
add_custom_command(
  OUTPUT ${kintsugi_man_gz_dir}/kintsugi.1.gz
  COMMAND ${CMAKE_COMMAND} -DIN=${kintsugi_cli_dir}/man
          -DOUT=${kintsugi_man_gz_dir} -DGZIP=${KINTSUGI_GZIP}
          -P ${PROJECT_SOURCE_DIR}/cmake/GzipManPages.cmake
  DEPENDS kintsugi_man ${kintsugi_cli_dir}/man/kintsugi.1
  COMMENT "Compressing the manual pages"
  VERBATIM)
add_custom_target(kintsugi_man_gz ALL
                  DEPENDS ${kintsugi_man_gz_dir}/kintsugi.1.gz)
install(DIRECTORY ${kintsugi_man_gz_dir}/
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        FILES_MATCHING PATTERN "*.1.gz")

# Completions, where bash-completion and zsh look for them.
set(kintsugi_completion_dir ${kintsugi_cli_dir}/completion)
add_custom_command(
  OUTPUT ${kintsugi_completion_dir}/kintsugi ${kintsugi_completion_dir}/_kintsugi
  COMMAND ${CMAKE_COMMAND} -E make_directory ${kintsugi_completion_dir}
  COMMAND sh -c "\"$1\" completion bash > \"$2\" && \"$1\" completion zsh > \"$3\""
          sh $<TARGET_FILE:kintsugi_cli> ${kintsugi_completion_dir}/kintsugi
          ${kintsugi_completion_dir}/_kintsugi
  DEPENDS kintsugi_cli
  COMMENT "Writing the shell completions"
  VERBATIM)
add_custom_target(kintsugi_completions ALL
  DEPENDS ${kintsugi_completion_dir}/kintsugi ${kintsugi_completion_dir}/_kintsugi)
install(FILES ${kintsugi_completion_dir}/kintsugi
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${kintsugi_completion_dir}/_kintsugi
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

# Licences: the project's, the knowledge base's sources', and Debian's
# copyright file that names them all.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright
        ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${kintsugi_doc_dir})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kb/LICENSES/
        DESTINATION ${kintsugi_doc_dir}/kb-licenses)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/SECURITY.md
        DESTINATION ${kintsugi_doc_dir})

# The portal's deployment files, as examples: nothing is enabled. The unit
# runs the packaged binary.
file(READ ${PROJECT_SOURCE_DIR}/deploy/systemd/kintsugi-portal@.service
     kintsugi_unit)
string(REPLACE "/usr/local/bin/kintsugi" "/usr/bin/kintsugi" kintsugi_unit
       "${kintsugi_unit}")
string(REPLACE "install -m 0755 build/release/apps/kintsugi/kintsugi /usr/local/bin/"
       "apt install ./kintsugi_VERSION_amd64.deb   # the binary: /usr/bin/kintsugi"
       kintsugi_unit "${kintsugi_unit}")
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/packaging/kintsugi-portal@.service
     CONTENT "${kintsugi_unit}" @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/kintsugi-portal@.service
        DESTINATION ${kintsugi_doc_dir}/examples/systemd)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/nginx/kintsugi.conf
        DESTINATION ${kintsugi_doc_dir}/examples/nginx)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/deploy/seed-search/
        DESTINATION ${kintsugi_doc_dir}/examples/seed-search)

# The .deb. Its dependencies are those of the libraries the binary links,
# as dpkg-shlibdeps finds them (Debian's own tool); the files are stripped
# and owned by root; SOURCE_DATE_EPOCH (set by `make package` to the
# commit's time) dates every file in it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kintsugi)
set(CPACK_PACKAGE_VENDOR "The Kintsugi authors")
set(CPACK_PACKAGE_CONTACT "Kintsugi maintainers <security@kintsugi.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "identify ransomware and recover encrypted files, offline")
set(CPACK_PACKAGE_DESCRIPTION
"Kintsugi tells which ransomware family encrypted a set of files, with the
evidence, and decrypts them wherever recovery is possible: keys seized or
leaked, hard-coded keys, known plaintext and searches of weak seeds. The
originals are never modified. It also serves the victim portal and its API
(kintsugi serve).")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://kintsugi.invalid/")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
