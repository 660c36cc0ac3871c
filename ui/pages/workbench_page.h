#pragma once
/// What the main window asks of a page, so it routes by a table of pages and their capabilities
/// (shows runs, trains, answers --page names) instead of knowing each page's type.

#include <functional>
#include <utility>

#include <QString>
#include <QStringList>

#include "project_session.h"
#include "tokenbench/storage/records.h"

class QWidget;

namespace tokenbench::ui {

class JobControls;

/// One page of the workbench (a tab). Default implementations mean "not this page's business".
/// UI thread only.
class WorkbenchPage {
public:
    virtual ~WorkbenchPage() = default;

    /// The tab's widget (the page itself).
    [[nodiscard]] virtual QWidget* pageWidget() = 0;
    /// The tab's title ("Tokenizer").
    [[nodiscard]] virtual QString pageTitle() const = 0;
    /// The open project changed (opened, reloaded or closed: `contents.isOpen()` false).
    virtual void setProject(const ProjectContents& contents) = 0;

    /// Brings `run` on screen when this page shows runs of its kind; false otherwise (the window
    /// then offers it to the next page).
    virtual bool openRun(const core::RunRecord& run) {
        (void)run;
        return false;
    }
    /// `run` was brought on screen by another page: follow it without taking the focus.
    virtual void followRun(const core::RunRecord& run) { (void)run; }

    /// Names of the views this page answers for showPage()/--page ("codebook", "hierarchy").
    [[nodiscard]] virtual QStringList viewNames() const { return {}; }
    /// Shows view `name` (the page is already in front) with its latest data; calls `ready` once
    /// it shows that data or its empty state (at once or later). A later call replaces `ready`.
    virtual void showView(const QString& name, std::function<void()> ready) {
        (void)name;
        ready();
    }

    /// The controls of the job this page trains (nullptr: the page trains nothing).
    [[nodiscard]] virtual JobControls* trainControls() const { return nullptr; }
    /// What it trains, for the Run menu ("tokenizer" gives "Train &tokenizer").
    [[nodiscard]] virtual QString trainSubject() const { return {}; }
    /// Starts training from the page's form (or shows why not).
    virtual void train() {}
};

/// A showView() call waiting for its data: the page keeps one and completes it when the data is
/// on screen. UI thread only.
class PendingView final {
public:
    /// Waits for view `name`; replaces (and drops) any earlier wait.
    void wait(const QString& name, std::function<void()> ready) {
        m_name = name;
        m_ready = std::move(ready);
    }
    [[nodiscard]] bool isWaitingFor(const QString& name) const { return m_ready && m_name == name; }
    /// Calls the waiting callback, if any, once.
    void complete() {
        if (!m_ready) return;
        const std::function<void()> ready = std::exchange(m_ready, nullptr);
        m_name.clear();
        ready();
    }

private:
    QString m_name;
    std::function<void()> m_ready;
};

}  // namespace tokenbench::ui
