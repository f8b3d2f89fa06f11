# The engine's layers (docs/ARCHITECTURE.md): each layer is the folder of its name and one static
# library, linked only to the layers it depends on. The root CMakeLists.txt declares them, lowest
# first, with engine_layer(); the same declarations feed two checks:
#   layer_includes      (ctest, cmake/layer_check.cmake) every #include of every file under a
#                       layer's folder must name a file of that layer or of a layer below it;
#   layer_link_<name>   (built with the tests) the layer's whole archive linked with nothing but
#                       the layers below it: a call upward is an undefined symbol there.

# engine_layer(<name> SOURCES <folder>... [DEPENDS <layer>...] [LIBRARY <target>])
#   SOURCES  folders (relative to the repository root) whose *.cpp and *.cu files are compiled
#            into the layer; all of them lie inside the folder <name>.
#   DEPENDS  the layers directly below; what they depend on is allowed too (transitively).
#   LIBRARY  the target's name (default engine_<name>).
function(engine_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 layer "" "LIBRARY" "SOURCES;DEPENDS")
  if(NOT layer_LIBRARY)
    set(layer_LIBRARY engine_${name})
  endif()
  set(sources)
  foreach(folder IN LISTS layer_SOURCES)
    if(NOT folder STREQUAL name AND NOT folder MATCHES "^${name}/")
      message(FATAL_ERROR "engine_layer(${name}): source folder ${folder} lies outside ${name}/")
    endif()
    file(GLOB folder_sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${folder}/*.cpp
         ${CMAKE_SOURCE_DIR}/${folder}/*.cu)
    list(APPEND sources ${folder_sources})
  endforeach()
  set(allowed ${name})
  set(libraries)
  foreach(dependency IN LISTS layer_DEPENDS)
    get_property(known GLOBAL PROPERTY ENGINE_LAYER_ALLOWED_${dependency} SET)
    if(NOT known)
      message(FATAL_ERROR "engine_layer(${name}): ${dependency} must be declared before it")
    endif()
    get_property(below GLOBAL PROPERTY ENGINE_LAYER_ALLOWED_${dependency})
    get_property(library GLOBAL PROPERTY ENGINE_LAYER_LIBRARY_${dependency})
    list(APPEND allowed ${below})
    list(APPEND libraries ${library})
  endforeach()
  list(REMOVE_DUPLICATES allowed)

  add_library(${layer_LIBRARY} STATIC ${sources})
  target_include_directories(${layer_LIBRARY} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${layer_LIBRARY} PUBLIC ${libraries})
  if(ENGINE_WITH_CUDA)
    set_target_properties(${layer_LIBRARY} PROPERTIES CUDA_SEPARABLE_COMPILATION OFF
                                                      POSITION_INDEPENDENT_CODE ON)
  endif()

  set_property(GLOBAL PROPERTY ENGINE_LAYER_ALLOWED_${name} ${allowed})
  set_property(GLOBAL PROPERTY ENGINE_LAYER_LIBRARY_${name} ${layer_LIBRARY})
  set_property(GLOBAL PROPERTY ENGINE_LAYER_SOURCES_${name} ${sources})
  set_property(GLOBAL APPEND PROPERTY ENGINE_LAYERS ${name})
endfunction()

# The table the include check reads: one line per layer, "<layer>: <layers it may include>".
# Files under tests/ and bench/ may include any layer; no layer may include them.
function(engine_write_layer_table file)
  get_property(layers GLOBAL PROPERTY ENGINE_LAYERS)
  set(text "# Written by CMake from the engine_layer() declarations (cmake/engine_layers.cmake).\n")
  foreach(name IN LISTS layers)
    get_property(allowed GLOBAL PROPERTY ENGINE_LAYER_ALLOWED_${name})
    string(REPLACE ";" " " allowed "${allowed}")
    string(APPEND text "${name}: ${allowed}\n")
  endforeach()
  file(WRITE ${file} "${text}")
endfunction()

# One executable per layer whose link is the check: the layer's archive, whole, and the libraries
# of the layers below it, nothing else. Built with the tests; its ctest only shows it was built.
function(engine_add_layer_link_checks)
  get_property(layers GLOBAL PROPERTY ENGINE_LAYERS)
  foreach(name IN LISTS layers)
    get_property(library GLOBAL PROPERTY ENGINE_LAYER_LIBRARY_${name})
    add_executable(layer_link_${name} ${CMAKE_SOURCE_DIR}/cmake/layer_link_main.cpp)
    target_link_libraries(layer_link_${name} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${library}>")
    add_test(NAME layer_link_${name} COMMAND layer_link_${name})
  endforeach()
endfunction()
