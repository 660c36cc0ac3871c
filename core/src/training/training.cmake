# The training engine and the tools for finished model runs, included from core/CMakeLists.txt.
# Only device_setup.cpp includes LibTorch; the rest stays torch-free so it compiles quickly.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/checkpoint_state.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/device_setup.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/job_settings.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/model_evaluation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/model_run.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/run_tools.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/training/train_job.cpp
)
