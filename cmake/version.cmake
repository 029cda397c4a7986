# Run at every build (not at configure time), so `gbcms --version` names
# the tree as it was built: writes OUT from SRC/src/version.h.in, touching
# it only when the text changes.  Inputs: SRC, OUT, PROJECT_VERSION.
set(GBCMS_GIT_DESCRIBE "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${SRC}/.git")
    execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty
                    WORKING_DIRECTORY ${SRC}
                    OUTPUT_VARIABLE GBCMS_GIT_DESCRIBE
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
configure_file(${SRC}/src/version.h.in ${OUT} @ONLY)
