//! How the call's tiles fill the space they have: how many columns and rows, and how large each
//! tile is, so that every tile keeps the video's shape and they are as large as they can be.
//! Pure arithmetic, so that every window shape is tested natively.

/// The shape of a video tile, width over height.
pub const TILE_ASPECT: f64 = 16.0 / 9.0;

/// A grid for some tiles in some space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fit {
    /// Columns.
    pub columns: usize,
    /// Rows.
    pub rows: usize,
    /// Each tile's width, in CSS pixels.
    pub width: f64,
    /// Each tile's height, in CSS pixels.
    pub height: f64,
}

/// The arrangement of `tiles` tiles of shape `aspect` in a `width` × `height` area with `gap`
/// pixels between them that makes each tile largest. Ties go to fewer columns.
pub fn fit(tiles: usize, width: f64, height: f64, gap: f64, aspect: f64) -> Fit {
    let tiles = tiles.max(1);
    let mut best = Fit {
        columns: 1,
        rows: tiles,
        width: 0.0,
        height: 0.0,
    };
    for columns in 1..=tiles {
        let rows = tiles.div_ceil(columns);
        let cell_width = (width - gap * (columns - 1) as f64) / columns as f64;
        let cell_height = (height - gap * (rows - 1) as f64) / rows as f64;
        if cell_width <= 0.0 || cell_height <= 0.0 {
            continue;
        }
        let tile_width = cell_width.min(cell_height * aspect);
        if tile_width > best.width + 0.5 {
            best = Fit {
                columns,
                rows,
                width: tile_width.floor(),
                height: (tile_width / aspect).floor(),
            };
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(tiles: usize, width: f64, height: f64) -> (usize, usize) {
        let fit = fit(tiles, width, height, 8.0, TILE_ASPECT);
        (fit.columns, fit.rows)
    }

    #[test]
    fn one_tile_fills_the_space_as_far_as_its_shape_allows() {
        let fit = fit(1, 1366.0, 600.0, 8.0, TILE_ASPECT);
        assert_eq!((fit.columns, fit.rows), (1, 1));
        assert_eq!(fit.height, 600.0, "limited by the height on a wide window");
        assert!(fit.width <= 1366.0);
    }

    #[test]
    fn four_people_on_a_laptop_take_two_rows_not_one_thin_row() {
        assert_eq!(grid(4, 1366.0, 640.0), (2, 2));
    }

    #[test]
    fn on_a_portrait_phone_tiles_stack_in_one_column_or_two() {
        assert_eq!(grid(2, 374.0, 640.0), (1, 2));
        let (columns, rows) = grid(6, 374.0, 640.0);
        assert!(columns * rows >= 6);
        assert!(columns <= 2, "{columns} columns on a phone");
    }

    #[test]
    fn on_a_very_wide_screen_tiles_go_side_by_side() {
        assert_eq!(grid(2, 2560.0, 1200.0), (2, 1));
        assert_eq!(grid(3, 2560.0, 700.0), (3, 1));
    }

    #[test]
    fn every_tile_fits_in_the_space_with_its_gaps() {
        for tiles in 1..=12 {
            for (width, height) in [
                (320.0, 400.0),
                (1366.0, 640.0),
                (390.0, 700.0),
                (2560.0, 1300.0),
            ] {
                let fit = fit(tiles, width, height, 8.0, TILE_ASPECT);
                assert!(fit.columns * fit.rows >= tiles);
                let used_width = fit.width * fit.columns as f64 + 8.0 * (fit.columns - 1) as f64;
                let used_height = fit.height * fit.rows as f64 + 8.0 * (fit.rows - 1) as f64;
                assert!(
                    used_width <= width + 0.01,
                    "{tiles} in {width}x{height}: {fit:?}"
                );
                assert!(
                    used_height <= height + 0.01,
                    "{tiles} in {width}x{height}: {fit:?}"
                );
                assert!(fit.width > 0.0);
            }
        }
    }

    #[test]
    fn no_space_gives_an_empty_fit_rather_than_a_negative_one() {
        let fit = fit(4, 0.0, 0.0, 8.0, TILE_ASPECT);
        assert_eq!(fit.width, 0.0);
    }
}
