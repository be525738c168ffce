# stcsim_config_for(<name> <out>): sets <out> to configs/<stem>.json of SOURCE_DIR where <stem> is
# the longest config name that prefixes <name> (a100-sxm4-40gb -> configs/a100.json), or to ""
# when no config's name prefixes it. Shared by the compare gates of validation/tests/.
function(stcsim_config_for name out)
  file(GLOB configs RELATIVE ${SOURCE_DIR}/configs ${SOURCE_DIR}/configs/*.json)
  set(config "")
  set(best 0)
  foreach(candidate ${configs})
    string(REGEX REPLACE "\\.json$" "" stem ${candidate})
    string(LENGTH ${stem} length)
    string(FIND ${name} ${stem} position)
    if(position EQUAL 0 AND length GREATER best)
      set(config ${SOURCE_DIR}/configs/${candidate})
      set(best ${length})
    endif()
  endforeach()
  set(${out} "${config}" PARENT_SCOPE)
endfunction()
