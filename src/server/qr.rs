//! A meeting link as a QR code, so that a phone can join by pointing its camera at the screen
//! of a person already in the meeting: `/room/<id>/qr.svg`, made by the server (the code that
//! draws it stays out of the browser's bundle).

use super::origin::request_host;
use crate::protocol::RoomId;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The meeting's link, as the browser that asks reached this server, drawn as a QR code.
pub async fn meeting_qr(Path(id): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    let Ok(room) = id.parse::<RoomId>() else {
        return (StatusCode::NOT_FOUND, "No such meeting link.").into_response();
    };
    let Some(host) = request_host(&headers, &uri) else {
        return (StatusCode::BAD_REQUEST, "The request names no host.").into_response();
    };
    match svg_of(&format!("https://{host}/room/{room}")) {
        Some(svg) => (
            [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, "no-cache")],
            svg,
        )
            .into_response(),
        None => (StatusCode::BAD_REQUEST, "That host does not fit a QR code.").into_response(),
    }
}

/// `text` as a QR code in SVG (black on white, with the quiet zone scanners need); `None` when
/// it is too long for one.
pub fn svg_of(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text`'s QR code back with an independent decoder, from the modules drawn four
    /// pixels each inside a four-module white margin, as a camera would see it.
    fn decoded(text: &str) -> String {
        let code = QrCode::with_error_correction_level(text, EcLevel::M).unwrap();
        let (width, colors) = (code.width(), code.to_colors());
        let (scale, margin) = (4, 4);
        let side = (width + 2 * margin) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let inside =
                (margin..width + margin).contains(&mx) && (margin..width + margin).contains(&my);
            let dark =
                inside && colors[(my - margin) * width + (mx - margin)] == qrcode::Color::Dark;
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().expect("a readable code").1
    }

    #[test]
    fn the_code_reads_back_as_the_meeting_link() {
        let link = "https://meet.example.org/room/abcdefghijklmnopqrstuvwxyz";
        assert_eq!(decoded(link), link);
        let svg = svg_of(link).unwrap();
        assert!(svg.contains("<svg") && svg.contains("#000000"), "{svg}");
    }

    #[test]
    fn text_too_long_for_any_qr_code_gives_none() {
        assert!(svg_of(&"x".repeat(8000)).is_none());
    }
}
