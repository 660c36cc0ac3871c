# Data-parallel training (training/process_group.cpp) uses LibTorch's c10d, whose Gloo header needs
# gloo's own headers: Debian's libgloo-dev, or the ones a LibTorch distribution ships. Without them
# the program builds and `--nproc` > 1 says what is missing. NCCL joins in for CUDA builds of LibTorch
# when nccl.h is found (CUDA tensors then travel over NCCL, CPU tensors over Gloo).
find_path(TOKENBENCH_GLOO_INCLUDE gloo/algorithm.h HINTS ${TORCH_INCLUDE_DIRS})
find_path(TOKENBENCH_C10D_INCLUDE torch/csrc/distributed/c10d/ProcessGroupGloo.hpp HINTS ${TORCH_INCLUDE_DIRS})
set(tokenbench_c10d 0)
set(tokenbench_nccl 0)
set(tokenbench_c10d_defines "")
if(TOKENBENCH_GLOO_INCLUDE AND TOKENBENCH_C10D_INCLUDE)
  set(tokenbench_c10d 1)
  target_include_directories(tokenbench_core PRIVATE ${TOKENBENCH_GLOO_INCLUDE})
  option(TOKENBENCH_NCCL "NCCL for CUDA tensors in data-parallel training (CUDA builds of LibTorch)" ON)
  find_path(TOKENBENCH_NCCL_INCLUDE nccl.h HINTS "$ENV{NCCL_HOME}/include" "${CUDAToolkit_INCLUDE_DIRS}"
            "${CUDA_TOOLKIT_ROOT_DIR}/include")
  if(TOKENBENCH_NCCL AND TORCH_CUDA_LIBRARIES AND TOKENBENCH_NCCL_INCLUDE)
    set(tokenbench_nccl 1)
    target_include_directories(tokenbench_core PRIVATE ${TOKENBENCH_NCCL_INCLUDE})
    list(APPEND tokenbench_c10d_defines USE_C10D_NCCL)
  endif()
endif()
set_source_files_properties(src/training/process_group.cpp PROPERTIES COMPILE_DEFINITIONS
  "TOKENBENCH_WITH_C10D=${tokenbench_c10d};TOKENBENCH_WITH_NCCL=${tokenbench_nccl};${tokenbench_c10d_defines}")
message(STATUS "Data-parallel training: c10d Gloo ${tokenbench_c10d}, NCCL ${tokenbench_nccl}")
