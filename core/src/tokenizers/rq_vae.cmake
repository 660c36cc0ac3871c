# TIGER's RQ-VAE and the one-level VQ-VAE tokenizers, included from core/CMakeLists.txt.
# Both files include LibTorch headers; none of it reaches a public header.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/rq_vae_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/rq_vae.cpp
)
# The tokenizer table lists rq-vae/vq-vae only when these sources are built; the definition is set
# on that one file so no other translation unit recompiles.
set_property(SOURCE ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/tokenizer_registry.cpp
  APPEND PROPERTY COMPILE_DEFINITIONS TOKENBENCH_HAVE_RQVAE)
# The RQ-VAE's regularisers (balanced last level, collaborative alignment) and the graph RQ-VAE.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/sinkhorn_assignment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/collaborative_alignment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/graph_propagation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/popularity_token.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tokenizers/graph_rq_vae.cpp
)
