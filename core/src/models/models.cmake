# Recommenders (popularity, SASRec) and the model table, included from core/CMakeLists.txt.
# sasrec_module.cpp and sasrec_model.cpp use LibTorch; none of it reaches a public header.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/model_registry.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/module_export.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/popularity_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_model.cpp
)
