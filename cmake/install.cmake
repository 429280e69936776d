# What `cmake --install` puts in place and how `cpack -G DEB` (`make package`) packs it:
# the sparkify binary, its man page and its bash completion. The man page and the completion are
# made at build time from the binary's own help (cmake/man_page.sh, cmake/bash_completion.sh),
# so they list exactly the commands and options it has. Included by the top-level CMakeLists.
include(GNUInstallDirs)

install(TARGETS sparkify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# A sanitizer build is for tests only: it is not installed, and running it for its help would
# make the build depend on the sanitizers' exit-time checks.
if(NOT SPARKIFY_SANITIZE)
  set(SPARKIFY_COMPLETION "${PROJECT_BINARY_DIR}/completion/sparkify")
  add_custom_command(
    OUTPUT "${SPARKIFY_COMPLETION}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${PROJECT_BINARY_DIR}/completion"
    COMMAND "${PROJECT_SOURCE_DIR}/cmake/bash_completion.sh" "$<TARGET_FILE:sparkify>"
            "${SPARKIFY_COMPLETION}"
    DEPENDS sparkify "${PROJECT_SOURCE_DIR}/cmake/bash_completion.sh"
    COMMENT "Writing the bash completion from sparkify's help"
    VERBATIM)
  add_custom_target(sparkify_completion ALL DEPENDS "${SPARKIFY_COMPLETION}")
  install(FILES "${SPARKIFY_COMPLETION}"
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

  find_program(HELP2MAN_EXECUTABLE help2man)
  if(HELP2MAN_EXECUTABLE)
    set(SPARKIFY_MAN "${PROJECT_BINARY_DIR}/man/sparkify.1")
    add_custom_command(
      OUTPUT "${SPARKIFY_MAN}" "${SPARKIFY_MAN}.gz"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${PROJECT_BINARY_DIR}/man"
      COMMAND ${CMAKE_COMMAND} -E env "HELP2MAN=${HELP2MAN_EXECUTABLE}"
              "${PROJECT_SOURCE_DIR}/cmake/man_page.sh" "$<TARGET_FILE:sparkify>"
              "${PROJECT_DESCRIPTION}" "${PROJECT_SOURCE_DIR}/docs/sparkify.h2m" "${SPARKIFY_MAN}"
      # Debian installs man pages compressed; -n leaves the name and time out (reproducible).
      COMMAND gzip -9nkf "${SPARKIFY_MAN}"
      DEPENDS sparkify "${PROJECT_SOURCE_DIR}/cmake/man_page.sh"
              "${PROJECT_SOURCE_DIR}/docs/sparkify.h2m"
      COMMENT "Writing the man page from sparkify's help (help2man)"
      VERBATIM)
    add_custom_target(sparkify_man ALL DEPENDS "${SPARKIFY_MAN}.gz")
    install(FILES "${SPARKIFY_MAN}.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  else()
    # A status line, not a warning: `make run` does not need the man page (nor help2man).
    message(STATUS "help2man not found (Debian: help2man; scripts/bootstrap package installs "
                   "it): no man page is built or installed")
  endif()
endif()

install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package. Its Depends are what dpkg-shlibdeps finds for the libraries the binary
# links (libsqlite3-0, libpq5, libcurl4, ...), not a list kept by hand.
set(SPARKIFY_PACKAGE_MAINTAINER
    "sparkify maintainers <maintainers@users.noreply.b-seed-145ae8f3.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sparkify)
set(CPACK_PACKAGE_VENDOR "sparkify maintainers")
set(CPACK_PACKAGE_CONTACT "${SPARKIFY_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
# Lines under 80 characters, as Debian's description field wants them.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "sparkify turns the Sparkify music app's raw JSON (a song catalog and event\n"
  "logs) into a star schema for analytics (songplays, users, songs, artists,\n"
  "time) on SQLite, PostgreSQL or Amazon Redshift, from local folders or S3.\n"
  "Runs are incremental and all or nothing; records that cannot be loaded are\n"
  "quarantined with their file and line.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SPARKIFY_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3, postgresql-client, bash-completion")
include(CPack)
