//! Chart geometry for server-rendered SVG. The shapes are computed here and drawn by the
//! template, so every label goes through the template's escaping (place names are data).
//! Hand-built rather than a plotting crate: two small charts, a few dozen lines, no fonts
//! to embed.

/// Width of every chart's view box (the SVG scales to its container).
pub(crate) const WIDTH: f64 = 640.0;

/// One horizontal bar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub label: String,
    pub value: String,
    /// Top of the bar.
    pub y: f64,
    pub width: f64,
    /// Where the value is written (after the bar).
    pub value_x: f64,
    /// The label's baseline.
    pub text_y: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarChart {
    pub bars: Vec<Bar>,
    pub height: f64,
    /// Where the bars start (the labels sit left of it).
    pub left: f64,
    pub bar_height: f64,
}

const BAR_ROW: f64 = 26.0;
const BAR_LEFT: f64 = 170.0;
const BAR_MAX: f64 = WIDTH - BAR_LEFT - 60.0;

/// Bars for values in `0..=max`; a `None` value draws no bar and reads "—".
pub(crate) fn bar_chart(items: &[(String, Option<f64>)], max: f64) -> BarChart {
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let y = 10.0 + i as f64 * BAR_ROW;
            let width = match value {
                Some(v) if max > 0.0 => (v.clamp(0.0, max) / max) * BAR_MAX,
                _ => 0.0,
            };
            Bar {
                label: label.clone(),
                value: value
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_else(|| "—".into()),
                y,
                width,
                value_x: BAR_LEFT + width + 6.0,
                text_y: y + 14.0,
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        height: 20.0 + bars.len() as f64 * BAR_ROW,
        bars,
        left: BAR_LEFT,
        bar_height: 18.0,
    }
}

/// One point of a line chart, with its axis label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    pub label: String,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LineChart {
    pub points: Vec<Point>,
    /// The `points` attribute of the polyline.
    pub path: String,
    pub height: f64,
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
    /// The largest value on the axis (a round number).
    pub max: i64,
}

const LINE_HEIGHT: f64 = 220.0;

/// The smallest of 1, 2, 5 × 10ⁿ at or above `v` (at least 1).
pub(crate) fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= v {
                return m * step;
            }
        }
        step *= 10;
    }
}

pub(crate) fn line_chart(values: &[(String, i64)]) -> LineChart {
    let (top, bottom, left, right) = (16.0, LINE_HEIGHT - 28.0, 48.0, WIDTH - 16.0);
    let max = nice_ceiling(values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1));
    let n = values.len().max(2) - 1;
    let points: Vec<Point> = values
        .iter()
        .enumerate()
        .map(|(i, (label, v))| Point {
            x: left + (right - left) * i as f64 / n as f64,
            y: bottom - (bottom - top) * (*v as f64) / max as f64,
            label: label.clone(),
            value: *v,
        })
        .collect();
    let path = points
        .iter()
        .map(|p| format!("{:.1},{:.1}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    LineChart {
        points,
        path,
        height: LINE_HEIGHT,
        top,
        bottom,
        left,
        right,
        max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_maximum_and_null_draws_nothing() {
        let c = bar_chart(
            &[
                ("岳阳街道".into(), Some(100.0)),
                ("永丰街道".into(), Some(50.0)),
                ("方松街道".into(), None),
            ],
            100.0,
        );
        assert_eq!(c.bars[0].width, BAR_MAX);
        assert_eq!(c.bars[1].width, BAR_MAX / 2.0);
        assert_eq!((c.bars[2].width, c.bars[2].value.as_str()), (0.0, "—"));
        assert_eq!(c.bars[1].value, "50.0");
        assert!(c.bars[1].y > c.bars[0].y);
        assert_eq!(c.height, 20.0 + 3.0 * BAR_ROW);
    }

    #[test]
    fn lines_span_the_width_and_the_axis_is_round() {
        assert_eq!(
            [0, 1, 2, 3, 7, 10, 11, 180, 999].map(nice_ceiling),
            [1, 1, 2, 5, 10, 10, 20, 200, 1000]
        );
        let c = line_chart(&[("09".into(), 0), ("10".into(), 35), ("11".into(), 50)]);
        assert_eq!(c.max, 50);
        assert_eq!(c.points[0].x, c.left);
        assert_eq!(c.points[2].x, c.right);
        assert_eq!(c.points[0].y, c.bottom);
        assert_eq!(c.points[2].y, c.top);
        assert_eq!(c.path.split(' ').count(), 3);
    }
}
