//! QR codes as inline SVG, drawn by the server (no script, no other host).

/// `text` as an SVG QR code of `module` user units per module, with its quiet zone, ready to
/// be placed inside HTML (no XML prolog). Sized by CSS; the view box keeps it square.
pub fn svg(text: &str, module: u32) -> Option<String> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .module_dimensions(module, module)
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg ", r#"<svg role="img" class="qr" "#, 1))
}
