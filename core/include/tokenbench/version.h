#pragma once
/// Version of this build, recorded with every run as its code version.

namespace tokenbench {
/// Semantic version ("0.1.0").
[[nodiscard]] const char* versionString();
/// Git commit the build came from ("a1b2c3d4e5", "-dirty" suffix when modified, "unknown").
[[nodiscard]] const char* gitCommit();
}  // namespace tokenbench
