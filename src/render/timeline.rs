//! Pure: the timeline page's views (years, and quarters where the data is
//! dense enough): tables and stacked bar charts of occurrences per period.

use std::collections::BTreeMap;

use super::chart::{Bar, render_bar_chart};
use super::context::*;
use super::data::SiteData;
use crate::diagnostic::plural;
use crate::tally::PeriodKind;

impl<'a> SiteData<'a> {
    pub(super) fn timeline_context(&self) -> TimelineContext<'a> {
        let timeline = &self.tally.timeline;
        let years = timeline.year_periods();
        let quarters = timeline.quarter_periods();
        let undated = timeline.undated();
        TimelineContext {
            years: self.period_view(
                "years-chart",
                "Occurrences per year",
                &years,
                &timeline.years,
            ),
            quarters: quarters.map(|periods| {
                self.period_view(
                    "quarters-chart",
                    "Occurrences per quarter",
                    &periods,
                    &timeline.quarters,
                )
            }),
            undated,
        }
    }

    pub(super) fn period_view(
        &self,
        id: &str,
        title: &str,
        periods: &[PeriodKind],
        counts: &BTreeMap<PeriodKind, BTreeMap<String, u32>>,
    ) -> PeriodView<'a> {
        let count = |period: &PeriodKind, slug: &str| -> u32 {
            counts
                .get(period)
                .and_then(|c| c.get(slug))
                .copied()
                .unwrap_or(0)
        };
        let rows: Vec<PeriodRowContext<'a>> = self
            .tally
            .categories
            .iter()
            .enumerate()
            .filter_map(|(position, row)| {
                let counts: Vec<u32> = periods.iter().map(|p| count(p, &row.slug)).collect();
                let total: u32 = counts.iter().sum();
                (total > 0).then_some(())?;
                Some(PeriodRowContext {
                    category: self.category_ref(position)?,
                    counts,
                    total,
                })
            })
            .collect();
        let totals: Vec<u32> = (0..periods.len())
            .map(|i| rows.iter().filter_map(|r| r.counts.get(i)).sum())
            .collect();
        let labels: Vec<String> = periods.iter().map(PeriodKind::label).collect();
        let bars: Vec<Bar<'_>> = periods
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let label = labels.get(i).map_or("", String::as_str);
                let total = totals.get(i).copied().unwrap_or(0);
                Bar {
                    label,
                    url: None,
                    segments: rows
                        .iter()
                        .map(|r| {
                            (
                                r.category.colour,
                                r.counts.get(i).copied().unwrap_or(0),
                                r.category.title,
                            )
                        })
                        .collect(),
                    description: format!("{label}: {}", plural(total, "occurrence", "occurrences")),
                }
            })
            .collect();
        let chart_svg = render_bar_chart(id, title, &bars);
        PeriodView {
            periods: periods
                .iter()
                .zip(&totals)
                .map(|(p, &total)| PeriodContext {
                    label: p.label(),
                    short_label: short_label(p),
                    key: period_key(p),
                    total,
                })
                .collect(),
            total: totals.iter().sum(),
            rows,
            totals,
            chart_svg,
        }
    }
}

/// A period's label where space is short: `2018-Q?` for quarter unknown.
pub(super) fn short_label(period: &PeriodKind) -> String {
    match period {
        PeriodKind::QuarterUnknown(y) => format!("{y:04}-Q?"),
        other => other.label(),
    }
}

/// A period as an id-safe key: `2018`, `2018-q3`, `2018-qx`, `undated`.
pub(super) fn period_key(period: &PeriodKind) -> String {
    match period {
        PeriodKind::Year(y) => format!("{y:04}"),
        PeriodKind::Quarter(y, q) => format!("{y:04}-q{q}"),
        PeriodKind::QuarterUnknown(y) => format!("{y:04}-qx"),
        PeriodKind::Undated => "undated".to_owned(),
    }
}
