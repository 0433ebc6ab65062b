//! Pure: the timeline page's grid: occurrences per category and period, a
//! heatmap by quarter when the dates are dense enough for quarters (see
//! [`crate::tally::Timeline::quarter_periods`]), else by year. What has no
//! place in the grid (undated occurrences, and dates known only to the
//! year in a grid of quarters) is counted for a sentence under it.

use std::collections::BTreeMap;

use super::context::*;
use super::data::SiteData;
use crate::tally::PeriodKind;

/// Heat levels a cell can take besides empty (`heat-1`..`heat-4`).
const LEVELS: u32 = 4;

impl<'a> SiteData<'a> {
    pub(super) fn timeline_context(&self) -> TimelineContext<'a> {
        let timeline = &self.tally.timeline;
        let dated = |periods: Vec<PeriodKind>| -> Vec<PeriodKind> {
            periods
                .into_iter()
                .filter(|p| matches!(p, PeriodKind::Year(_) | PeriodKind::Quarter(..)))
                .collect()
        };
        let years = dated(timeline.year_periods());
        let by_year = self.period_view(&years, &timeline.years);
        match timeline.quarter_periods() {
            Some(quarters) => {
                let year_only = quarters
                    .iter()
                    .filter(|p| matches!(p, PeriodKind::QuarterUnknown(_)))
                    .filter_map(|p| timeline.quarters.get(p))
                    .map(|counts| counts.values().sum::<u32>())
                    .sum();
                TimelineContext {
                    grid: self.period_view(&dated(quarters), &timeline.quarters),
                    period: "quarter",
                    by_year: Some(by_year),
                    year_only,
                    undated: timeline.undated(),
                }
            }
            None => TimelineContext {
                grid: by_year,
                period: "year",
                by_year: None,
                year_only: 0,
                undated: timeline.undated(),
            },
        }
    }

    pub(super) fn period_view(
        &self,
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
        let table: Vec<(usize, Vec<u32>)> = self
            .tally
            .categories
            .iter()
            .enumerate()
            .map(|(position, row)| {
                (
                    position,
                    periods.iter().map(|p| count(p, &row.slug)).collect(),
                )
            })
            .filter(|(_, counts): &(usize, Vec<u32>)| counts.iter().any(|&n| n > 0))
            .collect();
        let max = table
            .iter()
            .flat_map(|(_, counts)| counts.iter().copied())
            .max()
            .unwrap_or(0);
        let rows: Vec<PeriodRowContext<'a>> = table
            .iter()
            .filter_map(|(position, counts)| {
                Some(PeriodRowContext {
                    category: self.category_ref(*position)?,
                    cells: counts
                        .iter()
                        .map(|&count| CellContext {
                            count,
                            level: heat_level(count, max),
                        })
                        .collect(),
                    total: counts.iter().sum(),
                })
            })
            .collect();
        let totals: Vec<u32> = (0..periods.len())
            .map(|i| table.iter().filter_map(|(_, counts)| counts.get(i)).sum())
            .collect();
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
        }
    }
}

/// 0 for an empty cell, else 1..=4 spread from 1 to the fullest cell:
/// the fullest is always the darkest.
pub(super) fn heat_level(count: u32, max: u32) -> u32 {
    if count == 0 || max == 0 {
        return 0;
    }
    if max == 1 {
        return LEVELS;
    }
    (1 + (count.min(max) - 1) * (LEVELS - 1) / (max - 1)).min(LEVELS)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_levels_grow_with_the_count_up_to_the_fullest_cell() {
        let levels: Vec<u32> = (0..=5).map(|n| heat_level(n, 5)).collect();
        assert_eq!(levels, [0, 1, 1, 2, 3, 4]);
        assert_eq!(heat_level(1, 1), 4);
        assert_eq!(heat_level(1, 2), 1);
        assert_eq!(heat_level(0, 0), 0);
        assert_eq!(heat_level(100, 100), 4);
    }
}
