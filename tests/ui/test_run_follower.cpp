// The latest-only loader (a newer request drops an older result; cancel drops it too; an owner
// going away while a load runs is safe) and the run follower the tokenizer and model pages share
// (stale stored loads dropped, a live job's reports kept while another run is shown and shown
// again in full, load errors reported).

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <QObject>
#include <QSignalSpy>
#include <QTest>

#include "jobs/job.h"
#include "pages/run_follower.h"
#include "temp_project.h"
#include "test_printers.h"
#include "tokenbench/cancellation.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"
#include "widgets/latest_only_loader.h"

using namespace tokenbench;
using namespace std::chrono_literals;

namespace {

constexpr int kTimeoutMs = 20000;

/// An owner of a loader, as a page would be.
class Owner final : public QObject {
public:
    std::vector<int> delivered;
    ui::LatestOnlyLoader<int> loader{this, [this](int value) { delivered.push_back(value); }};
};

/// A slow load: sleeps `delay`, sets `done`, returns `value`.
auto slowLoad(std::chrono::milliseconds delay, std::atomic<bool>& done, int value) {
    return [delay, &done, value] {
        std::this_thread::sleep_for(delay);
        done = true;
        return value;
    };
}

/// A job body that reports run `runId`, `points` training losses, then waits for `release`.
ui::Job::Body reportingBody(int64_t runId, int points, std::atomic<bool>* release) {
    return [runId, points, release](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        sink.runStarted(runId);
        for (int i = 0; i < points; ++i) sink.metrics({{runId, i, 0, "train", "loss", static_cast<double>(i), 0.0}});
        while (!release->load()) {
            core::throwIfCancelled(cancel);
            std::this_thread::sleep_for(2ms);
        }
        ui::JobOutcome outcome;
        outcome.runId = runId;
        outcome.status = core::RunStatus::Completed;
        return outcome;
    };
}

/// A repeat's body: runs 1..`runs` of ids `firstRun`, `firstRun` + 1, ..., each reporting
/// `points` losses, run k starting once `stage` reaches k - 1; it ends once `stage` reaches `runs`.
ui::Job::Body repeatingBody(int64_t firstRun, int runs, int points, std::atomic<int>* stage) {
    return [=](core::ProgressSink& sink, const std::atomic<bool>* cancel) {
        const auto waitFor = [&](int value) {
            while (stage->load() < value) {
                core::throwIfCancelled(cancel);
                std::this_thread::sleep_for(2ms);
            }
        };
        for (int k = 0; k < runs; ++k) {
            waitFor(k);
            const int64_t runId = firstRun + k;
            sink.runStarted(runId);
            for (int i = 0; i < points; ++i) sink.metrics({{runId, i, 0, "train", "loss", double(runId), 0.0}});
        }
        waitFor(runs);
        ui::JobOutcome outcome;
        outcome.runId = firstRun + runs - 1;
        outcome.status = core::RunStatus::Completed;
        outcome.groupId = 9;
        return outcome;
    };
}

}  // namespace

class TestRunFollower final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void loaderDeliversOnlyTheNewestResult();
    void loaderCancelDropsTheResult();
    void loaderOwnerMayGoAwayWhileLoading();
    void followerDropsStaleStoredLoads();
    void followerReportsLoadErrors();
    void followerKeepsLiveReportsWhileAnotherRunIsShown();
    void followerMovesOnToARepeatsNextRun();

private:
    test::TempProject m_project;
    core::ProjectPaths m_paths;
    int64_t m_runA = 0;
    int64_t m_runB = 0;
};

void TestRunFollower::initTestCase() {
    QVERIFY(m_project.isValid());
    m_paths = core::ensureProject(m_project.path());
    core::SyntheticConfig config;
    config.seed = 3;
    config.users = 40;
    config.items = 30;
    const core::SyntheticData data = core::generateSynthetic(config);
    core::ExperimentStore store(m_paths.database);
    const int64_t dataset = store.saveDataset("syn", data.dataset, "generator", "synthetic", "{}");
    for (int64_t* run : {&m_runA, &m_runB}) {
        core::RunSpec spec;
        spec.kind = core::RunKind::Model;
        spec.componentId = "popularity";
        spec.datasetId = dataset;
        *run = store.createRun(spec);
        std::vector<core::MetricPoint> points;
        for (int step = 0; step < 50; ++step) points.push_back({*run, step, 0, "train", "loss", double(*run), 0.0});
        store.appendMetrics(points);
        store.finishRun(*run, core::RunStatus::Completed, R"({"status":"completed"})");
    }
    QVERIFY(m_runA > 0 && m_runB > m_runA);
}

void TestRunFollower::loaderDeliversOnlyTheNewestResult() {
    Owner owner;
    std::atomic<bool> slowDone{false};
    owner.loader.request(slowLoad(150ms, slowDone, 1));
    QVERIFY(owner.loader.isLoading());
    owner.loader.request([] { return 2; });
    QTRY_VERIFY_WITH_TIMEOUT(!owner.loader.isLoading(), kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(slowDone.load(), kTimeoutMs);
    QTest::qWait(50);  // give a stale result every chance to arrive
    QCOMPARE(owner.delivered, std::vector<int>{2});

    owner.loader.request([] { return 3; });
    QTRY_COMPARE_WITH_TIMEOUT(owner.delivered.size(), size_t{2}, kTimeoutMs);
    QCOMPARE(owner.delivered.back(), 3);
}

void TestRunFollower::loaderCancelDropsTheResult() {
    Owner owner;
    std::atomic<bool> done{false};
    owner.loader.request(slowLoad(30ms, done, 5));
    owner.loader.cancel();
    QVERIFY(!owner.loader.isLoading());
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), kTimeoutMs);
    QTest::qWait(50);
    QVERIFY(owner.delivered.empty());
}

void TestRunFollower::loaderOwnerMayGoAwayWhileLoading() {
    auto owner = std::make_unique<Owner>();
    auto done = std::make_shared<std::atomic<bool>>(false);
    owner->loader.request([done] {
        std::this_thread::sleep_for(50ms);
        *done = true;
        return 9;
    });
    owner.reset();
    QTRY_VERIFY_WITH_TIMEOUT(done->load(), kTimeoutMs);
    QTest::qWait(50);  // nothing is delivered to the destroyed owner (a crash here would fail the test)
}

void TestRunFollower::followerDropsStaleStoredLoads() {
    ui::RunFollower follower;
    QVERIFY(!follower.show(m_runA));  // no database yet
    follower.setDatabase(m_paths.database);
    QSignalSpy started(&follower, &ui::RunFollower::loadStarted);
    QSignalSpy shown(&follower, &ui::RunFollower::historyShown);
    QVERIFY(follower.show(m_runA));
    QVERIFY(follower.show(m_runB));
    QVERIFY(follower.isLoading());
    QCOMPARE(started.count(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QTest::qWait(100);
    QCOMPARE(shown.count(), 1);  // run A's answer came too late and was dropped
    const auto history = shown.front().at(0).value<ui::RunHistory>();
    QCOMPARE(history.runId, m_runB);
    QCOMPARE(history.metrics.size(), size_t{50});
    QCOMPARE(history.metrics.front().value, double(m_runB));
    QCOMPARE(shown.front().at(1).toBool(), false);
    QCOMPARE(follower.shownRunId(), m_runB);
    QVERIFY(!follower.isLoading());

    // clear() drops a load in flight too.
    QVERIFY(follower.show(m_runA));
    follower.clear();
    QTest::qWait(100);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(follower.shownRunId(), int64_t{0});
}

void TestRunFollower::followerReportsLoadErrors() {
    ui::RunFollower follower;
    follower.setDatabase(m_paths.database);
    QSignalSpy failed(&follower, &ui::RunFollower::loadFailed);
    QVERIFY(follower.show(987654));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
    QCOMPARE(failed.front().at(0).toLongLong(), qint64{987654});
    QVERIFY(!failed.front().at(1).toString().isEmpty());
}

void TestRunFollower::followerKeepsLiveReportsWhileAnotherRunIsShown() {
    constexpr int64_t kLiveRun = 4242;
    ui::RunFollower follower;
    follower.setDatabase(m_paths.database);
    std::atomic<bool> release{false};
    ui::Job job(QStringLiteral("live"), reportingBody(kLiveRun, 20, &release));
    ui::RunHistory seed;
    seed.run.componentId = "sasrec";
    seed.run.status = core::RunStatus::Running;
    follower.follow(&job, seed);
    QSignalSpy liveStarted(&follower, &ui::RunFollower::liveRunStarted);
    QSignalSpy live(&follower, &ui::RunFollower::liveReports);
    QSignalSpy shown(&follower, &ui::RunFollower::historyShown);
    QSignalSpy finished(&follower, &ui::RunFollower::liveFinished);
    QSignalSpy jobFinished(&follower, &ui::RunFollower::jobFinished);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(liveStarted.count(), 1, kTimeoutMs);
    QCOMPARE(follower.shownRunId(), kLiveRun);
    QVERIFY(follower.isLiveRun(kLiveRun));
    QTRY_COMPARE_WITH_TIMEOUT(follower.live().metrics.size(), size_t{20}, kTimeoutMs);
    QVERIFY(live.count() >= 1);

    // Another run on screen: the live run is kept, not shown.
    QVERIFY(follower.show(m_runA));
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, kTimeoutMs);
    QCOMPARE(shown.back().at(0).value<ui::RunHistory>().runId, m_runA);
    // Back to the live run: everything it reported so far, at once.
    QVERIFY(follower.show(kLiveRun));
    QCOMPARE(shown.count(), 2);
    QCOMPARE(shown.back().at(1).toBool(), true);
    const auto liveHistory = shown.back().at(0).value<ui::RunHistory>();
    QCOMPARE(liveHistory.metrics.size(), size_t{20});
    QCOMPARE(liveHistory.run.componentId, std::string("sasrec"));

    release = true;
    QTRY_COMPARE_WITH_TIMEOUT(jobFinished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(test::statusName(follower.live().run.status), test::statusName(core::RunStatus::Completed));
    QVERIFY(!follower.isLiveRun(kLiveRun));
}

void TestRunFollower::followerMovesOnToARepeatsNextRun() {
    constexpr int64_t kFirst = 5001;
    ui::RunFollower follower;
    follower.setDatabase(m_paths.database);
    std::atomic<int> stage{0};
    ui::Job job(QStringLiteral("repeat"), repeatingBody(kFirst, 3, 10, &stage));
    ui::RunHistory seed;
    seed.run.componentId = "sasrec";
    seed.run.status = core::RunStatus::Running;
    follower.follow(&job, seed);
    QSignalSpy liveStarted(&follower, &ui::RunFollower::liveRunStarted);
    QSignalSpy shown(&follower, &ui::RunFollower::historyShown);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(follower.live().metrics.size(), size_t{10}, kTimeoutMs);
    QCOMPARE(follower.shownRunId(), kFirst);

    // The second seed's run takes the screen from the first, its views starting over.
    stage = 1;
    QTRY_COMPARE_WITH_TIMEOUT(follower.shownRunId(), kFirst + 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(follower.live().metrics.size(), size_t{10}, kTimeoutMs);
    for (const core::MetricPoint& point : follower.live().metrics) QCOMPARE(point.runId, kFirst + 1);
    QCOMPARE(liveStarted.count(), 2);
    QCOMPARE(shown.count(), 1);
    QCOMPARE(shown.front().at(1).toBool(), true);
    QVERIFY(shown.front().at(0).value<ui::RunHistory>().metrics.empty());
    QVERIFY(!follower.isLiveRun(kFirst));

    // With a stored run on screen, the third seed's run is followed but does not take the screen.
    QVERIFY(follower.show(m_runA));
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 2, kTimeoutMs);
    stage = 2;
    QTRY_VERIFY_WITH_TIMEOUT(follower.isLiveRun(kFirst + 2), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(follower.live().metrics.size(), size_t{10}, kTimeoutMs);
    QCOMPARE(follower.shownRunId(), m_runA);
    QCOMPARE(liveStarted.count(), 2);
    QVERIFY(follower.show(kFirst + 2));
    QCOMPARE(shown.back().at(0).value<ui::RunHistory>().metrics.size(), size_t{10});

    QSignalSpy finished(&follower, &ui::RunFollower::liveFinished);
    stage = 3;
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
    QCOMPARE(finished.front().at(0).value<ui::JobOutcome>().groupId, int64_t{9});
}

QTEST_MAIN(TestRunFollower)
#include "test_run_follower.moc"
