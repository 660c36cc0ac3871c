# tokenbench_add_test(NAME test_x SOURCES a.cpp LIBS lib... LABELS core|gui|slow|gpu [TIMEOUT s])
# Builds a Qt Test executable and registers it with CTest. QT_NO_KEYWORDS keeps Qt's `slots`
# macro away from any LibTorch header a test might see; tests write `private Q_SLOTS:`.
function(tokenbench_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  set_target_properties(${T_NAME} PROPERTIES AUTOMOC ON)
  target_compile_definitions(${T_NAME} PRIVATE QT_NO_KEYWORDS)
  target_link_libraries(${T_NAME} PRIVATE tokenbench_test_support Qt6::Test ${T_LIBS})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;TOKENBENCH_THREADS=1")
endfunction()
