//! Pure: the charts, as inline SVG made at build time.
//!
//! Bars are horizontal and laid out in percentages of the chart's width
//! (no `viewBox` scaling), so the chart fills any screen from 360 px up
//! while its text stays at the page's font size. Every row is a list item
//! whose link or label names the numbers, so a screen reader reads
//! "Monolith: 20 occurrences" rather than a picture; colours come from the
//! stylesheet's `.c0`..`.c9` classes so dark mode and print restyle them.

use std::fmt::Write;

/// How many category colours the stylesheet defines (`.c0`..`.c9`).
pub const COLOURS: usize = 10;

/// Bars end at most this far across, leaving room for the number after them.
const MAX_BAR_PERCENT: f64 = 86.0;
const ROW_HEIGHT: u32 = 46;
const LABEL_BASELINE: u32 = 17;
const BAR_TOP: u32 = 24;
const BAR_HEIGHT: u32 = 14;

/// One bar of a chart.
pub struct Bar<'a> {
    pub label: &'a str,
    /// Where the label links to, if anywhere.
    pub url: Option<&'a str>,
    /// Stacked segments: (colour index, value, what the segment is).
    pub segments: Vec<(usize, u32, &'a str)>,
    /// What a screen reader hears for a linked row.
    pub description: String,
}

impl Bar<'_> {
    fn total(&self) -> u32 {
        self.segments.iter().map(|(_, v, _)| *v).sum()
    }
}

/// A horizontal bar chart, one row per bar, segments stacked left to
/// right. `title` names the chart for assistive technology.
pub fn render_bar_chart(id: &str, title: &str, bars: &[Bar<'_>]) -> String {
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let height = ROW_HEIGHT * u32::try_from(bars.len()).unwrap_or(0) + 4;
    let mut svg = String::with_capacity(256 + bars.len() * 400);
    let _ = write!(
        svg,
        "<svg class=\"chart\" id=\"{id}\" width=\"100%\" height=\"{height}\" role=\"list\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    for (row, bar) in bars.iter().enumerate() {
        let top = ROW_HEIGHT * u32::try_from(row).unwrap_or(0);
        let total = bar.total();
        let _ = write!(svg, "<g role=\"listitem\">");
        // Inside a link the link's name says it all; without one the visible
        // label and number are what is read.
        let hidden = if bar.url.is_some() {
            " aria-hidden=\"true\""
        } else {
            ""
        };
        let label = format!(
            "<text class=\"chart-label\" x=\"0\" y=\"{}\"{hidden}>{}</text>",
            top + LABEL_BASELINE,
            escape(bar.label)
        );
        match bar.url {
            Some(url) => {
                let _ = write!(
                    svg,
                    "<a href=\"{}\" aria-label=\"{}\">{label}</a>",
                    escape(url),
                    escape(&bar.description)
                );
            }
            None => svg.push_str(&label),
        }
        let mut x = 0.0_f64;
        for (colour, value, name) in &bar.segments {
            if *value == 0 {
                continue;
            }
            let width = f64::from(*value) / f64::from(max) * MAX_BAR_PERCENT;
            let _ = write!(
                svg,
                "<rect class=\"bar c{}\" x=\"{}%\" y=\"{}\" width=\"{}%\" height=\"{BAR_HEIGHT}\" rx=\"2\"><title>{}: {value}</title></rect>",
                colour % COLOURS,
                percent(x),
                top + BAR_TOP,
                percent(width),
                escape(name)
            );
            x += width;
        }
        let _ = write!(
            svg,
            "<text class=\"chart-value\" x=\"{}%\" dx=\"{}\" y=\"{}\"{hidden}>{total}</text></g>",
            percent(x),
            if total == 0 { 0 } else { 6 },
            top + BAR_TOP + BAR_HEIGHT - 2
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A percentage with two decimals and no trailing zeros, so output is
/// byte-identical across platforms.
fn percent(value: f64) -> String {
    let hundredths = (value * 100.0).round();
    // Chart widths are 0..=100%: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation)]
    let hundredths = hundredths as i64;
    let whole = hundredths / 100;
    let fraction = hundredths % 100;
    if fraction == 0 {
        whole.to_string()
    } else if fraction % 10 == 0 {
        format!("{whole}.{}", fraction / 10)
    } else {
        format!("{whole}.{fraction:02}")
    }
}

/// Text for XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_name_their_numbers() {
        let bars = [
            Bar {
                label: "Monolith <big>",
                url: Some("/categories/monolith/"),
                segments: vec![(0, 20, "Monolith")],
                description: "Monolith: 20 occurrences".into(),
            },
            Bar {
                label: "Empty",
                url: None,
                segments: vec![(1, 0, "Empty")],
                description: "Empty: 0 occurrences".into(),
            },
            Bar {
                label: "Half",
                url: None,
                segments: vec![(2, 5, "A"), (13, 5, "B")],
                description: "Half: 10".into(),
            },
        ];
        let svg = render_bar_chart("c", "Occurrences", &bars);
        assert!(svg.contains("width=\"86%\""), "{svg}");
        assert!(svg.contains("Monolith &lt;big&gt;"));
        assert!(svg.contains("aria-label=\"Monolith: 20 occurrences\""));
        assert!(svg.contains("class=\"bar c3\" x=\"21.5%\""), "{svg}");
        assert_eq!(svg.matches("role=\"listitem\"").count(), 3);
        assert_eq!(svg.matches("<rect").count(), 3);
    }

    #[test]
    fn percentages_are_stable_text() {
        assert_eq!(percent(0.0), "0");
        assert_eq!(percent(43.0), "43");
        assert_eq!(percent(21.5), "21.5");
        assert_eq!(percent(28.666_666), "28.67");
        assert_eq!(percent(10.05), "10.05");
    }
}
