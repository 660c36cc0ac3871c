#include "model_checks.h"

#include <atomic>
#include <cstdint>

#include <QtTest>

#include "tokenbench/cancellation.h"

namespace tokenbench::test {

void verifyCancelStopsBetweenBatches(core::Recommender& model) {
    std::atomic<bool> cancel{false};
    int64_t steps = 0;
    QVERIFY_EXCEPTION_THROWN(model.trainEpoch(
                                 [&](int64_t, double) {
                                     ++steps;
                                     cancel = true;
                                 },
                                 &cancel),
                             core::CancelledError);
    QCOMPARE(steps, int64_t(1));
    steps = 0;
    QVERIFY_EXCEPTION_THROWN(model.trainEpoch([&](int64_t, double) { ++steps; }, &cancel), core::CancelledError);
    QCOMPARE(steps, int64_t(0));
}

}  // namespace tokenbench::test
