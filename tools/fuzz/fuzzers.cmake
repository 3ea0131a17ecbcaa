# Included by tests/CMakeLists.txt: builds tools/fuzz (libFuzzer targets) with clang as an external project
# and runs each fuzzer briefly as a test. Without clang++ the tests report "SKIPPED: ..." with the reason.
# Long runs: tools/fuzz/run_fuzzers.sh (see tools/fuzz/README.md).
option(HYPERLAB_FUZZ "Build the libFuzzer targets with clang and run them briefly in the tests" ON)
set(HYPERLAB_FUZZ_SECONDS 4 CACHE STRING "Seconds each fuzzer runs in the test suite")
find_program(HYPERLAB_CLANGXX NAMES clang++-14 clang++)
set(fuzz_dir ${CMAKE_BINARY_DIR}/fuzz)
if(HYPERLAB_FUZZ AND HYPERLAB_CLANGXX)
  include(ExternalProject)
  ExternalProject_Add(hyperlab_fuzzers
    SOURCE_DIR ${CMAKE_SOURCE_DIR}/tools/fuzz
    BINARY_DIR ${fuzz_dir}
    CMAKE_ARGS -DCMAKE_CXX_COMPILER=${HYPERLAB_CLANGXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${fuzz_dir}/study_file_fuzzer ${fuzz_dir}/request_fuzzer ${fuzz_dir}/idx_reader_fuzzer
                     ${fuzz_dir}/csv_reader_fuzzer ${fuzz_dir}/metric_line_fuzzer)
  file(MAKE_DIRECTORY ${fuzz_dir}/corpus/study_file ${fuzz_dir}/corpus/request ${fuzz_dir}/corpus/idx_reader
       ${fuzz_dir}/corpus/csv_reader ${fuzz_dir}/corpus/metric_line)
  # New inputs go to the build tree's corpus; the examples are the seed study files.
  add_test(NAME fuzz.study_file
    COMMAND ${fuzz_dir}/study_file_fuzzer -max_total_time=${HYPERLAB_FUZZ_SECONDS} -rss_limit_mb=1024
            -max_len=8192 -print_final_stats=1 -dict=${CMAKE_SOURCE_DIR}/tests/tools/study_file_fuzz/study_file.dict
            ${fuzz_dir}/corpus/study_file ${CMAKE_SOURCE_DIR}/tests/tools/study_file_fuzz/seeds
            ${CMAKE_SOURCE_DIR}/examples)
  add_test(NAME fuzz.request
    COMMAND ${fuzz_dir}/request_fuzzer -max_total_time=${HYPERLAB_FUZZ_SECONDS} -rss_limit_mb=1024
            -print_final_stats=1 ${fuzz_dir}/corpus/request)
  # The worker's readers of untrusted input (data files a study names, a user program's metric lines).
  foreach(t idx_reader csv_reader metric_line)
    add_test(NAME fuzz.${t}
      COMMAND ${fuzz_dir}/${t}_fuzzer -max_total_time=${HYPERLAB_FUZZ_SECONDS} -rss_limit_mb=1024
              -print_final_stats=1 ${fuzz_dir}/corpus/${t})
  endforeach()
  set_tests_properties(fuzz.study_file fuzz.request fuzz.idx_reader fuzz.csv_reader fuzz.metric_line
                       PROPERTIES TIMEOUT 120 WORKING_DIRECTORY ${fuzz_dir})
else()
  if(NOT HYPERLAB_CLANGXX)
    set(reason "clang++ not found (apt-get install clang-14 libclang-rt-14-dev)")
  else()
    set(reason "HYPERLAB_FUZZ is OFF")
  endif()
  foreach(t study_file request idx_reader csv_reader metric_line)
    add_test(NAME fuzz.${t} COMMAND ${CMAKE_COMMAND} -E echo "fuzz.${t}: SKIPPED: ${reason}")
    set_tests_properties(fuzz.${t} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED")
  endforeach()
endif()
