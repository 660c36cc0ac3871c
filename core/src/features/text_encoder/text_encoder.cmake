# Text encoders (BERT-family sentence encoders from a user-supplied folder), included from
# core/CMakeLists.txt. bert_encoder.cpp and sentence_encoder.cpp use LibTorch; the tokenizer does not.
set(_dir ${CMAKE_CURRENT_SOURCE_DIR}/src/features/text_encoder)
target_sources(tokenbench_core PRIVATE
  ${_dir}/unicode_tables.cpp
  ${_dir}/wordpiece_tokenizer.cpp
  ${_dir}/bert_config.cpp
  ${_dir}/bert_encoder.cpp
  ${_dir}/sentence_encoder.cpp
  ${_dir}/text_encoder_features.cpp)
