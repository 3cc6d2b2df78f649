# Installs the build into a scratch prefix and checks what a desktop and a user need: the program, its assets
# (found from bin/../share/tracelab/assets without TRACELAB_ASSETS), the desktop entry and the icon.
# cmake -DBUILD=build -DPREFIX=build/install-check -P tests/install_check.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f bin/tracelab share/applications/tracelab.desktop share/icons/hicolor/scalable/apps/tracelab.svg
          share/tracelab/assets/scenarios/checkout.json share/tracelab/assets/scenarios/scenario.schema.json
          share/tracelab/assets/lessons/01-why-tracing.json)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(STRINGS ${PREFIX}/share/applications/tracelab.desktop entry)
foreach(line "Exec=tracelab %f" "Icon=tracelab" "Type=Application")
  list(FIND entry "${line}" found)
  if(found LESS 0)
    message(FATAL_ERROR "the desktop entry lacks ${line}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=TRACELAB_ASSETS ${PREFIX}/bin/tracelab simulate
                        --format text --latency payments=500
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "payments.Charge \\[payments\\] +500.0 ms")
  message(FATAL_ERROR "the installed tracelab did not simulate from its installed assets (${rc}): ${out}${err}")
endif()
