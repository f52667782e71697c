# Script mode (cmake/KintsugiInstall.cmake): IN/*.1 -> OUT/*.1.gz with
# `gzip -9n`, so that the archives carry no file name or time.
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
file(GLOB pages ${IN}/*.1)
foreach(page IN LISTS pages)
  get_filename_component(name ${page} NAME)
  execute_process(COMMAND ${GZIP} -9n -c ${page}
                  OUTPUT_FILE ${OUT}/${name}.gz RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed")
  endif()
endforeach()
