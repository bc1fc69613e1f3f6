//! Many saves as one: `Store::import` applies the save rules to every token of a batch inside one write
//! transaction, so a migration stores all of its tokens or none. Used by the `zts import` command.

use crate::error::{shown, Error};
use crate::rules;
use crate::store::{find_row, save_row, Store};
use crate::token::Token;
use std::collections::HashMap;

/// What an import did with one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new row.
    Inserted,
    /// An existing row took some of the token's values.
    Updated,
    /// An existing row already held every value (running an import twice changes nothing).
    Unchanged,
}

/// Why a batch was refused: the token at `index` (0-based) broke a rule, or would land on the row the
/// token at `same_as` landed on. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub index: usize,
    pub same_as: Option<usize>,
    pub error: Error,
}

impl Store {
    /// Saves every token with the save rules of `save`, in one write transaction: all or nothing.
    /// Beyond `save`, a batch refuses two tokens that land on one row (they would be merged, losing
    /// one), and a token whose id is stored for another user_name (it would overwrite that user).
    /// With `dry_run` the transaction is rolled back, so the outcomes show what an import would do.
    /// `progress` is called with the number of tokens done.
    pub fn import(
        &self,
        tokens: &[Token],
        dry_run: bool,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Vec<(Outcome, Token)>, ImportError> {
        let at = |index: usize| move |error: Error| ImportError { index, same_as: None, error };
        let mut engine = self.engine();
        let txn = engine.write(true, true).map_err(at(0))?;
        let mut landed: HashMap<String, usize> = HashMap::new();
        let mut outcomes = Vec::with_capacity(tokens.len());
        for (index, token) in tokens.iter().enumerate() {
            rules::check_values(token).map_err(at(index))?;
            let existing = find_row(&*txn, token).map_err(at(index))?;
            if let (Some(stored), Some(id)) = (&existing, &token.id) {
                refuse_another_user(stored, token, id).map_err(at(index))?;
            }
            let outcome = match &existing {
                None => Outcome::Inserted,
                Some(stored) if rules::merge(stored, token) == *stored => Outcome::Unchanged,
                Some(_) => Outcome::Updated,
            };
            let saved = save_row(&*txn, existing, token).map_err(at(index))?;
            let id = saved.id.clone().unwrap_or_default();
            if let Some(first) = landed.insert(id.clone(), index) {
                return Err(ImportError {
                    index,
                    same_as: Some(first),
                    error: Error::invalid_token(format!(
                        "two tokens of the batch would both be stored as id {}, losing one",
                        shown(&id)
                    )),
                });
            }
            outcomes.push((outcome, saved));
            progress(index + 1);
        }
        if !dry_run {
            txn.commit().map_err(at(tokens.len().saturating_sub(1)))?;
        }
        Ok(outcomes)
    }
}

fn refuse_another_user(stored: &Token, token: &Token, id: &str) -> crate::Result<()> {
    match (&stored.user_name, &token.user_name) {
        (Some(held), Some(given)) if held != given => Err(Error::invalid_token(format!(
            "id {} is stored for user_name {}, not {}",
            shown(id),
            shown(held),
            shown(given)
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    fn token(json: &str) -> Token {
        Token::from_json(json).unwrap()
    }

    fn memory() -> Store {
        Store::open(":memory:", &Options::default()).unwrap()
    }

    fn batch() -> Vec<Token> {
        vec![
            token(r#"{"id":"4","user_name":"a@x:1","client_id":"c","client_secret":"s","refresh_token":"R1"}"#),
            token(r#"{"user_name":"b@x:1","refresh_token":"R2","access_token":"A2","expiry_time":"9"}"#),
        ]
    }

    #[test]
    fn imports_all_keeps_ids_and_a_second_run_changes_nothing() {
        let store = memory();
        let mut seen = 0;
        let first = store.import(&batch(), false, &mut |n| seen = n).unwrap();
        assert_eq!(seen, 2);
        assert_eq!(first.iter().map(|(o, _)| *o).collect::<Vec<_>>(), [Outcome::Inserted, Outcome::Inserted]);
        assert_eq!(first[0].1.id.as_deref(), Some("4"), "a valid id is kept");
        assert_eq!(first[1].1.id.as_deref(), Some("5"), "a token without id gets the next one");
        let listed = store.list().unwrap();
        let second = store.import(&batch(), false, &mut |_| {}).unwrap();
        assert_eq!(second.iter().map(|(o, _)| *o).collect::<Vec<_>>(), [Outcome::Unchanged, Outcome::Unchanged]);
        assert_eq!(store.list().unwrap(), listed);
        let mut changed = batch();
        changed[1].access_token = Some("A3".into());
        let third = store.import(&changed, false, &mut |_| {}).unwrap();
        assert_eq!(third[1].0, Outcome::Updated);
    }

    #[test]
    fn a_failure_anywhere_stores_nothing() {
        let store = memory();
        let mut tokens = batch();
        tokens.push(token(r#"{"user_name":"c@x:1"}"#)); // nothing to store
        let e = store.import(&tokens, false, &mut |_| {}).unwrap_err();
        assert_eq!(e.index, 2);
        assert_eq!(e.error.status, crate::Status::InvalidToken);
        assert_eq!(store.list().unwrap(), []);
    }

    #[test]
    fn a_dry_run_reports_and_stores_nothing() {
        let store = memory();
        let outcomes = store.import(&batch(), true, &mut |_| {}).unwrap();
        assert_eq!(outcomes.len(), 2);
        assert_eq!(store.list().unwrap(), []);
    }

    #[test]
    fn refuses_two_tokens_landing_on_one_row_and_an_id_of_another_user() {
        let store = memory();
        let twice = vec![
            token(r#"{"user_name":"a@x:1","refresh_token":"R1"}"#),
            token(r#"{"user_name":"a@x:1","refresh_token":"R9"}"#),
        ];
        let e = store.import(&twice, false, &mut |_| {}).unwrap_err();
        assert_eq!((e.index, e.same_as), (1, Some(0)));
        assert_eq!(store.list().unwrap(), []);

        store.import(&batch(), false, &mut |_| {}).unwrap();
        let e = store.import(&[token(r#"{"id":"4","user_name":"z@x:1","refresh_token":"R"}"#)], false, &mut |_| {});
        let e = e.unwrap_err();
        assert!(e.error.message.contains("a@x:1"), "{}", e.error);
        assert!(!e.error.message.contains("\"R\""), "no secret: {}", e.error);
    }
}
