#pragma once
/// Readable forms of core values for QCOMPARE in the GUI tests. (QCOMPARE cannot print RunStatus
/// itself: argument-dependent lookup finds core's std::string toString before QTest's.)

#include <QString>

#include "tokenbench/storage/records.h"

namespace tokenbench::test {

inline QString statusName(core::RunStatus status) {
    return QString::fromStdString(core::toString(status));
}

}  // namespace tokenbench::test
