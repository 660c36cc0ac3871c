# Evaluation (full-ranking Recall/NDCG/MRR), included from core/CMakeLists.txt. No LibTorch.
target_sources(tokenbench_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/eval/ranking_evaluator.cpp)
target_sources(tokenbench_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/eval/metric_keys.cpp)
target_sources(tokenbench_core PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/eval/paired_statistics.cpp)
target_link_libraries(tokenbench_core PRIVATE Boost::headers)
