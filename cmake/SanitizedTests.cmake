# Read by ctest in the normal tree (TEST_INCLUDE_FILES): with SANITIZED_TESTS_DIR set in the
# environment (scripts/test.sh), the tests of that sanitized tree run in the same ctest run.
if(DEFINED ENV{SANITIZED_TESTS_DIR})
  if(NOT EXISTS "$ENV{SANITIZED_TESTS_DIR}/CTestTestfile.cmake")
    message(FATAL_ERROR "SANITIZED_TESTS_DIR=$ENV{SANITIZED_TESTS_DIR} is not a configured build tree")
  endif()
  subdirs("$ENV{SANITIZED_TESTS_DIR}")
endif()
