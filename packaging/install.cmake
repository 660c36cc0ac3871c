# Install rules for everything besides the executables (app/CMakeLists.txt installs those): the
# desktop entry, icons and AppStream metainfo of the GUI, and the example experiment files.
# Included from the top CMakeLists.txt; `cpack -G DEB` packages what these rules install.
include(GNUInstallDirs)

# One reverse-DNS id names the desktop file, the icon and the metainfo (AppStream ties them by it).
set(TOKENBENCH_APP_ID "io.github.tokenbench.Tokenbench")
set(_tb_resources "${PROJECT_SOURCE_DIR}/resources")

if(TOKENBENCH_BUILD_GUI)
  install(FILES "${_tb_resources}/${TOKENBENCH_APP_ID}.desktop"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
  install(FILES "${_tb_resources}/${TOKENBENCH_APP_ID}.metainfo.xml"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
  # PNGs are pre-rendered from the SVG by packaging/render-icons.sh (no converter needed to build).
  foreach(_tb_size 16 32 48 64 128 256)
    install(FILES "${_tb_resources}/icons/hicolor/${_tb_size}x${_tb_size}/apps/${TOKENBENCH_APP_ID}.png"
            DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${_tb_size}x${_tb_size}/apps")
  endforeach()
  install(FILES "${_tb_resources}/icons/tokenbench.svg"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps"
          RENAME "${TOKENBENCH_APP_ID}.svg")
endif()

# The GUI's File > Open example looks in <bin>/../share/tokenbench/projects; the CLI runs them by path.
file(GLOB _tb_examples CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/projects/*.json")
install(FILES ${_tb_examples} "${PROJECT_SOURCE_DIR}/projects/README.md"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/tokenbench/projects")
# Sample sweep files: the Sweeps page's file dialog starts in projects/sweeps.
file(GLOB _tb_sweeps CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/projects/sweeps/*.json")
install(FILES ${_tb_sweeps} DESTINATION "${CMAKE_INSTALL_DATADIR}/tokenbench/projects/sweeps")
