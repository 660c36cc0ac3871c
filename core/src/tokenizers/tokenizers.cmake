# Tokenizers (k-means family, random control, ID import, the tokenizer table), included from
# core/CMakeLists.txt. kmeans.cpp, rq_kmeans.cpp (and, through kmeans.h, the others) use LibTorch.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/kmeans.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/rq_kmeans.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/balanced_kmeans.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/random_tokenizer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/import_ids.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/tokenizer_registry.cpp
)
