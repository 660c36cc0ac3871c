#pragma once
/// A coloured message strip with an icon (warnings, errors) shown above a page's content.

class QFrame;
class QLabel;
class QWidget;

namespace tokenbench::ui {

enum class BannerKind { Warning, Error };

/// Creates a hidden-by-caller banner frame; `text` receives its (word-wrapped, selectable) label.
/// Colours follow the palette with the plot palette's accent. UI thread.
[[nodiscard]] QFrame* makeBanner(BannerKind kind, QLabel** text, QWidget* parent);

}  // namespace tokenbench::ui
