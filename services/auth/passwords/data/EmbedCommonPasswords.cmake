# common-passwords.txt is Django's CommonPasswordValidator list (BSD-3-Clause), the gunzipped
# django/contrib/auth/common-passwords.txt.gz of Debian 12's python3-django 3:3.2.25-0+deb12u7.
#
# embed_common_passwords(<target> <list>): compiles <list> into `auth::embedded_common_passwords()`
# so the binary carries it and nothing is read at run time. The text goes in raw string literals
# of at most ~60 KB each, cut at line ends: compilers cap one literal's length.
function(embed_common_passwords target list)
  set(delimiter "__pw__")
  set(piece_bytes 60000)
  file(READ "${list}" text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${list} contains the raw string delimiter )${delimiter}\"")
  endif()
  string(LENGTH "${text}" size)
  set(pieces "")
  set(offset 0)
  while(offset LESS size)
    string(SUBSTRING "${text}" ${offset} ${piece_bytes} piece)
    string(LENGTH "${piece}" length)
    math(EXPR end "${offset} + ${length}")
    if(end LESS size)
      string(FIND "${piece}" "\n" last_newline REVERSE)
      if(last_newline EQUAL -1)
        message(FATAL_ERROR "${list} has a line longer than ${piece_bytes} bytes")
      endif()
      math(EXPR length "${last_newline} + 1")
      string(SUBSTRING "${piece}" 0 ${length} piece)
    endif()
    string(APPEND pieces "      R\"${delimiter}(${piece})${delimiter}\",\n")
    math(EXPR offset "${offset} + ${length}")
  endwhile()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${target}_common_passwords.cpp")
  file(WRITE "${out}.tmp"
       "// Generated from ${list} by EmbedCommonPasswords.cmake; edit the list instead.\n"
       "#include <span>\n\nnamespace auth {\n\n"
       "std::span<const char* const> embedded_common_passwords() {\n"
       "  static const char* const pieces[] = {\n${pieces}  };\n  return pieces;\n}\n\n"
       "}  // namespace auth\n")
  # Only a changed list recompiles the generated file.
  file(COPY_FILE "${out}.tmp" "${out}" ONLY_IF_DIFFERENT)
  target_sources(${target} PRIVATE "${out}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${list}")
endfunction()
