# Streaming data loaders (one source per format plus shared readers), added to tokenbench_core.
# Included from core/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is core/.
set(TOKENBENCH_LOADER_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/text_util.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/line_reader.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/csv_tokenizer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/json_util.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/load.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/detect_format.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_seqtxt.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_recbole.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_movielens.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_amazon.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_csv.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/loader_lcrec.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/data/loaders/item_table.cpp
)
target_sources(tokenbench_core PRIVATE ${TOKENBENCH_LOADER_SOURCES})
# The fuzz targets (tests/fuzz) compile these sources again with sanitizer instrumentation.
set_property(GLOBAL PROPERTY TOKENBENCH_LOADER_SOURCES ${TOKENBENCH_LOADER_SOURCES})
