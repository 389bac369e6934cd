//! Text wrapped inside a bordered box: ratatui 0.30's `Wrap` lets a wide
//! (CJK) character after an odd number of narrow columns run one column
//! into the right border; `ui::wrap_lines`, which the workbench wraps
//! with instead, keeps every line inside, loses nothing but the whitespace
//! at breaks, and keeps styles and alignment.

mod common;

use lodestar::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Alignment;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// Every message in `lang` (`en` or `zh-CN`), arguments shown by name.
fn texts(lang: &str) -> Vec<String> {
    let mut out: Vec<String> = common::messages()
        .values()
        .filter_map(|langs| langs.get(lang))
        .map(|s| s.replace("%{", "{"))
        .collect();
    out.extend(
        [
            "Hello 世界你好",
            "ab中文中文中文 x 中文",
            "模型 AUC 0.83，提升 2.1× · 成本 ¥1,200/月",
        ]
        .map(String::from),
    );
    out
}

/// `p` drawn in a bordered box `w` columns wide and tall enough for `rows`
/// lines of text.
fn draw(p: Paragraph, w: u16, rows: usize) -> Buffer {
    let h = u16::try_from(rows + 2).expect("rows");
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| f.render_widget(p.block(Block::bordered()), f.area()))
        .expect("draw");
    t.backend().buffer().clone()
}

/// The first row where the box's right border is not drawn.
fn broken_border(buf: &Buffer) -> Option<String> {
    common::broken_right_borders(buf).into_iter().next()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn ratatui_wrap_runs_a_wide_character_into_the_border() {
    // "Hello " fills one line of 7; "世界你好" (8 columns) is one word to
    // ratatui, measured before its last character is added. If this fails
    // after a ratatui upgrade, its wrapper is fixed (ratatui#2679) and
    // `ui::wrap_lines` is no longer needed for that.
    for (text, w) in [
        ("Hello 世界你好", 9),
        ("收入 · 成本", 12),
        (
            "还没有训练数据：请先按 e 选择数据文件和目标列；未做任何修改",
            60,
        ),
    ] {
        for trim in [true, false] {
            let buf = draw(Paragraph::new(text).wrap(Wrap { trim }), w, 8);
            assert!(
                broken_border(&buf).is_some(),
                "{text:?} at {w} (trim {trim}) stays inside"
            );
        }
    }
}

fn check_lang(lang: &str) {
    let texts = texts(lang);
    assert!(texts.len() > 500, "{lang}: {} texts", texts.len());
    let mut wrapped = 0;
    for trim in [true, false] {
        for w in 10..=60u16 {
            let inner = w - 2;
            for text in &texts {
                let lines = ui::wrap_lines(text.as_str(), inner, trim);
                assert_eq!(lines.len(), ui::wrapped_height(text.as_str(), inner, trim));
                wrapped += usize::from(lines.len() > 1);
                for l in &lines {
                    assert!(
                        l.width() <= usize::from(inner),
                        "{text:?} at {inner}: {l:?} is {} wide",
                        l.width()
                    );
                }
                let joined: String = lines
                    .iter()
                    .flat_map(|l| l.spans.iter().map(|s| s.content.as_ref()))
                    .collect();
                assert_eq!(
                    no_space(&joined),
                    no_space(text),
                    "{text:?} at {inner} (trim {trim}): {lines:?}"
                );
                // Untrimmed, text that fits is kept whole, spaces and all.
                if !trim && text.width() <= usize::from(inner) {
                    assert_eq!(&joined, text);
                }
                let rows = lines.len();
                let buf = draw(Paragraph::new(lines), w, rows);
                if let Some(row) = broken_border(&buf) {
                    panic!("{text:?} in {w} (trim {trim}) breaks the border: {row}");
                }
            }
        }
    }
    assert!(wrapped > 1000, "{lang}: only {wrapped} texts wrapped");
}

#[test]
fn chinese_messages_wrapped_stay_inside_the_border_at_every_width() {
    check_lang("zh-CN");
}

#[test]
fn english_messages_wrapped_stay_inside_the_border_at_every_width() {
    check_lang("en");
}

#[test]
fn wrapping_keeps_styles_line_style_and_alignment() {
    let red = Style::default().fg(Color::Red);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let line = Line::from(vec![
        Span::styled("价格 ", red),
        Span::raw("up "),
        Span::styled("中文中文中文", bold),
    ])
    .style(Style::default().bg(Color::Blue))
    .alignment(Alignment::Right);
    let lines = ui::wrap_lines(line, 7, true);
    let texts: Vec<String> = lines.iter().map(ToString::to_string).collect();
    assert_eq!(texts, ["价格 up", "中文中", "文中文"]);
    for l in &lines {
        assert_eq!(l.alignment, Some(Alignment::Right));
        assert_eq!(l.style.bg, Some(Color::Blue));
        for s in &l.spans {
            let want = if s.content.starts_with('价') {
                red
            } else if s.content == "up" {
                Style::default()
            } else {
                bold
            };
            assert_eq!(s.style, want, "{s:?}");
        }
    }
}

#[test]
fn trim_drops_leading_whitespace_like_ratatui() {
    let text = "  indented";
    let trimmed = ui::wrap_lines(text, 20, true);
    let kept = ui::wrap_lines(text, 20, false);
    assert_eq!(trimmed[0].to_string(), "indented");
    assert_eq!(kept[0].to_string(), "  indented");
    // What ratatui's Wrap draws for a line that fits, the helper draws too.
    for (lines, trim) in [(trimmed, true), (kept, false)] {
        let ours = draw(Paragraph::new(lines), 22, 1);
        let theirs = draw(Paragraph::new(text).wrap(Wrap { trim }), 22, 1);
        assert_eq!(ours, theirs, "trim {trim}");
    }
    // Empty lines stay.
    assert_eq!(
        ui::wrap_lines(vec![Line::default(), Line::from("a")], 5, true).len(),
        2
    );
}

#[test]
fn heights_count_the_lines_wrapping_makes() {
    // 17 columns in 9 are two rows by length, three as words: the height a
    // box is given is the number of lines drawn in it.
    let text = "abcde fghij klmno";
    assert_eq!(ui::wrapped_height(text, 9, true), 3);
    assert_eq!(lodestar::tui::panes::market::wrapped_height(text, 9), 3);
    let zh = "模型 AUC 0.83，提升 2.1× · 成本 ¥1,200/月\n\n第三行";
    for w in 4..=40u16 {
        let lines = ui::wrap_lines(zh, w, true);
        assert_eq!(
            usize::from(lodestar::tui::panes::market::wrapped_height(zh, w)),
            lines.len(),
            "{w}: {lines:?}"
        );
    }
}
