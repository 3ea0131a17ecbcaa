# Headers are addressed from the repository root (#include "searcher/grid_strategy.h"), but there is no global
# include root: hyperlab_headers(<target> <folder>) lets <target> and what links it include "<folder>/..."
# and nothing else, through a build-tree view holding one link to <folder>. A library sees the headers of
# what it links, so an include against the layers (tools/checks/layers.py prints them) fails to compile.
function(hyperlab_headers target folder)
  string(REPLACE "/" "_" view ${folder})
  set(root ${CMAKE_BINARY_DIR}/include/${view})
  get_filename_component(parent ${root}/${folder} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${folder} ${root}/${folder} SYMBOLIC)
  target_include_directories(${target} PUBLIC ${root})
endfunction()
