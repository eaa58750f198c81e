# Text files compiled into a binary, so it serves exactly the reviewed file. Like
# embed_migrations, at configure time: editing a file re-runs CMake on the next build.

find_program(PYTHON3_FOR_YAML python3 PATHS /usr/bin NO_DEFAULT_PATH)  # where python3-yaml installs
find_program(PYTHON3_FOR_YAML python3)

# Writes `const std::string& <ns>::<function>()` returning `text` into a source of <target>.
function(_embed_string target ns function text origin)
  if(text STREQUAL "")
    message(FATAL_ERROR "${origin} is empty")
  endif()
  if(text MATCHES "\\)__embedded__\"")
    message(FATAL_ERROR "${origin} contains the raw-string delimiter )__embedded__\"")
  endif()
  # Literals of at most 16 KB: -Wpedantic warns about longer ones (-Woverlength-strings).
  set(pieces "")
  string(LENGTH "${text}" length)
  foreach(start RANGE 0 ${length} 16000)
    string(SUBSTRING "${text}" ${start} 16000 piece)
    if(NOT piece STREQUAL "")
      string(APPEND pieces "      R\"__embedded__(${piece})__embedded__\",\n")
    endif()
  endforeach()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${function}.cpp")
  file(WRITE "${out}.new"
    "// Generated from ${origin}; edit that instead.\n"
    "#include <string>\n#include <string_view>\n\n"
    "namespace ${ns} {\n\n"
    "const std::string& ${function}() {\n"
    "  static const std::string text = [] {\n"
    "    std::string joined;\n"
    "    for (std::string_view piece : {\n${pieces}         }) {\n"
    "      joined += piece;\n"
    "    }\n"
    "    return joined;\n"
    "  }();\n"
    "  return text;\n"
    "}\n\n"
    "}  // namespace ${ns}\n")
  # Rewritten only on change, so a re-run of CMake recompiles nothing needlessly.
  file(COPY_FILE "${out}.new" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${target} PRIVATE "${out}")
endfunction()

# embed_text_file(<target> <namespace> <function> <file>): <namespace>::<function>() returns
# the file's text.
function(embed_text_file target ns function file)
  file(READ "${file}" text)
  _embed_string(${target} ${ns} ${function} "${text}" "${file}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
endfunction()

# embed_yaml_as_json(<target> <namespace> <function> <file>): <namespace>::<function>()
# returns the YAML file as compact JSON (python3-yaml converts it), for readers without YAML.
function(embed_yaml_as_json target ns function file)
  if(NOT PYTHON3_FOR_YAML)
    message(FATAL_ERROR "python3 not found; run scripts/install-deps.sh")
  endif()
  execute_process(
    COMMAND "${PYTHON3_FOR_YAML}" "${PROJECT_SOURCE_DIR}/cmake/yaml_to_json.py" "${file}"
    OUTPUT_VARIABLE json
    ERROR_VARIABLE error
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "cannot convert ${file} to JSON (python3-yaml missing? run "
                        "scripts/install-deps.sh):\n${error}")
  endif()
  _embed_string(${target} ${ns} ${function} "${json}" "${file}, converted to JSON")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}"
                                                                 "${PROJECT_SOURCE_DIR}/cmake/yaml_to_json.py")
endfunction()
