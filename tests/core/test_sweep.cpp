// Sweep files: what a trial gets (grid order, reproducible random draws, integer rounding, log
// ranges), errors that name the file, the line or key, and what was expected; the view a front end
// draws (axes, trials as they start and end, a stored group read back) and a sweep's progress.
#include <cmath>
#include <set>
#include <vector>

#include <QtTest>
#include <nlohmann/json.hpp>

#include "expect_error.h"
#include "temp_project.h"
#include "tokenbench/data/data_error.h"
#include "tokenbench/data/synthetic.h"
#include "tokenbench/experiment/sweep.h"
#include "tokenbench/experiment/sweep_view.h"
#include "tokenbench/project.h"
#include "tokenbench/storage/experiment_store.h"

using namespace tokenbench::core;
using tokenbench::test::contains;
using tokenbench::test::thrownError;
using nlohmann::json;

namespace {

/// Keys stay in the order written (a sweep varies its parameters in file order).
using ordered = nlohmann::ordered_json;

std::string sweepText(const ordered& parameters, const std::string& search = "random", int trials = 6) {
    return ordered{{"format", "tokenbench-sweep/1"},
                {"name", "s"},
                {"dataset", "syn"},
                {"model", "sasrec"},
                {"search", search},
                {"trials", trials},
                {"seed", 3},
                {"settings", {{"epochs", 2}}},
                {"fixed", {{"blocks", 1}}},
                {"parameters", parameters}}
        .dump(2);
}

std::string errorOf(const std::string& text) {
    const auto e = thrownError<DataError>([&] { (void)parseSweep(text, "s.json"); });
    return e ? e->what() : std::string("no error");
}

/// A train job's summary with the metric the sweeps below pick by.
std::string summaryWith(double valid, double test) {
    return json{{"status", "completed"}, {"valid", {{"ndcg@10", valid}}}, {"test", {{"ndcg@10", test}}}}.dump();
}

/// Remembers the progress and the run ends a sweep reported.
class RecordingSink final : public ProgressSink {
public:
    void progress(const ProgressUpdate& update) override { updates.push_back(update); }
    void finished(int64_t runId, RunStatus status, const std::string&, const std::string&) override {
        ends.emplace_back(runId, status);
    }
    std::vector<ProgressUpdate> updates;
    std::vector<std::pair<int64_t, RunStatus>> ends;
};

}  // namespace

class TestSweep final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gridTakesEveryCombinationInOrder() {
        const SweepFile file = parseSweep(
            sweepText({{"hidden", {16, 32}}, {"dropout", {{"min", 0.1}, {"max", 0.3}, {"steps", 3}}}}, "grid", 100),
            "s.json");
        const auto trials = sweepTrials(file);
        QCOMPARE(trials.size(), size_t{6});
        QCOMPARE(trials[0].values[0].second, std::string("16"));
        QCOMPARE(json::parse(trials[1].values[1].second).get<double>(), 0.2);
        QCOMPARE(trials[3].values[0].second, std::string("32"));
        const json config = json::parse(trials[5].modelConfigJson);
        QCOMPARE(config.at("hidden").get<int>(), 32);
        QCOMPARE(config.at("blocks").get<int>(), 1);  // the fixed value
        QVERIFY(std::abs(config.at("dropout").get<double>() - 0.3) < 1e-12);
        QCOMPARE(json::parse(trials[5].settingsJson).at("epochs").get<int>(), 2);
        // "trials" caps a grid.
        const SweepFile capped = parseSweep(sweepText({{"hidden", {16, 32, 64}}}, "grid", 2), "s.json");
        QCOMPARE(sweepTrials(capped).size(), size_t{2});
    }

    void randomDrawsAreReproducibleAndInRange() {
        const std::string text = sweepText({{"hidden", {{"min", 8}, {"max", 64}}},
                                            {"learning_rate", {{"min", 1e-4}, {"max", 1e-2}, {"log", true}}},
                                            {"patience", {1, 2}}},
                                           "random", 12);
        const auto a = sweepTrials(parseSweep(text, "s.json"));
        const auto b = sweepTrials(parseSweep(text, "s.json"));
        QCOMPARE(a.size(), size_t{12});
        std::set<std::string> distinct;
        int small = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].modelConfigJson, b[i].modelConfigJson);
            const json config = json::parse(a[i].modelConfigJson);
            QVERIFY(config.at("hidden").is_number_integer());  // an Int parameter is rounded
            QVERIFY(config.at("hidden").get<int>() >= 8 && config.at("hidden").get<int>() <= 64);
            const double lr = config.at("learning_rate").get<double>();
            QVERIFY(lr >= 1e-4 && lr <= 1e-2);
            small += lr < 1e-3 ? 1 : 0;  // log-uniform: about half the draws fall below the geometric middle
            distinct.insert(a[i].modelConfigJson);
            const int patience = json::parse(a[i].settingsJson).at("patience").get<int>();  // a run setting
            QVERIFY(patience == 1 || patience == 2);
        }
        QVERIFY(distinct.size() > 8);
        QVERIFY2(small >= 3 && small <= 9, std::to_string(small).c_str());
    }

    void viewPlansEveryTrialOnItsAxes() {
        const SweepFile file = parseSweep(sweepText({{"hidden", {64, 16, 32}},
                                                     {"loss", {"ce", "bce"}},
                                                     {"learning_rate", {{"min", 1e-4}, {"max", 1e-2}, {"log", true}}},
                                                     {"max_length", {{"min", 5}, {"max", 20}}}},
                                                    "random", 9),
                                          "s.json");
        const SweepView view = planSweepView(file);
        QCOMPARE(view.axes.size(), size_t{4});
        // Listed numbers read low to high whatever the file's order; other values keep it.
        QCOMPARE(view.axes[0].categories, (std::vector<std::string>{"16", "32", "64"}));
        QCOMPARE(view.axes[1].categories, (std::vector<std::string>{"ce", "bce"}));
        QVERIFY(!view.axes[2].categorical() && view.axes[2].log);
        QCOMPARE(view.axes[2].min, 1e-4);
        QVERIFY(view.axes[3].integer && !view.axes[3].log);
        QCOMPARE(view.trials.size(), size_t{9});
        QCOMPARE(view.metric, std::string("ndcg@10"));
        QCOMPARE(view.best, int64_t{-1});
        const auto trials = sweepTrials(file);
        for (size_t i = 0; i < view.trials.size(); ++i) {
            const SweepTrialView& t = view.trials[i];
            QCOMPARE(t.index, int64_t(i + 1));
            QCOMPARE(int(t.status), int(RunStatus::Created));
            QVERIFY(std::isnan(t.valid));
            QCOMPARE(t.modelConfigJson, trials[i].modelConfigJson);
            const json config = json::parse(t.modelConfigJson);
            // A category's value is its index on the axis, its label the value's text.
            const auto hidden = static_cast<size_t>(t.values[0]);
            QCOMPARE(view.axes[0].categories[hidden], std::to_string(config.at("hidden").get<int>()));
            QCOMPARE(t.labels[1], config.at("loss").get<std::string>());
            QCOMPARE(view.axes[1].categories[static_cast<size_t>(t.values[1])], t.labels[1]);
            QCOMPARE(t.values[2], config.at("learning_rate").get<double>());
            QCOMPARE(t.values[3], double(config.at("max_length").get<int>()));
        }
    }

    void trialsStartAndEndInOrderAndTheBestFollows() {
        SweepView view = planSweepView(parseSweep(sweepText({{"hidden", {16, 32}}}, "grid", 10), "s.json"));
        QCOMPARE(view.trials.size(), size_t{2});
        QCOMPARE(markSweepTrialStarted(view, 7), int64_t{0});
        QCOMPARE(markSweepTrialStarted(view, 7), int64_t{-1});  // reported again in a later batch
        QCOMPARE(int(view.trials[0].status), int(RunStatus::Running));
        QCOMPARE(view.finishedTrials(), int64_t{0});
        QCOMPARE(recordSweepTrial(view, 7, RunStatus::Completed, summaryWith(0.2, 0.15)), int64_t{0});
        QCOMPARE(view.best, int64_t{0});
        QCOMPARE(view.trials[0].valid, 0.2);
        QCOMPARE(view.trials[0].test, 0.15);
        // A trial whose start was never seen (its start and end in one batch) still takes its place.
        QCOMPARE(recordSweepTrial(view, 8, RunStatus::Completed, summaryWith(0.3, 0.1)), int64_t{1});
        QCOMPARE(view.trials[1].runId, int64_t{8});
        QCOMPARE(view.best, int64_t{1});
        QCOMPARE(view.finishedTrials(), int64_t{2});
        QCOMPARE(recordSweepTrial(view, 9, RunStatus::Completed, summaryWith(0.9, 0.9)), int64_t{-1});  // no trial left
        QCOMPARE(markSweepTrialStarted(view, 9), int64_t{-1});
        // A failed trial has no metric and cannot be the best.
        SweepView failed = planSweepView(parseSweep(sweepText({{"hidden", {16, 32}}}, "grid", 10), "s.json"));
        QCOMPARE(recordSweepTrial(failed, 3, RunStatus::Failed, summaryWith(0.5, 0.5)), int64_t{0});
        QVERIFY(std::isnan(failed.trials[0].valid));
        QCOMPARE(failed.best, int64_t{-1});
    }

    void storedGroupReadsBackItsTrials() {
        const std::string text = sweepText({{"hidden", {16, 32}}, {"dropout", {0.1, 0.2}}}, "grid", 10);
        RunGroupRecord group{5, "sweep", "s", json{{"file", "s.json"}, {"text", text}, {"trials", 4}}.dump(), "2026-01-02T03:04:05Z"};
        std::vector<RunRecord> runs(5);
        const std::vector<int64_t> ids = {12, 10, 11, 13, 9};  // the store may list them in any order
        for (size_t i = 0; i < runs.size(); ++i) {
            runs[i].id = ids[i];
            runs[i].groupId = ids[i] == 9 ? std::optional<int64_t>(4) : std::optional<int64_t>(5);  // 9: another group
            runs[i].status = ids[i] == 13 ? RunStatus::Running : RunStatus::Completed;
            runs[i].summaryJson = summaryWith(0.01 * static_cast<double>(ids[i]), 0.0);
        }
        const SweepView view = storedSweepView(group, runs);
        QVERIFY2(view.error.empty(), view.error.c_str());
        QCOMPARE(view.groupId, int64_t{5});
        QCOMPARE(view.name, std::string("s"));
        QCOMPARE(view.axes.size(), size_t{2});
        QCOMPARE(view.trials.size(), size_t{4});
        QCOMPARE(view.trials[0].runId, int64_t{10});
        QCOMPARE(view.trials[2].runId, int64_t{12});
        QCOMPARE(int(view.trials[3].status), int(RunStatus::Running));
        QCOMPARE(view.finishedTrials(), int64_t{3});
        QCOMPARE(view.best, int64_t{2});  // run 12 has the highest metric of the ended trials
        QCOMPARE(view.trials[2].valid, 0.12);

        // A stored file that no longer reads still lists the runs and their metrics, and says why.
        group.configJson = json{{"file", "s.json"}, {"text", "{not json"}}.dump();
        const SweepView broken = storedSweepView(group, runs);
        QVERIFY(!broken.error.empty());
        QVERIFY(broken.axes.empty());
        QCOMPARE(broken.trials.size(), size_t{4});
        QCOMPARE(broken.trials[0].runId, int64_t{10});
    }

    void progressRunsOnceOverTheWholeSweep() {
        tokenbench::test::TempProject temp;
        const ProjectPaths paths = ensureProject(temp.path());
        {
            ExperimentStore store(paths.database);
            SyntheticConfig config;
            config.users = 300;
            config.items = 100;
            (void)storeSyntheticDataset(store, "syn", config);
        }
        ordered text = ordered::parse(sweepText({{"hidden", {8, 16}}}, "random", 3));
        text["settings"] = {{"epochs", 1}, {"device", "cpu"}};
        text["fixed"] = {{"blocks", 1}, {"max_length", 10}};
        const SweepFile file = parseSweep(text.dump(), "s.json");
        RecordingSink sink;
        const SweepResult result = runSweep(paths.root, file, sink, nullptr);
        QVERIFY2(result.status == RunStatus::Completed, result.message.c_str());
        QCOMPARE(sink.ends.size(), size_t{3});
        QVERIFY(!sink.updates.empty());
        double last = 0.0;
        int64_t trialsSeen = 0;
        for (const ProgressUpdate& u : sink.updates) {
            QVERIFY2(u.fraction >= last - 1e-12, std::to_string(u.fraction).c_str());  // never starts over
            QVERIFY(u.fraction <= 1.0);
            last = u.fraction;
            QVERIFY2(u.phase.rfind("trial ", 0) == 0, u.phase.c_str());
            if (u.phase.rfind("trial 3/3", 0) == 0) trialsSeen = 3;
        }
        QCOMPARE(trialsSeen, int64_t{3});
        QVERIFY(last > 2.0 / 3.0);
    }

    void badFilesNameWhatIsWrong() {
        QVERIFY(contains(errorOf("{\n  \"model\": \"sasrec\",\n  oops\n}"), "s.json:3:"));
        QVERIFY(contains(errorOf(sweepText({{"hiddn", {16}}})), "parameters.hiddn"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {{"min", 64}, {"max", 8}}}})), "parameters.hidden.max"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {{"min", 8}, {"max", 64}}}}, "grid")), "steps"));
        QVERIFY(contains(errorOf(sweepText({{"hidden", {0, 16}}})), "trial"));  // 0 is below the schema's minimum
        QVERIFY(contains(errorOf(sweepText({{"loss", {{"min", 1}, {"max", 2}}}})), "a list of values"));
        QVERIFY(contains(errorOf(sweepText(ordered::object())), "parameters"));
        json unknownKey = json::parse(sweepText({{"hidden", {16}}}));
        unknownKey["trails"] = 3;
        QVERIFY(contains(errorOf(unknownKey.dump()), "trails"));
        json badModel = json::parse(sweepText({{"hidden", {16}}}));
        badModel["model"] = "gpt";
        QVERIFY(contains(errorOf(badModel.dump()), "sasrec"));
        json noTokenizer = json::parse(sweepText({{"hidden", {16}}}));
        noTokenizer["model"] = "tiger";
        QVERIFY(contains(errorOf(noTokenizer.dump()), "tokenizer_run"));
        const auto missing = thrownError<DataError>([] { (void)readSweepFile("/nonexistent/s.json"); });
        QVERIFY(missing && contains(missing->what(), "/nonexistent/s.json"));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
