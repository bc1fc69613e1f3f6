//! The five SDKs' FileStore CSV dialects. All write the ten columns in the same order; they differ in
//! the 9th header name, quoting, line endings and the final newline:
//! - Python: header `redirect_uri`, quotes only when needed, CRLF after every row;
//! - Java: quotes only when needed (Java SDK 7 quoted every field), LF after every row;
//! - Node.js: no quoting, LF between rows, no final newline;
//! - PHP: no quoting (its reader unquotes), LF between rows, no final newline;
//! - C#: no quoting, a newline after every row.
//!
//! Node.js and C# read by splitting on commas, so a quoted field is read with its quotes; a value holding
//! a comma, quote or line break cannot be written for them.

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Python,
    Java,
    Node,
    Php,
    Csharp,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Python => "python",
            Dialect::Java => "java",
            Dialect::Node => "node",
            Dialect::Php => "php",
            Dialect::Csharp => "csharp",
        }
    }

    /// Whether the SDK's reader removes CSV quotes (Node.js and C# keep them as characters).
    pub fn reader_unquotes(self) -> bool {
        matches!(self, Dialect::Python | Dialect::Java | Dialect::Php)
    }

    /// Whether the SDK's writer quotes a value that needs it (the others cannot store such a value).
    pub fn writer_quotes(self) -> bool {
        matches!(self, Dialect::Python | Dialect::Java)
    }

    pub fn header(self) -> [&'static str; 10] {
        let mut header = zts::token::FIELDS;
        if self == Dialect::Python {
            header[8] = "redirect_uri";
        }
        header
    }

    fn line_end(self) -> &'static str {
        if self == Dialect::Python {
            "\r\n"
        } else {
            "\n"
        }
    }

    fn final_newline(self) -> bool {
        !matches!(self, Dialect::Node | Dialect::Php)
    }

    /// Guesses the dialect of a file from its bytes, with the reason, for the import's report.
    /// Node.js and PHP files look alike, as do Java and C# files without quotes; each pair reads the same.
    pub fn detect(bytes: &[u8]) -> (Dialect, String) {
        let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
        let quoted = bytes.first() == Some(&b'"') || bytes.windows(2).any(|w| w == b",\"" || w == b"\n\"");
        if first_line.windows(12).any(|w| w.eq_ignore_ascii_case(b"redirect_uri")) || first_line.ends_with(b"\r") {
            (Dialect::Python, "python (redirect_uri header or CRLF lines)".into())
        } else if quoted {
            (Dialect::Java, "java (quoted fields)".into())
        } else if bytes.ends_with(b"\n") {
            (Dialect::Csharp, "java or csharp (no quotes, LF, final newline)".into())
        } else {
            (Dialect::Node, "node or php (no quotes, no final newline)".into())
        }
    }

    /// Writes the header and rows as this SDK's FileStore would. Every value must already have been
    /// checked with `unwritable`.
    pub fn write(self, rows: &[[&str; 10]]) -> Vec<u8> {
        let mut out = String::new();
        let lines = std::iter::once(self.header()).chain(rows.iter().copied());
        for (index, row) in lines.enumerate() {
            if index > 0 {
                out.push_str(self.line_end());
            }
            let fields: Vec<String> = row.iter().map(|v| self.field(v)).collect();
            out.push_str(&fields.join(","));
        }
        if self.final_newline() {
            out.push_str(self.line_end());
        }
        out.into_bytes()
    }

    fn field(self, value: &str) -> String {
        if self.writer_quotes() && value.contains([',', '"']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_owned()
        }
    }

    /// Why this SDK's FileStore could not read a value back, if it could not.
    pub fn unwritable(self, value: &str) -> Option<&'static str> {
        if value.contains(['\r', '\n']) {
            Some("a line break")
        } else if !self.writer_quotes() && value.contains([',', '"']) {
            Some("a comma or quote, which this SDK's FileStore writes without quoting")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: [&str; 10] = ["1", "u@x:7", "c", "s", "1000.r", "1000.a", "", "17", "http://l/cb", "https://d"];

    #[test]
    fn each_writer_has_its_sdk_layout() {
        let text = |d: Dialect| String::from_utf8(d.write(&[ROW, ROW])).unwrap();
        let python = text(Dialect::Python);
        assert!(python.starts_with("id,user_name,client_id,client_secret,refresh_token,access_token,grant_token,expiry_time,redirect_uri,api_domain\r\n1,u@x:7,"));
        assert!(python.ends_with("https://d\r\n"));
        assert!(text(Dialect::Java).ends_with("https://d\n") && !text(Dialect::Java).contains('\r'));
        assert!(text(Dialect::Node).ends_with("https://d") && text(Dialect::Node).contains(",redirect_url,"));
        assert_eq!(text(Dialect::Php), text(Dialect::Node));
        assert_eq!(text(Dialect::Csharp), text(Dialect::Java));
    }

    #[test]
    fn quoting_only_where_the_sdk_quotes() {
        let mut row = ROW;
        row[9] = "a,\"b";
        assert!(String::from_utf8(Dialect::Java.write(&[row])).unwrap().contains(",\"a,\"\"b\"\n"));
        assert!(Dialect::Node.unwritable("a,b").is_some());
        assert!(Dialect::Python.unwritable("a,b").is_none());
        assert!(Dialect::Python.unwritable("a\nb").is_some());
    }

    #[test]
    fn detection() {
        for dialect in [Dialect::Python, Dialect::Node] {
            assert_eq!(Dialect::detect(&dialect.write(&[ROW])).0, dialect);
        }
        assert_eq!(Dialect::detect(b"\"id\",\"user_name\"\n\"1\",\"u\"\n").0, Dialect::Java);
        assert_eq!(
            Dialect::detect(&Dialect::Java.write(&[ROW])).0,
            Dialect::Csharp,
            "java without quotes reads as csharp does"
        );
    }
}
