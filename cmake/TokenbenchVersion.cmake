# Defines TOKENBENCH_GIT_COMMIT (short hash, "-dirty" when the tree has changes, "unknown" outside git).
find_package(Git QUIET)
set(TOKENBENCH_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --abbrev=10
                  WORKING_DIRECTORY "${CMAKE_SOURCE_DIR}"
                  OUTPUT_VARIABLE _tb_commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE _tb_rc)
  if(_tb_rc EQUAL 0 AND _tb_commit)
    set(TOKENBENCH_GIT_COMMIT "${_tb_commit}")
  endif()
endif()
