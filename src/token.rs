//! The token model and its JSON: the ten fields of the SDKs' stores, strict parsing with messages that
//! name the key, output that always carries all ten keys, and a Debug that never shows a secret.

use crate::error::{shown, Error, Result};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserializer, Serialize};
use std::fmt;

/// Longest value accepted in one field. Real tokens are well under 4 KiB; this bounds a runaway caller.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;
/// Longest token JSON accepted by `Token::from_json`.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// One OAuth token row. `None` is "absent"; an empty string in the input is read as absent too,
/// as the SDKs' file stores do, so a stored or returned value is never "".
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct Token {
    pub id: Option<String>,
    pub user_name: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub refresh_token: Option<String>,
    pub access_token: Option<String>,
    pub grant_token: Option<String>,
    pub expiry_time: Option<String>,
    pub redirect_url: Option<String>,
    pub api_domain: Option<String>,
}

/// The keys in the SDKs' column order (CSV header, DBStore table).
pub const FIELDS: [&str; 10] = [
    "id",
    "user_name",
    "client_id",
    "client_secret",
    "refresh_token",
    "access_token",
    "grant_token",
    "expiry_time",
    "redirect_url",
    "api_domain",
];

/// Fields whose values are credentials: never printed, only redacted.
const SECRETS: [&str; 4] = ["client_secret", "refresh_token", "access_token", "grant_token"];

impl Token {
    /// The fields in `FIELDS` order.
    pub fn values(&self) -> [&Option<String>; 10] {
        [
            &self.id,
            &self.user_name,
            &self.client_id,
            &self.client_secret,
            &self.refresh_token,
            &self.access_token,
            &self.grant_token,
            &self.expiry_time,
            &self.redirect_url,
            &self.api_domain,
        ]
    }

    /// The fields in `FIELDS` order, mutable.
    pub fn values_mut(&mut self) -> [&mut Option<String>; 10] {
        [
            &mut self.id,
            &mut self.user_name,
            &mut self.client_id,
            &mut self.client_secret,
            &mut self.refresh_token,
            &mut self.access_token,
            &mut self.grant_token,
            &mut self.expiry_time,
            &mut self.redirect_url,
            &mut self.api_domain,
        ]
    }

    /// Builds a token from the ten values in `FIELDS` order.
    pub fn from_values(values: [Option<String>; 10]) -> Token {
        let mut token = Token::default();
        for (slot, value) in token.values_mut().into_iter().zip(values) {
            *slot = value;
        }
        token
    }

    /// Parses the token JSON of the C ABI. Errors are `InvalidJson` and name the key at fault.
    pub fn from_json(json: &str) -> Result<Token> {
        if json.len() > MAX_JSON_BYTES {
            return Err(Error::invalid_json(format!(
                "token JSON is {} bytes; the limit is {MAX_JSON_BYTES}",
                json.len()
            )));
        }
        let mut de = serde_json::Deserializer::from_str(json);
        let token = (&mut de).deserialize_any(TokenVisitor).map_err(json_error)?;
        de.end().map_err(json_error)?;
        Ok(token)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a struct of optional strings always serializes")
    }
}

pub fn list_to_json(tokens: &[Token]) -> String {
    serde_json::to_string(tokens).expect("a list of tokens always serializes")
}

/// The packed form of the C ABI's `*_fields` calls: the ten values in `FIELDS` order, each followed by
/// one NUL byte, an absent value as nothing ("" is read as absent, as in the JSON). A token is never
/// JSON-escaped or parsed, so a binding can split it with one call.
impl Token {
    /// Parses one packed token. The values pass the same checks as the JSON's (`checked_value`).
    pub fn from_fields(bytes: &[u8]) -> Result<Token> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            Error::invalid_argument(format!(
                "token fields are not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        let count = text.bytes().filter(|b| *b == 0).count();
        let Some(body) = text.strip_suffix('\0').filter(|_| count == FIELDS.len()) else {
            return Err(Error::invalid_argument(format!(
                "token fields: expected {} values each ended by a NUL byte, found {count} NUL bytes{}",
                FIELDS.len(),
                if text.ends_with('\0') { "" } else { " and no NUL at the end" }
            )));
        };
        let mut token = Token::default();
        for ((slot, value), name) in token.values_mut().into_iter().zip(body.split('\0')).zip(FIELDS) {
            *slot = checked_value(name, value).map_err(|m| Error::invalid_argument(format!("token fields: {m}")))?;
        }
        Ok(token)
    }

    /// Appends the packed form. A stored value holding a NUL (written by another program: zts refuses
    /// one) cannot be packed: the error names the key and the id and points to the JSON calls.
    pub fn write_fields(&self, out: &mut Vec<u8>) -> Result<()> {
        for (name, value) in FIELDS.iter().zip(self.values()) {
            let value = value.as_deref().unwrap_or("");
            if value.contains('\0') {
                return Err(unpackable(self.id.as_deref().unwrap_or(""), name));
            }
            out.extend_from_slice(value.as_bytes());
            out.push(0);
        }
        Ok(())
    }
}

/// A stored value the packed form cannot carry (it holds a NUL): the error names the token and the key.
pub fn unpackable(id: &str, key: &str) -> Error {
    Error::invalid_token(format!(
        "the stored token with id {} has a NUL character in key \"{key}\", which the packed fields cannot \
         carry; read it with the JSON calls (zts_find, zts_list)",
        shown(id)
    ))
}

/// The packed form of a list: the tokens' packed forms one after another.
pub fn list_to_fields(tokens: &[Token]) -> Result<Vec<u8>> {
    // Sized exactly: growing a list of 10,000 tokens copied megabytes several times.
    let size = tokens.iter().map(|t| t.values().iter().map(|v| v.as_ref().map_or(0, String::len) + 1).sum::<usize>());
    let mut out = Vec::with_capacity(size.sum());
    for token in tokens {
        token.write_fields(&mut out)?;
    }
    Ok(out)
}

/// The rules every input value meets, in either form: at most `MAX_VALUE_BYTES`, no NUL; "" is absent.
/// The error names the key, never the value.
fn checked_value(name: &str, v: &str) -> std::result::Result<Option<String>, String> {
    if v.len() > MAX_VALUE_BYTES {
        return Err(format!("key \"{name}\" is {} bytes long; the limit is {MAX_VALUE_BYTES}", v.len()));
    }
    if v.contains('\0') {
        return Err(format!("key \"{name}\" contains a NUL character"));
    }
    Ok(if v.is_empty() { None } else { Some(v.to_owned()) })
}

fn json_error(e: serde_json::Error) -> Error {
    // Our own messages already name the key; serde_json's syntax errors carry only a position.
    Error::invalid_json(format!("token JSON: {e}"))
}

/// A short form of a secret for messages and Debug output: its first 4 characters and its length.
pub fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(4).flat_map(char::escape_debug).collect();
    format!("\"{head}…\"({} chars)", secret.chars().count())
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Token");
        for (name, value) in FIELDS.iter().zip(self.values()) {
            match value {
                None => s.field(name, &None::<()>),
                Some(v) if SECRETS.contains(name) => s.field(name, &format_args!("{}", redact(v))),
                Some(v) => s.field(name, v),
            };
        }
        s.finish()
    }
}

/// Reads the JSON object key by key so that every error names its key and no value is ever echoed.
struct TokenVisitor;

impl<'de> Visitor<'de> for TokenVisitor {
    type Value = Token;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object with the token's keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Token, A::Error> {
        let mut token = Token::default();
        let mut seen = [false; 10];
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let Some(index) = FIELDS.iter().position(|f| *f == key) else {
                map.next_value::<IgnoredAny>()?;
                return Err(de::Error::custom(format!(
                    "unknown key {} (expected one of {})",
                    shown(&key),
                    FIELDS.join(", ")
                )));
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(de::Error::custom(format!("key \"{}\" appears twice", FIELDS[index])));
            }
            let value = map.next_value_seed(FieldValue { name: FIELDS[index] })?;
            *token.values_mut()[index] = value;
        }
        Ok(token)
    }
}

/// One value: a string or null; for expiry_time also a JSON integer, kept as its decimal string.
struct FieldValue {
    name: &'static str,
}

impl FieldValue {
    fn wrong<E: de::Error>(&self, found: &str) -> E {
        let wanted = if self.name == "expiry_time" { "a string, an integer or null" } else { "a string or null" };
        E::custom(format!("key \"{}\" must be {wanted}, not {found}", self.name))
    }

    fn string<E: de::Error>(&self, v: &str) -> std::result::Result<Option<String>, E> {
        checked_value(self.name, v).map_err(E::custom)
    }

    fn integer<E: de::Error>(&self, v: impl fmt::Display) -> std::result::Result<Option<String>, E> {
        if self.name == "expiry_time" {
            Ok(Some(v.to_string()))
        } else {
            Err(self.wrong("a number"))
        }
    }
}

impl<'de> DeserializeSeed<'de> for FieldValue {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldValue {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a string or null for \"{}\"", self.name)
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
        self.string(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
        self.integer(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
        self.integer(v)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Err(self.wrong("a fractional number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Err(self.wrong("a boolean"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> std::result::Result<Self::Value, A::Error> {
        Err(self.wrong("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> std::result::Result<Self::Value, A::Error> {
        Err(self.wrong("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

    fn err(json: &str) -> Error {
        Token::from_json(json).unwrap_err()
    }

    #[test]
    fn parses_all_keys_and_reads_empty_as_absent() {
        let t =
            Token::from_json(r#"{"id":"3","user_name":"u@x:1","client_id":"","expiry_time":4102444839397}"#).unwrap();
        assert_eq!(t.id.as_deref(), Some("3"));
        assert_eq!(t.user_name.as_deref(), Some("u@x:1"));
        assert_eq!(t.client_id, None);
        assert_eq!(t.expiry_time.as_deref(), Some("4102444839397"));
    }

    #[test]
    fn output_has_ten_keys_in_sdk_order() {
        let json = Token { id: Some("1".into()), ..Token::default() }.to_json();
        let keys: Vec<String> = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&json)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys.len(), 10);
        assert!(json.starts_with(r#"{"id":"1","user_name":null"#), "{json}");
    }

    #[test]
    fn errors_name_the_key_and_never_echo_values() {
        let e = err(r#"{"refresh_token": 12345678}"#);
        assert_eq!(e.status, Status::InvalidJson);
        assert!(e.message.contains("refresh_token"), "{e}");
        assert!(!e.message.contains("12345678"), "{e}");
        assert!(err(r#"{"colour":"red"}"#).message.contains("unknown key \"colour\""));
        assert!(err(r#"{"id":"1","id":"2"}"#).message.contains("twice"));
        assert!(err(r#"{"expiry_time": 1.5}"#).message.contains("expiry_time"));
        assert!(err(r#"{"api_domain": true}"#).message.contains("api_domain"));
        assert!(err(r#"["id"]"#).message.contains("object"));
        assert!(err(r#"{"id":"1"} trailing"#).message.contains("trailing"));
        assert!(err(r#"{"access_token":"a\u0000b"}"#).message.contains("NUL"));
        let long = format!(r#"{{"access_token":"{}"}}"#, "a".repeat(MAX_VALUE_BYTES + 1));
        assert!(err(&long).message.contains("limit"));
    }

    #[test]
    fn packed_fields_round_trip_and_share_the_json_checks() {
        let t = Token::from_fields(b"3\0u@x:1\0\0\0\0A\0\0\x39\0\0d\0").unwrap();
        assert_eq!((t.id.as_deref(), t.client_id.as_deref(), t.expiry_time.as_deref()), (Some("3"), None, Some("9")));
        let mut packed = Vec::new();
        t.write_fields(&mut packed).unwrap();
        assert_eq!(packed, b"3\0u@x:1\0\0\0\0A\0\0\x39\0\0d\0");
        assert_eq!(Token::from_fields(&packed).unwrap(), t);
        let refused = |bytes: &[u8]| Token::from_fields(bytes).unwrap_err();
        assert!(refused(b"1\0").message.contains("found 1 NUL"));
        assert!(refused(&[b'\0'; 11]).message.contains("found 11 NUL"));
        assert!(refused(&[&[b'\0'; 9][..], b"x"].concat()).message.contains("no NUL at the end"));
        assert!(refused(&[&b"\xff"[..], &[b'\0'; 10]].concat()).message.contains("UTF-8"));
        let long = [&b"\0\0\0\0\0"[..], &vec![b'a'; MAX_VALUE_BYTES + 1], &[b'\0'; 5]].concat();
        let e = refused(&long);
        assert_eq!(e.status, Status::InvalidArgument);
        assert!(e.message.contains("access_token") && e.message.contains("limit"), "{e}");
        let stored_nul = Token { id: Some("7".into()), grant_token: Some("a\0b".into()), ..Token::default() };
        let e = stored_nul.write_fields(&mut Vec::new()).unwrap_err();
        assert!(e.message.contains("grant_token") && e.message.contains("\"7\""), "{e}");
        assert!(!e.message.contains("a\0b"));
    }

    #[test]
    fn debug_redacts_secrets() {
        let t = Token {
            client_secret: Some("supersecretvalue".into()),
            refresh_token: Some("1000.refreshrefresh".into()),
            user_name: Some("user@example.com".into()),
            ..Token::default()
        };
        let shown = format!("{t:?}");
        assert!(!shown.contains("supersecretvalue") && !shown.contains("refreshrefresh"), "{shown}");
        assert!(shown.contains("supe") && shown.contains("user@example.com"), "{shown}");
    }
}
