//! `zts export LOCATION --to FILE`: the store as an SDK FileStore CSV of one language (one that SDK's
//! own FileStore reads back), or as zts JSON. The file holds secrets: it is created with mode 0600.

use crate::dialect::Dialect;
use crate::fail::{Fail, Result};
use crate::files;
use crate::output;
use zts::token::FIELDS;
use zts::{Store, Token};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

pub struct Args {
    pub location: String,
    pub to: String,
    pub format: Format,
    pub dialect: Option<Dialect>,
    pub force: bool,
}

pub fn run(store: &Store, args: &Args) -> Result<()> {
    let Args { location, to, format, dialect, force } = args;
    let (to, format, dialect, force) = (to.as_str(), *format, *dialect, *force);
    let tokens = store.list().map_err(|e| Fail::store(location, e))?;
    let bytes = match (format, dialect) {
        (Format::Json, None) => serde_json::to_vec_pretty(&tokens).unwrap_or_default(),
        (Format::Json, Some(_)) => return Err(Fail::input("--dialect is for --format csv")),
        (Format::Csv, None) => {
            return Err(Fail::input("--format csv needs --dialect python, java, node, php or csharp"));
        }
        (Format::Csv, Some(dialect)) => csv(&tokens, dialect)?,
    };
    files::write_private(to, &bytes, force, location)?;
    let what = match dialect {
        Some(d) => format!("the {} SDK's FileStore CSV", d.name()),
        None => "zts JSON".into(),
    };
    output::line(&format!("exported {} token(s) to {to} as {what} (mode 0600)", tokens.len()));
    Ok(())
}

fn csv(tokens: &[Token], dialect: Dialect) -> Result<Vec<u8>> {
    let mut rows = Vec::with_capacity(tokens.len());
    for token in tokens {
        let values = token.values().map(|v| v.as_deref().unwrap_or(""));
        for (name, value) in FIELDS.iter().zip(values) {
            if let Some(why) = dialect.unwritable(value) {
                return Err(Fail::input(format!(
                    "token id {}: field {name} holds {why}; the {} SDK's FileStore could not read it back",
                    token.id.as_deref().unwrap_or("?"),
                    dialect.name()
                )));
            }
        }
        rows.push(values);
    }
    Ok(dialect.write(&rows))
}
