# The include half of the layer rule (cmake/engine_layers.cmake), run by ctest as layer_includes:
#   cmake -DSOURCE_DIR=<repository> -DTABLE=<build>/layer_table.txt -P cmake/layer_check.cmake
# Every #include "..." of every C++ and CUDA file under a layer's folder must name a file of that
# layer or of a layer it may use; a file under tests/ or bench/ may include anything, and no layer
# may include one of those. System headers (<...>) are not checked. Fails listing every upward
# include as <file>:<line>: ...; prints the number of files and includes checked otherwise.
cmake_minimum_required(VERSION 3.25)
if(NOT SOURCE_DIR OR NOT TABLE)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repository> -DTABLE=<layer table> -P layer_check.cmake")
endif()

file(STRINGS ${TABLE} table_lines REGEX "^[a-z_]+:")
set(layers)
foreach(line IN LISTS table_lines)
  string(REGEX MATCH "^([a-z_]+): *(.*)$" matched "${line}")
  set(layer ${CMAKE_MATCH_1})
  separate_arguments(allowed_${layer} UNIX_COMMAND "${CMAKE_MATCH_2}")
  list(APPEND layers ${layer})
endforeach()
if(NOT layers)
  message(FATAL_ERROR "layer check: no layers in ${TABLE}")
endif()

# The layer of a path relative to the repository: its first folder when that is a layer;
# "tests" or "bench" for those (the top); empty for anything else (not checked).
function(layer_of path result)
  string(REGEX MATCH "^[^/]+" folder "${path}")
  if(folder IN_LIST layers OR folder STREQUAL "tests" OR folder STREQUAL "bench")
    set(${result} ${folder} PARENT_SCOPE)
  else()
    set(${result} "" PARENT_SCOPE)
  endif()
endfunction()

set(violations)
set(files_checked 0)
set(includes_checked 0)
foreach(layer IN LISTS layers)
  file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR}
       ${SOURCE_DIR}/${layer}/*.h ${SOURCE_DIR}/${layer}/*.cpp ${SOURCE_DIR}/${layer}/*.cu
       ${SOURCE_DIR}/${layer}/*.cuh ${SOURCE_DIR}/${layer}/*.inc ${SOURCE_DIR}/${layer}/*.def)
  foreach(file IN LISTS files)
    math(EXPR files_checked "${files_checked} + 1")
    file(STRINGS ${SOURCE_DIR}/${file} lines)
    set(number 0)
    foreach(line IN LISTS lines)
      math(EXPR number "${number} + 1")
      if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\"")
        continue()
      endif()
      set(included ${CMAKE_MATCH_1})
      math(EXPR includes_checked "${includes_checked} + 1")
      layer_of(${included} target)
      if(target STREQUAL "")
        # Not a path from the repository root: a file beside this one, which is the same layer.
        get_filename_component(folder ${file} DIRECTORY)
        if(EXISTS ${SOURCE_DIR}/${folder}/${included} OR NOT included MATCHES "/")
          continue()
        endif()
      endif()
      if(NOT target IN_LIST allowed_${layer})
        string(REPLACE ";" ", " allowed "${allowed_${layer}}")
        list(APPEND violations
             "${file}:${number}: includes ${included} (layer ${target}), but ${layer} may only include ${allowed}")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  list(LENGTH violations count)
  string(REPLACE ";" "\n  " listed "${violations}")
  message(FATAL_ERROR "layer check: ${count} include(s) reach a layer above (the layer table is "
                      "in CMakeLists.txt, docs/ARCHITECTURE.md explains it):\n  ${listed}")
endif()
message(STATUS "layer check: ${files_checked} files, ${includes_checked} includes, every one "
               "within its layer or below")
