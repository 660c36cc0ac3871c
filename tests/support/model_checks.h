#pragma once
/// Qt Test checks every model test repeats. They report failures through QVERIFY/QCOMPARE, so call
/// them from a test slot and return when QTest::currentTestFailed().

#include "tokenbench/models/recommender.h"

namespace tokenbench::test {

/// `model` (prepared, with more than one batch per epoch) stops with CancelledError right after the
/// batch during which the flag was set, and an epoch started with the flag set runs no batch.
void verifyCancelStopsBetweenBatches(core::Recommender& model);

}  // namespace tokenbench::test
