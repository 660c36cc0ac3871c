# Debian package of the GUI and CLI: `cpack -G DEB` in the build folder.
set(CPACK_PACKAGE_NAME "tokenbench")
set(CPACK_PACKAGE_VENDOR "Tokenbench developers")
set(CPACK_PACKAGE_CONTACT "Tokenbench developers <maintainers@tokenbench.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
# Runtime dependencies are computed from the linked shared libraries.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
include(CPack)
