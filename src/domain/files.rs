//! Kinds of files a need may carry, told from their content, never from their name.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Webp,
    Pdf,
    Dxf,
    Dwg,
    Step,
    Iges,
}

impl FileKind {
    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp)
    }

    /// What a reader sees it as.
    pub fn group(self) -> FileGroup {
        match self {
            FileKind::Jpeg | FileKind::Png | FileKind::Webp => FileGroup::Image,
            FileKind::Pdf => FileGroup::Pdf,
            _ => FileGroup::Cad,
        }
    }

    /// The extension files of this kind are stored and downloaded with.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png | FileKind::Webp => "png",
            FileKind::Pdf => "pdf",
            FileKind::Dxf => "dxf",
            FileKind::Dwg => "dwg",
            FileKind::Step => "step",
            FileKind::Iges => "igs",
        }
    }
}

crate::domain::closed_set! {
    /// Files as readers tell them apart: pictures shown inline, PDFs and CAD drawings downloaded.
    pub enum FileGroup {
        Image = "image",
        Pdf = "pdf",
        Cad = "cad",
    }
}

crate::domain::closed_set! {
    /// Who may see a file: anyone, or (confidential drawings) the firm and the staff until an
    /// introduction opens it to a maker.
    pub enum Visibility {
        Public = "public",
        Introduced = "introduced",
    }
}

impl Visibility {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }
}

/// What the bytes are, by their signature. SVG, HTML and anything else is `None`.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    let text_start = || {
        let head = &bytes[..bytes.len().min(512)];
        String::from_utf8_lossy(head)
            .trim_start_matches('\u{FEFF}')
            .to_string()
    };
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileKind::Png);
    }
    if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some(FileKind::Webp);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if bytes.len() > 6 && bytes.starts_with(b"AC10") && bytes[4..6].iter().all(u8::is_ascii_digit) {
        return Some(FileKind::Dwg);
    }
    if bytes.starts_with(b"AutoCAD Binary DXF") {
        return Some(FileKind::Dxf);
    }
    let head = text_start();
    if head.starts_with("ISO-10303-21") {
        return Some(FileKind::Step);
    }
    let mut lines = head.lines().map(str::trim);
    if lines.next() == Some("0") && lines.next() == Some("SECTION") {
        return Some(FileKind::Dxf);
    }
    // IGES: 80-column records, the first in the start section ('S' in column 73).
    let first = head.lines().next().unwrap_or("");
    if first.len() >= 73 && first.as_bytes()[72] == b'S' {
        return Some(FileKind::Iges);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(FileKind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(FileKind::Pdf));
        assert_eq!(sniff(b"AC1032\0\0"), Some(FileKind::Dwg));
        assert_eq!(sniff(b"ISO-10303-21;\nHEADER;"), Some(FileKind::Step));
        assert_eq!(
            sniff(b"  0\r\nSECTION\r\n  2\r\nHEADER"),
            Some(FileKind::Dxf)
        );
        let iges = format!("{:<72}S      1\n", "Niaz IGES");
        assert_eq!(sniff(iges.as_bytes()), Some(FileKind::Iges));
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
            None
        );
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b""), None);
    }
}
