# Debian package of the GUI and CLI: `cpack -G DEB` in the build folder (see docs/user-guide.md).
# What goes in is whatever the install rules name: the executables (app/CMakeLists.txt) and the
# desktop entry, icons, metainfo and example projects (packaging/install.cmake).
set(CPACK_PACKAGE_NAME "tokenbench")
set(CPACK_PACKAGE_VENDOR "Tokenbench developers")
set(CPACK_PACKAGE_CONTACT "Tokenbench developers <maintainers@tokenbench.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Tokenbench loads recommendation data sets (SASRec text files, RecBole, MovieLens, Amazon, CSV),
turns item content into semantic IDs (RQ-KMeans, RQ-VAE, VQ-VAE, balanced k-means), trains
popularity, SASRec, BERT4Rec and TIGER-style generative recommenders with LibTorch, and shows
codebook health, token hierarchies, attention maps and evaluation curves. Everything a project
holds lives in one SQLite file. Contains the Qt GUI (tokenbench), the headless command-line tool
(tokenbench-cli) and example experiment files in /usr/share/tokenbench/projects.")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/tokenbench/tokenbench")
# RelWithDebInfo binaries carry ~140 MB of DWARF each; the package ships them stripped (~3 MB).
set(CPACK_STRIP_FILES ON)
# Runtime dependencies are computed from the linked shared libraries (dpkg-shlibdeps), so Qt,
# LibTorch, QCustomPlot, spdlog, SQLite... follow whatever this build linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Debian's LibTorch does its matrix work through the system BLAS; the reference BLAS is much slower.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
include(CPack)
