# Featurizers (text TF-IDF + SVD, attributes, co-occurrence PPMI + SVD, imported embeddings), included
# from core/CMakeLists.txt. Only svd.cpp includes LibTorch headers.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/svd.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/text_features.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/attribute_features.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/cooccurrence_features.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/embedding_import.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/build_features.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/features/feature_spec_json.cpp
)
