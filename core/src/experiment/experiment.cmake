# Experiment files (projects/*.json) and running them, included from core/CMakeLists.txt. Torch-free.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/json_reader.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/experiment_file.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/run_experiment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/sweep.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/sweep_progress.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/experiment/sweep_view.cpp
)
