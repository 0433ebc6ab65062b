//! Pure: the home page's chart, as inline SVG made at build time. It is
//! not meant to be themed (its colours are, through the stylesheet's
//! `.chart` classes), so it is written here rather than in a template.
//!
//! Bars are horizontal and laid out in percentages of the chart's width
//! (no `viewBox` scaling), so the chart fills any screen from 360 px up
//! while its text stays at the page's font size. Every row is a list item
//! whose link names the numbers, so a screen reader reads "Monolith: 20
//! occurrences in 11 incidents" rather than a picture.

use std::fmt::Write;

/// How many category colours the stylesheet defines (`.c0`..`.c9`), for
/// the swatches beside category names.
pub const COLOURS: usize = 10;

/// The longest bar spans the chart: its numbers are on the label's line.
const MAX_BAR_PERCENT: f64 = 100.0;
const ROW_HEIGHT: u32 = 46;
const LABEL_BASELINE: u32 = 17;
const BAR_TOP: u32 = 24;
const BAR_HEIGHT: u32 = 14;
/// The gap between two segments, in the page's background colour: what
/// tells neighbouring segments apart, whatever their colours.
const GAP: f64 = 0.35;

/// One segment of a bar.
pub struct Segment<'a> {
    /// The stylesheet class that colours it (`bar-top`, `bar-rest`).
    pub class: &'static str,
    pub value: u32,
    /// What it is, for its tooltip.
    pub name: &'a str,
}

/// One bar of a chart.
pub struct Bar<'a> {
    pub label: &'a str,
    /// Where the label links to, if anywhere.
    pub url: Option<&'a str>,
    /// Stacked left to right.
    pub segments: Vec<Segment<'a>>,
    /// Written at the end of the label's line: the number the bar shows,
    /// in words (`20 occurrences`)…
    pub value_text: String,
    /// …and what follows it where there is room (` in 11 incidents`;
    /// hidden on narrow screens by the stylesheet's `.chart-more`).
    pub value_more: String,
    /// What a screen reader hears for the row.
    pub description: String,
}

impl Bar<'_> {
    fn total(&self) -> u32 {
        self.segments.iter().map(|s| s.value).sum()
    }
}

/// A horizontal bar chart, one row per bar: the label and the numbers on
/// one line, the bar under them, its segments stacked left to right with a
/// gap between them. A bar of 0 is drawn as a thin mark, so
/// that it reads as zero rather than as missing. `title` names the chart
/// for assistive technology.
pub fn render_bar_chart(id: &str, title: &str, bars: &[Bar<'_>]) -> String {
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let height = ROW_HEIGHT * u32::try_from(bars.len()).unwrap_or(0) + 4;
    let mut svg = String::with_capacity(256 + bars.len() * 600);
    let _ = write!(
        svg,
        "<svg class=\"chart\" id=\"{id}\" width=\"100%\" height=\"{height}\" role=\"list\" aria-labelledby=\"{id}-title\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title>",
        escape(title)
    );
    for (row, bar) in bars.iter().enumerate() {
        let top = ROW_HEIGHT * u32::try_from(row).unwrap_or(0);
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
        for segment in bar.segments.iter().filter(|s| s.value > 0) {
            let width = f64::from(segment.value) / f64::from(max) * MAX_BAR_PERCENT;
            let _ = write!(
                svg,
                "<rect class=\"bar {}\" x=\"{}%\" y=\"{}\" width=\"{}%\" height=\"{BAR_HEIGHT}\"><title>{}: {}</title></rect>",
                segment.class,
                percent(x),
                top + BAR_TOP,
                percent((width - GAP).max(GAP)),
                escape(segment.name),
                segment.value
            );
            x += width;
        }
        if bar.total() == 0 {
            let _ = write!(
                svg,
                "<rect class=\"bar bar-zero\" x=\"0\" y=\"{}\" width=\"3\" height=\"{BAR_HEIGHT}\"/>",
                top + BAR_TOP
            );
        }
        let _ = write!(
            svg,
            "<text class=\"chart-value\" x=\"100%\" y=\"{}\" text-anchor=\"end\"{hidden}>{}<tspan class=\"chart-more\">{}</tspan></text></g>",
            top + LABEL_BASELINE,
            escape(&bar.value_text),
            escape(&bar.value_more)
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

    fn bar<'a>(label: &'a str, values: &[u32]) -> Bar<'a> {
        Bar {
            label,
            url: None,
            segments: values
                .iter()
                .map(|&value| Segment {
                    class: "bar-rest",
                    value,
                    name: "one",
                })
                .collect(),
            value_text: format!("{}", values.iter().sum::<u32>()),
            value_more: " in all".into(),
            description: String::new(),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_name_their_numbers() {
        let mut linked = bar("Monolith <big>", &[20]);
        linked.url = Some("categories/monolith/index.html");
        linked.description = "Monolith: 20 occurrences".into();
        let bars = [linked, bar("Empty", &[]), bar("Half", &[5, 5])];
        let svg = render_bar_chart("c", "Occurrences", &bars);
        assert!(svg.contains("width=\"99.65%\""), "{svg}");
        assert!(svg.contains("Monolith &lt;big&gt;"));
        assert!(svg.contains("aria-label=\"Monolith: 20 occurrences\""));
        // The second segment starts where the first one's share ends; the
        // gap comes out of each segment's own width.
        assert!(
            svg.contains("x=\"25%\" y=\"116\" width=\"24.65%\""),
            "{svg}"
        );
        assert_eq!(svg.matches("role=\"listitem\"").count(), 3);
        assert_eq!(svg.matches("<rect").count(), 4);
        // Zero is a visible mark with its number.
        assert!(svg.contains("class=\"bar bar-zero\""), "{svg}");
        assert!(
            svg.contains(">0<tspan class=\"chart-more\"> in all</tspan></text>"),
            "{svg}"
        );
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
