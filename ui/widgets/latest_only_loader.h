#pragma once
/// Runs a load off the UI thread and hands over only the newest result: what every view that reads
/// the store (or computes) in the background needs, so a slow answer to an old question never
/// overwrites the answer to a newer one.

#include <functional>
#include <utility>

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

namespace tokenbench::ui {

/// One pending load at a time, as far as the owner can tell: request() runs `work` on Qt's global
/// thread pool and calls `deliver` with its result on the owner's (UI) thread, unless request() or
/// cancel() was called again since. The watcher is a child of the owner, so nothing is delivered
/// once the owner is gone; a running `work` finishes on its own and its result is dropped. `work`
/// must own what it reads (capture by value). Keep the loader a member of its owner. UI thread only.
template <typename Result>
class LatestOnlyLoader final {
public:
    using Delivery = std::function<void(Result)>;

    LatestOnlyLoader(QObject* owner, Delivery deliver)
        : m_watcher(new QFutureWatcher<Tagged>(owner)), m_deliver(std::move(deliver)) {
        QObject::connect(m_watcher, &QFutureWatcherBase::finished, owner, [this] { onFinished(); });
    }
    LatestOnlyLoader(const LatestOnlyLoader&) = delete;
    LatestOnlyLoader& operator=(const LatestOnlyLoader&) = delete;

    /// Starts `work` (callable returning Result) on a worker; any earlier request is dropped.
    template <typename Work>
    void request(Work work) {
        const quint64 generation = ++m_generation;
        m_loading = true;
        m_watcher->setFuture(QtConcurrent::run([work = std::move(work), generation]() mutable {
            return Tagged{generation, work()};
        }));
    }

    /// Drops the request in flight, if any: its result will not be delivered.
    void cancel() {
        ++m_generation;
        m_loading = false;
    }

    /// A request was made and its result has not been delivered (nor cancelled) yet.
    [[nodiscard]] bool isLoading() const { return m_loading; }
    /// Counts requests and cancellations; for tests.
    [[nodiscard]] quint64 generation() const { return m_generation; }

private:
    struct Tagged {
        quint64 generation = 0;
        Result result;
    };

    void onFinished() {
        const QFuture<Tagged> future = m_watcher->future();
        if (future.resultCount() == 0) return;
        Tagged tagged = future.result();
        if (tagged.generation != m_generation) return;  // superseded by a newer request
        m_loading = false;
        m_deliver(std::move(tagged.result));
    }

    QFutureWatcher<Tagged>* m_watcher;
    Delivery m_deliver;
    quint64 m_generation = 0;
    bool m_loading = false;
};

}  // namespace tokenbench::ui
