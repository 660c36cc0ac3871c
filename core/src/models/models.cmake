# Recommenders (popularity, SASRec, BERT4Rec, TIGER, SID-GPT) and the model table, included from core/CMakeLists.txt.
# The torch models use LibTorch; none of it reaches a public header.
target_sources(tokenbench_core PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/model_registry.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/module_export.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/model_checkpoint.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sequence_tensors.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/weight_init.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/attention_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/torch_recommender.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/popularity_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/cove_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/cove_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/negative_sampler.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_batched_gemm.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_adam.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/bert4rec_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/bert4rec_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/rearec_reasoning.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sampled_losses.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sequence_augment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/prefix_trie.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/contrastive_loss.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/intent_clusters.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/lr_schedule.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/tiger_config.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/tiger_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/id_beam_search.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/id_exact_scores.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/parallel_batches.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/tiger_id_decoder.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/trie_training_mask.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/batch_shards.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/tiger_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/generative_ranking.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sigma_model.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sigma_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sid_gpt_config.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sid_gpt_module.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sid_gpt_id_decoder.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/models/sid_gpt_model.cpp
)
# The fused Adam loops vectorise only when sqrt need not set errno (its argument is never negative).
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/models/sasrec_adam.cpp PROPERTIES COMPILE_OPTIONS "-fno-math-errno")
endif()
